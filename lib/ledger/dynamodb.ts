import { randomUUID } from 'node:crypto';
import type {
  DynamoDBDocumentClient,
  PutCommandInput,
  QueryCommandInput,
  ScanCommandInput,
  UpdateCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { invalidResponse } from '../aws/client';
import { mapWithLimit } from '../concurrency';
import { type ErrorContext, LedgerConflictError, LedgerError } from '../errors';
import { redact } from '../redact';
import { TAKEOVER_CLAUSES } from '../renewal/claims';
import { createLedgerSdk } from './dynamodb-client';
import type { HttpLedgerConfig } from './dynamodb-http';
import {
  batchPrefix,
  claimPrefix,
  computeExpiresAt,
  fromBatchItem,
  fromClaimItem,
  fromHoldsItem,
  fromInventoryItems,
  fromRunItem,
  fromWatchItem,
  ITEM_TYPE,
  type Item,
  type ItemKey,
  inventoryChunkKeys,
  inventoryTakenAt,
  isBatchOpen,
  keyspaceOf,
  removeHold,
  replaceHolds,
  toBatchItem,
  toBatchKey,
  toBudgetKey,
  toClaimItem,
  toClaimKey,
  toHoldsItem,
  toHoldsKey,
  toInventoryItems,
  toInventoryKey,
  toMarkKey,
  toRunItem,
  toRunKey,
  toWatchItem,
  toWatchKey,
} from './items';
import type { Batch, ClaimKey, ClaimRequest, ClaimResult, Hold, Ledger, RunRecord, WatchEntry } from './port';
import { TABLE } from './table';

export interface DynamoLedgerOptions {
  tableName: string;
  /** A ready AWS SDK document client; when absent the ledger's own HTTP client is used (dynamodb-http.ts). */
  client?: DynamoDBDocumentClient;
  /** Endpoint, region and credentials of the HTTP client; each defaults from the environment. */
  clientConfig?: HttpLedgerConfig;
  /** Source of fresh write ids (default: random UUIDs). Tests inject it to replay a write with the same id. */
  newId?: () => string;
  /** Waits between sends of what the table left unprocessed (tests pass a fake; default a timer). */
  sleep?: (ms: number) => Promise<void>;
  /**
   * The Alibaba account whose items this ledger reads and writes (lib/ledger/items.ts Keyspace); default '' = the
   * unnamed account, whose keys are those of the single-account version.
   */
  account?: string;
}

/** The DynamoDB ledger; `destroy()` frees the client it built itself (an injected client is left alone). */
export interface DynamoLedger extends Ledger {
  destroy(): void;
}

/** Outcome of one conditional write: done now, done earlier by this same write (SDK retry), or refused. */
type WriteOutcome =
  | { kind: 'written'; attributes?: Item }
  | { kind: 'own'; stored: Item }
  | { kind: 'refused'; stored: Item | undefined };

type ConditionalWrite = { kind: 'put'; input: PutCommandInput } | { kind: 'update'; input: UpdateCommandInput };

/** The takeover rule's clauses (renewal/claims.ts), translated one by one into DynamoDB condition syntax. */
const TAKEOVER_TRANSLATION: Record<(typeof TAKEOVER_CLAUSES)[number]['name'], string> = {
  failed: '#status = :failed',
  'attempts-left': '#attempts < :maxAttempts',
  'backoff-passed': '(attribute_not_exists(#nextEligibleAtMs) OR #nextEligibleAtMs <= :now)',
};
/**
 * Budget counters change by ADD, which a retry would apply twice (an answer lost after DynamoDB applied it, then
 * re-sent by the client): a give-back counted twice lets a run spend past its cap (M4). Each change therefore writes
 * its id into two of APPLIED_SLOTS attributes of the item (picked by the id with two hashes) on the condition that
 * neither holds that id already, so the replay is refused and recognised while either still does. Slots, not a
 * growing list: the item stays under ~3 KB however many changes a month brings. A replay comes within seconds; it
 * gets through only if other changes in between overwrote both slots (about 1 in 2 000 for one such change; with one
 * slot it was 1 in 64, and accounts share the global counter: review 2026-12-03).
 */
const APPLIED_SLOTS = 64;
const APPLY_ONCE = '#slotA = :writeId, #slotB = :writeId';
const NOT_APPLIED =
  '(attribute_not_exists(#slotA) OR #slotA <> :writeId) AND (attribute_not_exists(#slotB) OR #slotB <> :writeId)';

/** The two attributes that record change `writeId` on a budget item (always two different ones). */
export function appliedSlots(writeId: string): [string, string] {
  let h = 0;
  let g = 2166136261;
  for (let i = 0; i < writeId.length; i++) {
    h = (h * 31 + writeId.charCodeAt(i)) >>> 0;
    g = Math.imul(g ^ writeId.charCodeAt(i), 16777619) >>> 0;
  }
  const a = h % APPLIED_SLOTS;
  const b = (a + 1 + (g % (APPLIED_SLOTS - 1))) % APPLIED_SLOTS;
  return [`applied${a}`, `applied${b}`];
}

function appliedNames(writeId: string): Record<string, string> {
  const [a, b] = appliedSlots(writeId);
  return { '#slotA': a, '#slotB': b };
}

function hasApplied(stored: Item | undefined, writeId: string): boolean {
  return appliedSlots(writeId).some((slot) => stored?.[slot] === writeId);
}

export const TAKEOVER_CONDITION = TAKEOVER_CLAUSES.map((c) => TAKEOVER_TRANSLATION[c.name]).join(' AND ');

const BATCH_GET_LIMIT = 100;
const UNPROCESSED_RETRIES = 8;
/** DynamoDB's limit of requests in one BatchWriteItem. */
const BATCH_WRITE_LIMIT = 25;
const CLAIM_RACE_RETRIES = 3;
/**
 * Read-modify-write rounds of the holds item before giving up. Only rival `hold`/`unhold` commands race, and each
 * lost round means a rival's write succeeded, so a writer among N concurrent ones loses at most N - 1 times.
 */
const HOLD_WRITE_RETRIES = 10;

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** `#name` placeholders for attributes stored under their own names (`namesOf('a')` = `{ '#a': 'a' }`). */
function namesOf(...names: string[]): Record<string, string> {
  return Object.fromEntries(names.map((n) => [`#${n}`, n]));
}

function isConditionFailure(err: unknown): boolean {
  return (
    // By name: the SDK's exception class is loaded with the SDK, at the first call (dynamodb-client.ts).
    err instanceof Error && err.name === 'ConditionalCheckFailedException'
  );
}

function describeCause(err: unknown): string {
  const text = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  // AccessKeyIds must never reach an error message: SDK messages go through the one redactor.
  return redact(text);
}

function chunk<T>(list: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size));
  return out;
}

function byCreatedThenId(a: Batch, b: Batch): number {
  return a.createdAtMs - b.createdAtMs || a.batchId.localeCompare(b.batchId);
}

/**
 * Creates the ledger adapter over one DynamoDB table (real DynamoDB, DynamoDB Local or dynalite: it uses no
 * transactions and does not rely on ReturnValuesOnConditionCheckFailure, which dynalite does not honour).
 * Every write is conditional and carries a fresh writeId; a condition failure is followed by a consistent re-read,
 * and a stored item holding our own writeId (an SDK retry of a write that did succeed) counts as success.
 */
export function createDynamoLedger(options: DynamoLedgerOptions): DynamoLedger {
  const { tableName } = options;
  const ks = keyspaceOf(options.account ?? '');
  const newId = options.newId ?? randomUUID;
  const wait = options.sleep ?? sleep;
  const sdk = createLedgerSdk(options);

  function wrap(operation: string, err: unknown, context: ErrorContext = {}): LedgerError {
    if (err instanceof LedgerError) return err;
    // A ValidationException is the request itself refused: an item over 400 KB, a malformed value (a bug), or a
    // table whose key schema or index is not this tool's (a setting). Nothing was written either way.
    const invalid = err instanceof Error && err.name === 'ValidationException';
    return new LedgerError(
      `ledger table ${tableName}: ${operation} failed (${describeCause(err)}); ` +
        (invalid
          ? "the table refused the request as invalid and nothing was written: check that AUTORENEW_TABLE is this tool's table (its key schema and open-batches index); if it is, report this with the message (an item over 400 KB is a bug)"
          : 'check that the table exists and that the region, endpoint and IAM permissions are right'),
      { action: operation, ...context },
      { cause: err },
    );
  }

  async function getItem(key: ItemKey, operation: string, context: ErrorContext): Promise<Item | undefined> {
    try {
      const out = await sdk.send('Get', { TableName: tableName, Key: key, ConsistentRead: true });
      return out.Item;
    } catch (err) {
      throw wrap(operation, err, context);
    }
  }

  /** Sends one conditional write; on a condition failure re-reads the item to tell our own retry from a rival. */
  /** Creates an item that must not exist yet (recognising a retried write of our own by its writeId). */
  function putIfAbsent(item: Item, key: ItemKey, operation: string, context: ErrorContext): Promise<WriteOutcome> {
    const input = {
      TableName: tableName,
      Item: item,
      ConditionExpression: 'attribute_not_exists(#pk)',
      ExpressionAttributeNames: { '#pk': TABLE.partitionKey },
    };
    return writeConditional({ kind: 'put', input }, key, String(item.writeId), operation, context);
  }

  async function writeConditional(
    write: ConditionalWrite,
    key: ItemKey,
    writeId: string,
    operation: string,
    context: ErrorContext,
  ): Promise<WriteOutcome> {
    try {
      if (write.kind === 'put') {
        await sendPut(write.input, operation);
        return { kind: 'written' };
      }
      const out = await sdk.send('Update', write.input);
      return out.Attributes ? { kind: 'written', attributes: out.Attributes } : { kind: 'written' };
    } catch (err) {
      if (!isConditionFailure(err)) throw wrap(operation, err, context);
    }
    const stored = await getItem(key, operation, context);
    if (stored && stored.writeId === writeId) return { kind: 'own', stored };
    return { kind: 'refused', stored };
  }

  /**
   * A PutItem that must have reached the table: it asks for the capacity it consumed, which DynamoDB (and DynamoDB
   * Local, dynalite) always answer, and refuses an answer without it. A real success is `{}` otherwise, so a
   * gateway's `{}` that never reached the table read as written: a fresh claim held by nobody (two runs bought one
   * renewal) or a TaskNo written nowhere (review 2026-12-07, twenty-seventh session).
   */
  async function sendPut(input: PutCommandInput, operation: string): Promise<void> {
    const out = await sdk.send('Put', { ...input, ReturnConsumedCapacity: 'TOTAL' });
    if (typeof out.ConsumedCapacity !== 'object' || out.ConsumedCapacity === null)
      throw invalidResponse(
        `PutItem (${operation}) answered without its ConsumedCapacity (not DynamoDB's answer: check the ledger endpoint)`,
      );
  }

  /** Replaces an item if its stored version still equals `expected`; returns the stored item after the write. */
  async function putVersioned(item: Item, expected: number, operation: string, context: ErrorContext) {
    const key = { pk: String(item.pk), sk: String(item.sk) };
    const writeId = String(item.writeId);
    const outcome = await writeConditional(
      {
        kind: 'put',
        input: {
          TableName: tableName,
          Item: item,
          ConditionExpression: '#version = :expected',
          ExpressionAttributeNames: { '#version': 'version' },
          ExpressionAttributeValues: { ':expected': expected },
        },
      },
      key,
      writeId,
      operation,
      context,
    );
    if (outcome.kind === 'written') return item;
    if (outcome.kind === 'own') return outcome.stored;
    const found = outcome.stored ? `version ${String(outcome.stored.version)}` : 'no item';
    throw new LedgerConflictError(
      `ledger table ${tableName}: ${operation} of ${key.pk} lost a concurrent update ` +
        `(expected version ${expected}, found ${found}); re-read it and decide again`,
      { action: operation, ...context },
    );
  }

  const BATCH_GET_CONCURRENCY = 4;

  /**
   * Sends `requests` in chunks of `size`, BATCH_GET_CONCURRENCY chunks at a time; `send` returns what the table
   * left unprocessed (throttling), which is sent again with backoff, at most UNPROCESSED_RETRIES times.
   */
  async function sendInChunks<R>(
    requests: readonly R[],
    size: number,
    operation: string,
    send: (chunk: R[]) => Promise<R[]>,
  ): Promise<void> {
    await mapWithLimit(chunk(requests, size), BATCH_GET_CONCURRENCY, async (part) => {
      let pending = part;
      // Only answers that processed nothing count as retries: a page limit (DynamoDB's 16 MB, dynalite's ~1 MB) is
      // progress, and 100 open batches of 1 000 entries each failed every run as "throttled" (review 2026-12-07).
      for (let stalled = 0, sent = 0; pending.length > 0; sent++) {
        if (stalled > UNPROCESSED_RETRIES) {
          throw new LedgerError(
            `ledger table ${tableName}: ${operation} left ${pending.length} requests unprocessed after ` +
              `${UNPROCESSED_RETRIES} retries (throttled); retry the run later`,
            { action: operation },
          );
        }
        if (sent > 0) await wait(Math.min(1000, 25 * 2 ** stalled));
        const before = pending.length;
        try {
          pending = await send(pending);
        } catch (err) {
          throw wrap(operation, err);
        }
        stalled = pending.length < before ? 0 : stalled + 1;
      }
    });
  }

  async function batchGet(keys: readonly ItemKey[], operation: string): Promise<Item[]> {
    const unique = [...new Map(keys.map((k) => [`${k.pk}\u0000${k.sk}`, k])).values()];
    // Chunks of 100 keys are read a few at a time: a listing of thousands of domains needs tens of them.
    const found: Item[] = [];
    await sendInChunks<Record<string, unknown>>(unique, BATCH_GET_LIMIT, operation, async (pending) => {
      const out = await sdk.send('BatchGet', {
        RequestItems: { [tableName]: { Keys: pending, ConsistentRead: true } },
      });
      const got = out.Responses?.[tableName];
      const unprocessed = out.UnprocessedKeys?.[tableName]?.Keys ?? [];
      // DynamoDB lists every table asked for, empty when nothing matched: an answer without the list is not one, and
      // read as "no claims" it let a run buy the domain another account's live claim held (review 2026-12-07).
      if (!Array.isArray(got) && unprocessed.length < pending.length) {
        throw invalidResponse(
          `BatchGetItem answered without Responses.${tableName} (not DynamoDB's answer: check the ledger endpoint)`,
        );
      }
      found.push(...(got ?? []));
      return unprocessed;
    });
    return found;
  }

  /** Reads every page of a Query or Scan: `send` gets the previous page's LastEvaluatedKey. */
  async function pageAll(
    send: (
      start: Record<string, unknown> | undefined,
    ) => Promise<{ Items?: Item[] | undefined; LastEvaluatedKey?: Record<string, unknown> | undefined }>,
    operation: string,
  ): Promise<Item[]> {
    const items: Item[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      try {
        const out = await send(start);
        // A Query or Scan answer always has Items (empty when nothing matched); see batchGet.
        if (!Array.isArray(out.Items)) {
          throw invalidResponse(
            `${operation} answered without Items (not DynamoDB's answer: check the ledger endpoint)`,
          );
        }
        items.push(...out.Items);
        start = out.LastEvaluatedKey;
      } catch (err) {
        throw wrap(operation, err);
      }
    } while (start);
    return items;
  }

  function queryAll(input: QueryCommandInput, operation: string): Promise<Item[]> {
    return pageAll(
      (start) => sdk.send('Query', { ...input, ...(start ? { ExclusiveStartKey: start } : {}) }),
      operation,
    );
  }

  /** A consistent Scan of the whole table with a filter, all pages. */
  function scanAll(
    filter: Pick<ScanCommandInput, 'FilterExpression' | 'ExpressionAttributeNames' | 'ExpressionAttributeValues'>,
    operation: string,
  ): Promise<Item[]> {
    return pageAll(
      (start) =>
        sdk.send('Scan', {
          TableName: tableName,
          ConsistentRead: true,
          ...filter,
          ...(start ? { ExclusiveStartKey: start } : {}),
        }),
      operation,
    );
  }

  /**
   * Creates the claim when no item exists under its key: a plain conditional put, the common case (a domain claimed
   * for the first time for this expiry). Undefined when an item exists: the caller then tries the takeover update.
   * The put writes exactly the item the update would create (attempts 0, version 1); its condition is a single
   * clause, which DynamoDB Local and dynalite evaluate several times cheaper than the update's (measured in
   * bench/README.md). The same writeId goes to both writes, so an SDK retry of a put that did land is recognised
   * by the update's re-read as our own.
   */
  async function createClaimIfAbsent(request: ClaimRequest, writeId: string): Promise<WriteOutcome | undefined> {
    const item = toClaimItem(
      {
        domain: request.domain,
        expiryMs: request.expiryMs,
        status: 'CLAIMED',
        batchId: request.batchId,
        attemptId: request.attemptId,
        attempts: 0,
        years: request.years,
        claimedAtMs: request.nowMs,
        updatedAtMs: request.nowMs,
        version: 1,
      },
      writeId,
      ks,
    );
    try {
      await sendPut(
        {
          TableName: tableName,
          Item: item,
          ConditionExpression: 'attribute_not_exists(#pk)',
          ExpressionAttributeNames: { '#pk': TABLE.partitionKey },
        },
        'claim',
      );
      return { kind: 'written', attributes: item };
    } catch (err) {
      if (isConditionFailure(err)) return undefined;
      throw wrap('claim', err, { domain: request.domain.toLowerCase(), batchId: request.batchId });
    }
  }

  async function claimOnce(request: ClaimRequest, writeId: string): Promise<WriteOutcome> {
    const created = await createClaimIfAbsent(request, writeId);
    if (created) return created;
    const key = toClaimKey(request, ks);
    return writeConditional(
      {
        kind: 'update',
        input: {
          TableName: tableName,
          Key: key,
          UpdateExpression:
            'SET #type = :type, #writeId = :writeId, #domain = :domain, #expiryMs = :expiryMs, ' +
            '#status = :claimed, #batchId = :batchId, #attemptId = :attemptId, #years = :years, ' +
            '#claimedAtMs = :now, #updatedAtMs = :now, #attempts = if_not_exists(#attempts, :zero), ' +
            '#version = if_not_exists(#version, :zero) + :one ' +
            'REMOVE #taskNo, #newExpiryMs, #code, #message, #nextEligibleAtMs, #expiresAt',
          ConditionExpression: `attribute_not_exists(#pk) OR (${TAKEOVER_CONDITION})`,
          ExpressionAttributeNames: {
            '#pk': TABLE.partitionKey,
            '#expiresAt': TABLE.ttlAttribute,
            ...namesOf(
              'type',
              'writeId',
              'domain',
              'expiryMs',
              'status',
              'batchId',
              'attemptId',
              'years',
              'claimedAtMs',
              'updatedAtMs',
              'attempts',
              'version',
              'taskNo',
              'newExpiryMs',
              'code',
              'message',
              'nextEligibleAtMs',
            ),
          },
          ExpressionAttributeValues: {
            ':type': ITEM_TYPE.claim,
            ':writeId': writeId,
            ':domain': request.domain.toLowerCase(),
            ':expiryMs': request.expiryMs,
            ':claimed': 'CLAIMED',
            ':failed': 'FAILED',
            ':batchId': request.batchId,
            ':attemptId': request.attemptId,
            ':years': request.years,
            ':now': request.nowMs,
            ':zero': 0,
            ':one': 1,
            ':maxAttempts': request.maxAttempts,
          },
          ReturnValues: 'ALL_NEW',
        },
      },
      key,
      writeId,
      'claim',
      { domain: request.domain.toLowerCase(), batchId: request.batchId },
    );
  }

  async function readHolds(operation: string): Promise<{ holds: Hold[]; version: number } | undefined> {
    const item = await getItem(toHoldsKey(ks), operation, {});
    return item ? fromHoldsItem(item) : undefined;
  }

  /**
   * Applies `change` to the holds item: a consistent read, then a write conditional on the version read (or on the
   * item's absence), repeated when a rival command wrote in between. `change` returns undefined for "no change".
   * Returns true when something was written.
   */
  async function changeHolds(
    change: (holds: readonly Hold[]) => Hold[] | undefined,
    operation: string,
    context: ErrorContext,
  ): Promise<boolean> {
    for (let attempt = 1; attempt <= HOLD_WRITE_RETRIES; attempt++) {
      const stored = await readHolds(operation);
      const next = change(stored?.holds ?? []);
      if (next === undefined) return false;
      const item = toHoldsItem(next, (stored?.version ?? 0) + 1, newId(), ks);
      if (stored) {
        try {
          await putVersioned(item, stored.version, operation, context);
          return true;
        } catch (err) {
          if (err instanceof LedgerConflictError) continue;
          throw err;
        }
      }
      const outcome = await putIfAbsent(item, toHoldsKey(ks), operation, context);
      if (outcome.kind !== 'refused') return true;
    }
    throw new LedgerConflictError(
      `ledger table ${tableName}: ${operation} kept losing to concurrent hold changes; run it again`,
      { action: operation, ...context },
    );
  }

  async function readWatchItem(): Promise<{ entries: WatchEntry[]; version: number } | undefined> {
    const item = await getItem(toWatchKey(ks), 'readWatch', {});
    return item ? fromWatchItem(item) : undefined;
  }

  const ledger: DynamoLedger = {
    async putBatchIntent(batch) {
      const context = { batchId: batch.batchId };
      const item = toBatchItem({ ...batch, version: 1 }, newId(), ks);
      const key = toBatchKey(batch.batchId, ks);
      const outcome = await putIfAbsent(item, key, 'putBatchIntent', context);
      if (outcome.kind === 'written') return fromBatchItem(item);
      if (outcome.kind === 'own') return fromBatchItem(outcome.stored);
      throw new LedgerError(
        `ledger table ${tableName}: batch ${batch.batchId} already exists; batch ids must be unique, use a fresh id`,
        { action: 'putBatchIntent', ...context },
      );
    },

    async saveBatch(batch) {
      const item = toBatchItem({ ...batch, version: batch.version + 1 }, newId(), ks);
      return fromBatchItem(await putVersioned(item, batch.version, 'saveBatch', { batchId: batch.batchId }));
    },

    async getBatch(batchId) {
      const item = await getItem(toBatchKey(batchId, ks), 'getBatch', { batchId });
      return item ? fromBatchItem(item) : undefined;
    },

    async listOpenBatches() {
      const { openIndex } = TABLE;
      // The index is eventually consistent and KEYS_ONLY: it only nominates batches, the base items decide.
      const keys = await queryAll(
        {
          TableName: tableName,
          IndexName: openIndex.name,
          KeyConditionExpression: '#openPk = :open',
          ExpressionAttributeNames: { '#openPk': openIndex.partitionKey },
          ExpressionAttributeValues: { ':open': ks.openValue },
        },
        'listOpenBatches',
      );
      const items = await batchGet(
        keys.map((k) => ({ pk: String(k.pk), sk: String(k.sk) })),
        'listOpenBatches',
      );
      return items.map(fromBatchItem).filter(isBatchOpen).sort(byCreatedThenId);
    },

    async listRecentBatches(limit) {
      if (limit <= 0) return [];
      const batches = (
        await scanAll(
          {
            FilterExpression: '#type = :batch AND begins_with(#pk, :prefix)',
            ExpressionAttributeNames: { '#type': 'type', '#pk': TABLE.partitionKey },
            ExpressionAttributeValues: { ':batch': ITEM_TYPE.batch, ':prefix': batchPrefix(ks) },
          },
          'listRecentBatches',
        )
      ).map(fromBatchItem);
      return batches.sort((a, b) => byCreatedThenId(b, a)).slice(0, limit);
    },

    async claim(request): Promise<ClaimResult> {
      for (let attempt = 1; ; attempt++) {
        const writeId = newId();
        const outcome = await claimOnce(request, writeId);
        if (outcome.kind === 'written' && outcome.attributes)
          return { ok: true, claim: fromClaimItem(outcome.attributes) };
        if (outcome.kind === 'own') return { ok: true, claim: fromClaimItem(outcome.stored) };
        if (outcome.kind === 'refused' && outcome.stored) return { ok: false, existing: fromClaimItem(outcome.stored) };
        if (outcome.kind === 'written') {
          // No ALL_NEW attributes came back: read what we wrote.
          const stored = await getItem(toClaimKey(request, ks), 'claim', { domain: request.domain });
          // Ours only if it carries this write's id: an answer without the new item may not be DynamoDB's.
          if (stored && stored.writeId === writeId) return { ok: true, claim: fromClaimItem(stored) };
          if (stored) return { ok: false, existing: fromClaimItem(stored) };
        }
        // Refused but the item is gone (deleted in between): the condition may hold now, so try again.
        if (attempt >= CLAIM_RACE_RETRIES) {
          throw new LedgerError(
            `ledger table ${tableName}: claim of ${request.domain} kept racing with a deletion; retry the run`,
            { action: 'claim', domain: request.domain },
          );
        }
      }
    },

    async saveClaim(claim) {
      const item = toClaimItem({ ...claim, version: claim.version + 1 }, newId(), ks);
      return fromClaimItem(await putVersioned(item, claim.version, 'saveClaim', { domain: claim.domain }));
    },

    async getClaims(keys: readonly ClaimKey[]) {
      const items = await batchGet(
        keys.map((k) => toClaimKey(k, ks)),
        'getClaims',
      );
      return items.map(fromClaimItem);
    },

    async listClaimsForDomain(domain) {
      const items = await queryAll(
        {
          TableName: tableName,
          KeyConditionExpression: '#pk = :pk',
          ExpressionAttributeNames: { '#pk': TABLE.partitionKey },
          ExpressionAttributeValues: { ':pk': toClaimKey({ domain, expiryMs: 0 }, ks).pk },
          ConsistentRead: true,
          ScanIndexForward: false,
        },
        'listClaimsForDomain',
      );
      return items.map(fromClaimItem);
    },

    async listLiveClaims() {
      const items = await scanAll(
        {
          FilterExpression: '#type = :claim AND begins_with(#pk, :prefix) AND #status IN (:c, :s, :u)',
          ExpressionAttributeNames: { '#type': 'type', '#status': 'status', '#pk': TABLE.partitionKey },
          ExpressionAttributeValues: {
            ':claim': ITEM_TYPE.claim,
            ':prefix': claimPrefix(ks),
            ':c': 'CLAIMED',
            ':s': 'SUBMITTED',
            ':u': 'UNKNOWN',
          },
        },
        'listLiveClaims',
      );
      return items.map(fromClaimItem);
    },

    async takeBudget(request) {
      const key = toBudgetKey(request.name, request.period, ks, request.shared);
      const context = { action: 'takeBudget' };
      let want = Math.min(request.amount, request.cap);
      for (let attempt = 0; attempt < 5 && want > 0; attempt++) {
        const writeId = newId();
        const outcome = await writeConditional(
          {
            kind: 'update',
            input: {
              TableName: tableName,
              Key: key,
              UpdateExpression:
                'SET #type = :type, #writeId = :writeId, #cap = :cap, #updatedAtMs = :now, #expiresAt = :ttl, ' +
                `${APPLY_ONCE} ADD #used :n`,
              ConditionExpression: `(attribute_not_exists(#used) OR #used <= :room) AND ${NOT_APPLIED}`,
              ExpressionAttributeNames: {
                '#expiresAt': TABLE.ttlAttribute,
                ...namesOf('type', 'writeId', 'cap', 'used', 'updatedAtMs'),
                ...appliedNames(writeId),
              },
              ExpressionAttributeValues: {
                ':type': ITEM_TYPE.budget,
                ':writeId': writeId,
                ':cap': request.cap,
                ':now': request.nowMs,
                ':ttl': computeExpiresAt(request.nowMs),
                ':n': want,
                ':room': request.cap - want,
              },
              // A real success carries the new count: an answer without it may not be DynamoDB's (a gateway's `{}`).
              ReturnValues: 'UPDATED_NEW',
            },
          },
          key,
          writeId,
          'takeBudget',
          context,
        );
        if (outcome.kind === 'written' && !outcome.attributes) {
          throw wrap(
            'takeBudget',
            invalidResponse(
              "UpdateItem answered without the new count (not DynamoDB's answer: check the ledger endpoint)",
            ),
          );
        }
        if (outcome.kind !== 'refused' || hasApplied(outcome.stored, writeId)) return want;
        // Not enough room for all of it: take what is left, if anything.
        const used = typeof outcome.stored?.used === 'number' ? outcome.stored.used : 0;
        want = Math.min(want, Math.max(0, request.cap - used));
      }
      return 0;
    },

    async returnBudget(request) {
      const key = toBudgetKey(request.name, request.period, ks, request.shared);
      const writeId = newId();
      try {
        await sdk.send('Update', {
          TableName: tableName,
          Key: key,
          UpdateExpression: `SET ${APPLY_ONCE} ADD #used :minus`,
          ConditionExpression: `attribute_exists(#used) AND ${NOT_APPLIED}`,
          ExpressionAttributeNames: { ...namesOf('used'), ...appliedNames(writeId) },
          ExpressionAttributeValues: { ':minus': -request.amount, ':writeId': writeId },
        });
      } catch (err) {
        // Refused: either the counter is missing, or this very give-back was applied and its answer lost (retried).
        if (isConditionFailure(err) && hasApplied(await getItem(key, 'returnBudget', {}), writeId)) return;
        throw wrap('returnBudget', err);
      }
    },

    async getMarks(keys) {
      if (keys.length === 0) return new Map();
      const items = await batchGet(
        keys.map((k) => toMarkKey(k, ks)),
        'getMarks',
      );
      return new Map(items.map((i) => [String(i.key), typeof i.atMs === 'number' ? i.atMs : 0]));
    },

    async putMarks(keys, nowMs) {
      // Marks are plain puts (no condition, a later time simply wins), so 25 go in one BatchWriteItem; a key twice
      // in one request is refused by DynamoDB, hence the Set.
      const requests = [...new Set(keys)].map((key) => ({
        PutRequest: {
          Item: {
            ...toMarkKey(key, ks),
            type: ITEM_TYPE.mark,
            key,
            atMs: nowMs,
            [TABLE.ttlAttribute]: computeExpiresAt(nowMs),
          },
        },
      }));
      await sendInChunks(requests, BATCH_WRITE_LIMIT, 'putMarks', async (pending) => {
        const out = await sdk.send('BatchWrite', { RequestItems: { [tableName]: pending } });
        // DynamoDB always answers with UnprocessedItems (`{}` when every request was written); see batchGet.
        if (typeof out.UnprocessedItems !== 'object' || out.UnprocessedItems === null) {
          throw invalidResponse(
            "BatchWriteItem answered without UnprocessedItems (not DynamoDB's answer: check the ledger endpoint)",
          );
        }
        return (out.UnprocessedItems?.[tableName] ?? []) as typeof pending;
      });
    },

    async recordRun(run: RunRecord) {
      const item = toRunItem(run, newId(), ks);
      const key = toRunKey(run.job, ks);
      const completed = run.lastCompletedAtMs;
      // Refused means a newer run of the job is already recorded: keep it (this is the "last run" record). Nor does
      // a record lower the completion stored: a failed run that read yesterday's, landing after its twin's completed
      // record, erased it (the review of lastCompletedAtMs, twenty-ninth session).
      const outcome = await writeConditional(
        {
          kind: 'put',
          input: {
            TableName: tableName,
            Item: item,
            ConditionExpression:
              completed === undefined
                ? 'attribute_not_exists(#pk) OR #startedAtMs <= :startedAtMs'
                : 'attribute_not_exists(#pk) OR (#startedAtMs <= :startedAtMs AND (attribute_not_exists(#completed) OR #completed <= :completed))',
            ExpressionAttributeNames: {
              '#pk': TABLE.partitionKey,
              '#startedAtMs': 'startedAtMs',
              ...(completed === undefined ? {} : { '#completed': 'lastCompletedAtMs' }),
            },
            ExpressionAttributeValues: {
              ':startedAtMs': run.startedAtMs,
              ...(completed === undefined ? {} : { ':completed': completed }),
            },
          },
        },
        key,
        String(item.writeId),
        'recordRun',
        {},
      );
      if (outcome.kind !== 'refused' || outcome.stored === undefined) return;
      const held = outcome.stored.lastCompletedAtMs;
      if (Number(outcome.stored.startedAtMs) <= run.startedAtMs && typeof held === 'number') {
        // Refused for its completion only: this run's record, with the completion stored (replacing the record read).
        const kept = { ...item, lastCompletedAtMs: held, writeId: newId() };
        await writeConditional(
          {
            kind: 'put',
            input: {
              TableName: tableName,
              Item: kept,
              ConditionExpression: '#writeId = :writeId',
              ExpressionAttributeNames: { '#writeId': 'writeId' },
              ExpressionAttributeValues: { ':writeId': outcome.stored.writeId },
            },
          },
          key,
          String(kept.writeId),
          'recordRun',
          {},
        );
        return;
      }
      // A later-started run is recorded (one that failed before its plan, say, beside this one): this run's completion
      // still raises the record's, or the other job read a run that completed as missing (review 2026-12-07,
      // twenty-ninth session: two renew runs of one schedule, the completed one refused).
      const stored = outcome.stored;
      const storedCompleted = stored.lastCompletedAtMs ?? stored.finishedAtMs;
      if (completed === undefined || typeof storedCompleted !== 'number' || completed <= storedCompleted) return;
      // A replacement of the stored record as read (its writeId unchanged), by PutItem: the check role has no
      // UpdateItem (lib/iam.ts). Refused, a newer record or completion landed meanwhile: it is at least as recent.
      const raised = { ...stored, lastCompletedAtMs: completed, writeId: newId() };
      await writeConditional(
        {
          kind: 'put',
          input: {
            TableName: tableName,
            Item: raised,
            ConditionExpression: '#writeId = :writeId',
            ExpressionAttributeNames: { '#writeId': 'writeId' },
            ExpressionAttributeValues: { ':writeId': stored.writeId },
          },
        },
        key,
        String(raised.writeId),
        'recordRun',
        {},
      );
    },

    async lastRuns() {
      const items = await queryAll(
        {
          TableName: tableName,
          KeyConditionExpression: '#pk = :pk',
          ExpressionAttributeNames: { '#pk': TABLE.partitionKey },
          ExpressionAttributeValues: { ':pk': toRunKey('renew', ks).pk },
          ConsistentRead: true,
        },
        'lastRuns',
      );
      return items.map(fromRunItem);
    },

    async lastRun(job) {
      const item = await getItem(toRunKey(job, ks), 'lastRun', {});
      return item ? fromRunItem(item) : undefined;
    },

    async putHolds(added) {
      await changeHolds((holds) => replaceHolds(holds, added), 'putHolds', {
        domain: added.map((h) => h.domain.toLowerCase()).join(', '),
      });
    },

    async deleteHold(domain) {
      return changeHolds(
        (holds) => {
          const next = removeHold(holds, domain);
          return next.length === holds.length ? undefined : next;
        },
        'deleteHold',
        { domain: domain.toLowerCase() },
      );
    },

    async listHolds() {
      return (await readHolds('listHolds'))?.holds ?? [];
    },

    async readWatch() {
      return (await readWatchItem())?.entries ?? [];
    },

    async changeWatch(change) {
      // As the holds: read, change, write conditional on the version read; a rival's write in between re-applies.
      for (let attempt = 1; attempt <= HOLD_WRITE_RETRIES; attempt++) {
        const stored = await readWatchItem();
        const next = change(stored?.entries ?? []);
        if (next === undefined) return;
        const item = toWatchItem(next, (stored?.version ?? 0) + 1, newId(), ks);
        if (stored) {
          try {
            await putVersioned(item, stored.version, 'changeWatch', {});
            return;
          } catch (err) {
            if (err instanceof LedgerConflictError) continue;
            throw err;
          }
        }
        const outcome = await putIfAbsent(item, toWatchKey(ks), 'changeWatch', {});
        if (outcome.kind !== 'refused') return;
      }
      throw new LedgerConflictError(`ledger table ${tableName}: changeWatch kept losing to concurrent runs`, {
        action: 'changeWatch',
      });
    },

    async readInventory() {
      const head = await getItem(toInventoryKey(ks), 'readInventory', {});
      if (!head) return undefined;
      const keys = inventoryChunkKeys(head, ks);
      return fromInventoryItems(head, keys.length > 0 ? await batchGet(keys, 'readInventory') : [], ks);
    },

    async readInventoryTakenAt() {
      const head = await getItem(toInventoryKey(ks), 'readInventoryTakenAt', {});
      return head ? inventoryTakenAt(head) : undefined;
    },

    async putInventory(inventory, nowMs) {
      const { head, chunks } = toInventoryItems(inventory, newId(), newId(), nowMs, ks);
      // The chunks first, under a generation of their own: a run stopped between them leaves the head naming the
      // last complete generation. Each is a fresh key: nothing to refuse.
      for (const chunk of chunks) {
        try {
          await sendPut({ TableName: tableName, Item: chunk }, 'putInventory');
        } catch (err) {
          throw wrap('putInventory', err);
        }
      }
      // A run that read an older listing and writes last must not replace a newer one (two overlapping runs).
      await writeConditional(
        {
          kind: 'put',
          input: {
            TableName: tableName,
            Item: head,
            ConditionExpression: 'attribute_not_exists(#pk) OR #takenAtMs <= :takenAtMs',
            ExpressionAttributeNames: { '#pk': TABLE.partitionKey, '#takenAtMs': 'takenAtMs' },
            ExpressionAttributeValues: { ':takenAtMs': inventory.takenAtMs },
          },
        },
        toInventoryKey(ks),
        String(head.writeId),
        'putInventory',
        {},
      );
    },

    destroy() {
      sdk.destroy();
    },
  };
  return ledger;
}
