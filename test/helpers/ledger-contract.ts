import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { InputError, LedgerConflictError, LedgerError } from '../../lib/errors';
import { ensureTable } from '../../lib/ledger/create-table';
import { createDynamoLedger, type DynamoLedger } from '../../lib/ledger/dynamodb';
import { batchEntryCostBytes, MAX_BATCH_LISTS_BYTES } from '../../lib/ledger/items';
import type { Batch, Claim, ClaimRequest, Ledger } from '../../lib/ledger/port';
import { TABLE } from '../../lib/ledger/table';

/** One fresh, empty ledger table (or in-memory store), and ways to reach it. */
export interface LedgerTable {
  /** A ledger over this table; `newId` is the seam for replaying a write with a known writeId. */
  createLedger(options?: { newId?: () => string; account?: string }): Ledger;
  /** The stored item (DynamoDB adapters only: the item layout, the open index's keys and the TTL attribute). */
  rawItem?(pk: string, sk: string): Promise<Record<string, unknown> | undefined>;
  /** Writes an item as stored, unconditionally (DynamoDB adapters only: items an older version wrote). */
  rawPut?(item: Record<string, unknown>): Promise<void>;
}

/**
 * What the contract suite runs against. Everything runs on every backend; the tests of the stored item layout and
 * of SDK failures run only where `dynamo` is given.
 */
export interface LedgerBackend {
  /** Called before each test; `setup` after the enclosing file's beforeAll (servers are up by then). */
  fresh(): Promise<LedgerTable>;
  /** Called once after the suite. */
  teardown?(): Promise<void> | void;
  dynamo?: {
    /** A ledger over a table that does not exist (its calls fail in the SDK). */
    ledgerOnMissingTable(): Ledger;
  };
}

/** A server endpoint for the contract suite; `endpoint` is read after the suite's beforeAll started it. */
export interface LedgerServer {
  endpoint(): string;
}

/** Client for a local server (dummy credentials: local servers accept any). */
export function createLocalDocumentClient(endpoint: string): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(
    new DynamoDBClient({
      endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'contract', secretAccessKey: 'contract' },
    }),
  );
}

/**
 * The DynamoDB adapter over a fresh table per test on a DynamoDB-compatible server (dynalite, DynamoDB Local),
 * talking through an injected AWS SDK document client (`sdk`, as the embedded ledger does) or through the ledger's
 * own HTTP client (`http`, lib/ledger/dynamodb-http.ts, as a deployed function does).
 */
export function dynamoBackend(server: LedgerServer, transport: 'sdk' | 'http' = 'sdk'): LedgerBackend {
  let client: DynamoDBDocumentClient | undefined;
  const built: DynamoLedger[] = [];
  const connect = () => {
    client ??= createLocalDocumentClient(server.endpoint());
    return client;
  };
  const over = (c: DynamoDBDocumentClient) =>
    transport === 'sdk'
      ? { client: c }
      : {
          clientConfig: {
            endpoint: server.endpoint(),
            region: 'us-east-1',
            credentials: { accessKeyId: 'contract', secretAccessKey: 'contract' },
          },
        };
  const track = (ledger: DynamoLedger) => {
    built.push(ledger);
    return ledger;
  };
  return {
    async fresh() {
      const c = connect();
      const tableName = `ledger-${randomUUID().slice(0, 8)}`;
      await ensureTable(c, tableName);
      return {
        createLedger: (options = {}) =>
          track(
            createDynamoLedger({
              tableName,
              ...over(c),
              ...(options.newId ? { newId: options.newId } : {}),
              ...(options.account !== undefined ? { account: options.account } : {}),
            }),
          ),
        async rawItem(pk, sk) {
          const out = await c.send(new GetCommand({ TableName: tableName, Key: { pk, sk }, ConsistentRead: true }));
          return out.Item;
        },
        async rawPut(item) {
          await c.send(new PutCommand({ TableName: tableName, Item: item }));
        },
      };
    },
    teardown() {
      for (const ledger of built.splice(0)) ledger.destroy();
      client?.destroy();
      client = undefined;
    },
    dynamo: {
      ledgerOnMissingTable: () => track(createDynamoLedger({ tableName: 'no-such-table', ...over(connect()) })),
    },
  };
}

const DAY_MS = 86_400_000;
const T0 = Date.UTC(2030, 0, 1);

function claimRequest(domain: string, over: Partial<ClaimRequest> = {}): ClaimRequest {
  return {
    domain,
    expiryMs: T0 + 30 * DAY_MS,
    batchId: `b-${randomUUID()}`,
    attemptId: `a-${randomUUID()}`,
    years: 1,
    nowMs: T0,
    maxAttempts: 3,
    ...over,
  };
}

function batchIntent(over: Partial<Batch> = {}): Omit<Batch, 'version'> {
  return {
    batchId: `b-${randomUUID()}`,
    runId: 'run-1',
    attemptId: 'attempt-1',
    status: 'INTENT',
    createdAtMs: T0,
    updatedAtMs: T0,
    entries: [],
    pendingNotices: [],
    sentNotices: [],
    ...over,
  };
}

function uniqueDomain(label: string): string {
  return `${label}-${randomUUID().slice(0, 8)}.example.com`;
}

async function mustClaim(ledger: Ledger, request: ClaimRequest): Promise<Claim> {
  const result = await ledger.claim(request);
  if (!result.ok) throw new Error(`expected claim of ${request.domain} to succeed`);
  return result.claim;
}

/**
 * The contract on a DynamoDB-compatible server through both of the adapter's clients: the AWS SDK's document client
 * (the embedded ledger's) and the ledger's own HTTP client (a deployed function's).
 */
export function describeDynamoContract(name: string, server: LedgerServer): void {
  for (const [transport, over] of [
    ['sdk', 'AWS SDK document client'],
    ['http', 'the ledger HTTP client'],
  ] as const) {
    describeLedgerContract(`${name}, ${over}`, dynamoBackend(server, transport));
  }
}

/**
 * The ledger contract: every adapter/server pair must pass it unchanged (docs/design.md: M1, M2 and the ledger items).
 * `server.endpoint()` must be valid once the enclosing file's beforeAll has run.
 */
export function describeLedgerContract(name: string, backend: LedgerBackend): void {
  describe(`ledger contract: ${name}`, () => {
    let table: LedgerTable;

    beforeEach(async () => {
      table = await backend.fresh();
    });
    afterAll(() => backend.teardown?.());

    /** Raw reads are for the DynamoDB adapters only; the tests that use them do so under `table.rawItem`. */
    async function rawItem(pk: string, sk: string): Promise<Record<string, unknown> | undefined> {
      if (!table.rawItem) throw new Error('raw items are read only on the DynamoDB adapters');
      return table.rawItem(pk, sk);
    }

    function rawClaim(c: Pick<Claim, 'domain' | 'expiryMs'>) {
      return rawItem(`DOMAIN#${c.domain.toLowerCase()}`, `EXP#${String(c.expiryMs).padStart(15, '0')}`);
    }

    describe('claim', () => {
      test('a new claim is CLAIMED, version 1, attempts 0, lower-cased, with no optional fields', async () => {
        const ledger = table.createLedger();
        const domain = uniqueDomain('New');
        const request = claimRequest(domain, { years: 2 });
        const claim = await mustClaim(ledger, request);
        expect(claim).toStrictEqual({
          domain: domain.toLowerCase(),
          expiryMs: request.expiryMs,
          status: 'CLAIMED',
          batchId: request.batchId,
          attemptId: request.attemptId,
          attempts: 0,
          years: 2,
          claimedAtMs: T0,
          updatedAtMs: T0,
          version: 1,
        });
        if (table.rawItem) {
          const raw = await rawClaim(claim);
          expect(raw?.type).toBe('claim');
          expect(typeof raw?.writeId).toBe('string');
          expect(raw).not.toHaveProperty(TABLE.ttlAttribute);
        }
      });

      test('20 concurrent claims of one key: exactly one wins, the others see the winner', async () => {
        const ledger = table.createLedger();
        const domain = uniqueDomain('race');
        const requests = Array.from({ length: 20 }, () => claimRequest(domain));
        const results = await Promise.all(requests.map((r) => ledger.claim(r)));
        const winners = results.filter((r) => r.ok);
        expect(winners).toHaveLength(1);
        const winner = winners[0];
        if (!winner?.ok) throw new Error('unreachable');
        for (const r of results) {
          if (!r.ok) expect(r.existing.batchId).toBe(winner.claim.batchId);
        }
      });

      test.each(['CLAIMED', 'SUBMITTED', 'UNKNOWN', 'RENEWED'] as const)(
        'a %s claim is never taken over, and keeps its attempts',
        async (status) => {
          const ledger = table.createLedger();
          const first = await mustClaim(ledger, claimRequest(uniqueDomain(status)));
          const held = status === 'CLAIMED' ? first : await ledger.saveClaim({ ...first, status, attempts: 1 });
          const result = await ledger.claim(claimRequest(first.domain, { nowMs: T0 + 365 * DAY_MS, maxAttempts: 10 }));
          expect(result).toStrictEqual({ ok: false, existing: held });
          expect((await ledger.getClaims([first]))[0]).toStrictEqual(held);
        },
      );

      test('a FAILED claim is taken over only after its backoff, keeping attempts and clearing result fields', async () => {
        const ledger = table.createLedger();
        const first = await mustClaim(ledger, claimRequest(uniqueDomain('failed')));
        const eligibleAt = T0 + DAY_MS;
        const failed = await ledger.saveClaim({
          ...first,
          status: 'FAILED',
          attempts: 1,
          updatedAtMs: T0 + 1000,
          nextEligibleAtMs: eligibleAt,
          taskNo: 'T-1',
          code: 'InsufficientBalance',
          message: 'not enough money',
        });
        if (table.rawItem) expect(await rawClaim(failed)).toHaveProperty(TABLE.ttlAttribute);

        const early = await ledger.claim(claimRequest(first.domain, { nowMs: eligibleAt - 1 }));
        expect(early).toStrictEqual({ ok: false, existing: failed });

        const retry = claimRequest(first.domain, { nowMs: eligibleAt, years: 3 });
        const taken = await mustClaim(ledger, retry);
        expect(taken).toStrictEqual({
          domain: first.domain,
          expiryMs: first.expiryMs,
          status: 'CLAIMED',
          batchId: retry.batchId,
          attemptId: retry.attemptId,
          attempts: 1,
          years: 3,
          claimedAtMs: eligibleAt,
          updatedAtMs: eligibleAt,
          version: failed.version + 1,
        });
        if (table.rawItem) expect(await rawClaim(taken)).not.toHaveProperty(TABLE.ttlAttribute);
      });

      test('a FAILED claim is refused once attempts reach maxAttempts (both sides of the edge)', async () => {
        const ledger = table.createLedger();
        const first = await mustClaim(ledger, claimRequest(uniqueDomain('maxed')));
        const failed = await ledger.saveClaim({ ...first, status: 'FAILED', attempts: 2 });
        const later = T0 + 10 * DAY_MS;
        const refused = await ledger.claim(claimRequest(first.domain, { nowMs: later, maxAttempts: 2 }));
        expect(refused).toStrictEqual({ ok: false, existing: failed });
        const allowed = await mustClaim(ledger, claimRequest(first.domain, { nowMs: later, maxAttempts: 3 }));
        expect(allowed.attempts).toBe(2);
        expect(allowed.status).toBe('CLAIMED');
      });

      test('claims are per (domain, expiry): another expiry of the same domain is a separate key', async () => {
        const ledger = table.createLedger();
        const domain = uniqueDomain('keys');
        await mustClaim(ledger, claimRequest(domain));
        const other = await ledger.claim(claimRequest(domain.toUpperCase(), { expiryMs: T0 + 400 * DAY_MS }));
        expect(other.ok).toBe(true);
        const again = await ledger.claim(claimRequest(domain.toUpperCase()));
        expect(again.ok).toBe(false);
      });
    });

    describe('versioned saves', () => {
      test('a stale version is refused with LedgerConflictError and changes nothing', async () => {
        const ledger = table.createLedger();
        const claim = await mustClaim(ledger, claimRequest(uniqueDomain('stale')));
        const v2 = await ledger.saveClaim({ ...claim, status: 'SUBMITTED', taskNo: 'T-9' });
        expect(v2.version).toBe(2);
        await expect(ledger.saveClaim({ ...claim, status: 'FAILED' })).rejects.toBeInstanceOf(LedgerConflictError);
        expect((await ledger.getClaims([claim]))[0]).toStrictEqual(v2);

        const batch = await ledger.putBatchIntent(batchIntent());
        const saved = await ledger.saveBatch({ ...batch, status: 'SUBMITTED', taskNo: 'T-9' });
        await expect(ledger.saveBatch({ ...batch, status: 'CLOSED' })).rejects.toBeInstanceOf(LedgerConflictError);
        expect(await ledger.getBatch(batch.batchId)).toStrictEqual(saved);
      });

      test('concurrent saves from one version: exactly one wins', async () => {
        const ledger = table.createLedger();
        const claim = await mustClaim(ledger, claimRequest(uniqueDomain('concurrent')));
        const claimSaves = await Promise.allSettled(
          Array.from({ length: 10 }, (_, i) => ledger.saveClaim({ ...claim, taskNo: `T-${i}` })),
        );
        expect(claimSaves.filter((s) => s.status === 'fulfilled')).toHaveLength(1);
        for (const s of claimSaves) {
          if (s.status === 'rejected') expect(s.reason).toBeInstanceOf(LedgerConflictError);
        }
        const batch = await ledger.putBatchIntent(batchIntent());
        const batchSaves = await Promise.allSettled(
          Array.from({ length: 10 }, (_, i) => ledger.saveBatch({ ...batch, taskNo: `T-${i}` })),
        );
        expect(batchSaves.filter((s) => s.status === 'fulfilled')).toHaveLength(1);
      });
    });

    describe('own-write recognition (an SDK retry of a write that succeeded)', () => {
      test('replaying a save with the same writeId succeeds; another writeId conflicts', async () => {
        const replaying = table.createLedger({ newId: () => 'replayed-write' });
        const claim = await mustClaim(table.createLedger(), claimRequest(uniqueDomain('own')));
        const next = { ...claim, status: 'SUBMITTED' as const, taskNo: 'T-1' };
        const saved = await replaying.saveClaim(next);
        // The identical conditional write again: its condition now fails, but the item carries our writeId.
        await expect(replaying.saveClaim(next)).resolves.toStrictEqual(saved);
        await expect(table.createLedger().saveClaim(next)).rejects.toBeInstanceOf(LedgerConflictError);

        const intent = batchIntent();
        const batch = await replaying.putBatchIntent(intent);
        await expect(replaying.putBatchIntent(intent)).resolves.toStrictEqual(batch);
        const duplicate = table.createLedger().putBatchIntent(intent);
        await expect(duplicate).rejects.toBeInstanceOf(LedgerError);
        await expect(duplicate).rejects.not.toBeInstanceOf(LedgerConflictError);

        const closed = { ...batch, status: 'CLOSED' as const, closedAtMs: T0 + 1 };
        const savedBatch = await replaying.saveBatch(closed);
        await expect(replaying.saveBatch(closed)).resolves.toStrictEqual(savedBatch);
      });

      test('replaying a claim with the same writeId is still ours; a rival gets the existing claim', async () => {
        const replaying = table.createLedger({ newId: () => 'replayed-claim' });
        const request = claimRequest(uniqueDomain('ownclaim'));
        const first = await mustClaim(replaying, request);
        await expect(replaying.claim(request)).resolves.toStrictEqual({ ok: true, claim: first });
        await expect(table.createLedger().claim(request)).resolves.toStrictEqual({ ok: false, existing: first });
      });
    });

    describe('open index and TTL', () => {
      test('a batch is in the open index iff not CLOSED or notices are pending; TTL only when finished', async () => {
        const ledger = table.createLedger();
        const key = (b: Batch) => rawItem(`BATCH#${b.batchId}`, 'BATCH');
        const ids = async () => (await ledger.listOpenBatches()).map((b) => b.batchId);
        const raw = !!table.rawItem;

        const intent = await ledger.putBatchIntent(batchIntent());
        if (raw) {
          const item = await key(intent);
          expect(item?.openPk).toBe('OPEN');
          expect(item?.openSk).toBe(`${new Date(T0).toISOString()}#${intent.batchId}`);
          expect(item).not.toHaveProperty(TABLE.ttlAttribute);
        }
        expect(await ids()).toEqual([intent.batchId]);

        const submitted = await ledger.saveBatch({ ...intent, status: 'SUBMITTED', pendingNotices: ['submitted'] });
        expect(await ids()).toEqual([intent.batchId]);
        const closedPending = await ledger.saveBatch({
          ...submitted,
          status: 'CLOSED',
          closedAtMs: T0 + DAY_MS,
          pendingNotices: ['final'],
          sentNotices: ['submitted'],
        });
        if (raw) {
          expect((await key(closedPending))?.openPk).toBe('OPEN');
          expect(await key(closedPending)).not.toHaveProperty(TABLE.ttlAttribute);
        }
        expect(await ids()).toEqual([intent.batchId]);

        const done = await ledger.saveBatch({
          ...closedPending,
          pendingNotices: [],
          sentNotices: ['submitted', 'final'],
        });
        if (raw) {
          const doneRaw = await key(done);
          expect(doneRaw).not.toHaveProperty('openPk');
          expect(doneRaw).not.toHaveProperty('openSk');
          expect(doneRaw?.[TABLE.ttlAttribute]).toBe(Math.floor((T0 + DAY_MS) / 1000) + 400 * 86_400);
        }
        expect(await ids()).toEqual([]);

        const reopened = await ledger.saveBatch({ ...done, pendingNotices: ['stuck'] });
        if (raw) expect(await key(reopened)).not.toHaveProperty(TABLE.ttlAttribute);
        expect(await ids()).toEqual([intent.batchId]);
      });

      test('listOpenBatches returns every open batch, oldest first, with UNKNOWN ones included', async () => {
        const ledger = table.createLedger();
        const made: Batch[] = [];
        for (const [i, status] of (['UNKNOWN', 'INTENT', 'SUBMITTED', 'CLOSED'] as const).entries()) {
          const b = await ledger.putBatchIntent(batchIntent({ createdAtMs: T0 + (10 - i) * 1000 }));
          made.push(await ledger.saveBatch({ ...b, status }));
        }
        const open = await ledger.listOpenBatches();
        expect(open.map((b) => b.status)).toEqual(['SUBMITTED', 'INTENT', 'UNKNOWN']);
        expect(open[0]).toStrictEqual(made[2]);
      });

      // The stored TTL attribute is the DynamoDB item layout, not part of the port.
      if (backend.dynamo) {
        test.each([
          ['CLAIMED', false],
          ['SUBMITTED', false],
          ['UNKNOWN', false],
          ['RENEWED', true],
          ['FAILED', true],
        ] as const)('a %s claim carries the TTL attribute: %s', async (status, ttl) => {
          const ledger = table.createLedger();
          const claim = await mustClaim(ledger, claimRequest(uniqueDomain(status)));
          const saved = await ledger.saveClaim({ ...claim, status, updatedAtMs: T0 + 5000 });
          const raw = await rawClaim(saved);
          if (ttl) expect(raw?.[TABLE.ttlAttribute]).toBe(Math.floor((T0 + 5000) / 1000) + 400 * 86_400);
          else expect(raw).not.toHaveProperty(TABLE.ttlAttribute);
        });
      }
    });

    describe('reads', () => {
      test('getClaims reads more than 100 keys, skips missing ones and duplicates', async () => {
        const ledger = table.createLedger();
        const domains = Array.from({ length: 150 }, (_, i) => `bulk-${i}.example.net`);
        for (let i = 0; i < domains.length; i += 25) {
          await Promise.all(domains.slice(i, i + 25).map((d) => mustClaim(ledger, claimRequest(d))));
        }
        const keys = domains.map((domain) => ({ domain, expiryMs: T0 + 30 * DAY_MS }));
        const missing = { domain: 'absent.example.net', expiryMs: T0 };
        const found = await ledger.getClaims([...keys, missing, keys[0]!]);
        expect(found).toHaveLength(150);
        expect(new Set(found.map((c) => c.domain))).toEqual(new Set(domains));
        await expect(ledger.getClaims([])).resolves.toEqual([]);
      });

      test('listClaimsForDomain lists one domain, newest expiry first, case-insensitively', async () => {
        const ledger = table.createLedger();
        const domain = uniqueDomain('hist');
        for (const years of [1, 3, 2]) {
          await mustClaim(ledger, claimRequest(domain, { expiryMs: T0 + years * 365 * DAY_MS }));
        }
        await mustClaim(ledger, claimRequest(uniqueDomain('other')));
        const list = await ledger.listClaimsForDomain(domain.toUpperCase());
        expect(list.map((c) => c.expiryMs)).toEqual([3, 2, 1].map((y) => T0 + y * 365 * DAY_MS));
      });

      test('listRecentBatches returns the newest batches first, up to the limit', async () => {
        const ledger = table.createLedger();
        for (const i of [3, 1, 4, 0, 2]) {
          await ledger.putBatchIntent(batchIntent({ batchId: `recent-${i}`, createdAtMs: T0 + i * 1000 }));
        }
        await mustClaim(ledger, claimRequest(uniqueDomain('not-a-batch')));
        expect((await ledger.listRecentBatches(3)).map((b) => b.batchId)).toEqual(['recent-4', 'recent-3', 'recent-2']);
        expect(await ledger.listRecentBatches(10)).toHaveLength(5);
        expect(await ledger.listRecentBatches(0)).toEqual([]);
      });

      test('recordRun keeps the latest run per job; an older run does not overwrite a newer one', async () => {
        const ledger = table.createLedger();
        const renew = {
          job: 'renew' as const,
          runId: 'r2',
          startedAtMs: T0 + 2000,
          finishedAtMs: T0 + 3000,
          ok: true,
          summary: { submitted: 3, deferred: 1 },
        };
        await ledger.recordRun({ ...renew, runId: 'r1', startedAtMs: T0, finishedAtMs: T0 + 1 });
        await ledger.recordRun(renew);
        await ledger.recordRun({ ...renew, runId: 'r0', startedAtMs: T0 - 1, finishedAtMs: T0 });
        const check = {
          ...renew,
          job: 'check' as const,
          runId: 'c1',
          ok: false,
          summary: {},
          error: 'boom',
          lastCompletedAtMs: T0 - 5000,
        };
        await ledger.recordRun(check);
        const runs = await ledger.lastRuns();
        expect([...runs].sort((a, b) => a.job.localeCompare(b.job))).toStrictEqual([check, renew]);
        expect(await ledger.lastRun('renew')).toStrictEqual(renew);
        expect(await ledger.lastRun('check')).toStrictEqual(check);
      });
    });

    test("a completed run refused by a later-started one's record still raises its last completion (review 2026-12-07, twenty-ninth session)", async () => {
      const ledger = table.createLedger();
      const base = { job: 'renew' as const, ok: true, summary: {} };
      // Yesterday's completed run, then today's: B started a minute after A and failed before its plan, recorded first.
      await ledger.recordRun({
        ...base,
        runId: 'y',
        startedAtMs: T0,
        finishedAtMs: T0 + 10,
        lastCompletedAtMs: T0 + 10,
      });
      const day = 86_400_000;
      await ledger.recordRun({
        ...base,
        runId: 'b',
        ok: false,
        startedAtMs: T0 + day + 60_000,
        finishedAtMs: T0 + day + 70_000,
        lastCompletedAtMs: T0 + 10,
      });
      const completedAt = T0 + day + 300_000;
      await ledger.recordRun({
        ...base,
        runId: 'a',
        startedAtMs: T0 + day,
        finishedAtMs: completedAt,
        lastCompletedAtMs: completedAt,
      });
      expect(await ledger.lastRun('renew')).toMatchObject({ runId: 'b', ok: false, lastCompletedAtMs: completedAt });
      // An older completion never lowers it.
      await ledger.recordRun({
        ...base,
        runId: 'z',
        startedAtMs: T0 + 5,
        finishedAtMs: T0 + 6,
        lastCompletedAtMs: T0 + 6,
      });
      expect(await ledger.lastRun('renew')).toMatchObject({ runId: 'b', lastCompletedAtMs: completedAt });
    });

    test('a later-started failed run landing after its twin completed keeps the completion stored (the review of it)', async () => {
      const ledger = table.createLedger();
      const base = { job: 'renew' as const, ok: true, summary: {} };
      const day = 86_400_000;
      await ledger.recordRun({
        ...base,
        runId: 'a',
        startedAtMs: T0 + day,
        finishedAtMs: T0 + day + 300_000,
        lastCompletedAtMs: T0 + day + 300_000,
      });
      // B read yesterday's record before A's landed, and carries its completion.
      await ledger.recordRun({
        ...base,
        runId: 'b',
        ok: false,
        error: 'throttled',
        startedAtMs: T0 + day + 60_000,
        finishedAtMs: T0 + day + 400_000,
        lastCompletedAtMs: T0 + 10,
      });
      expect(await ledger.lastRun('renew')).toMatchObject({
        runId: 'b',
        ok: false,
        error: 'throttled',
        lastCompletedAtMs: T0 + day + 300_000,
      });
    });

    describe('round trips (absent optional fields stay absent)', () => {
      test('previous TaskNos survive a takeover of a FAILED claim (reconciliation must never adopt them)', async () => {
        const ledger = table.createLedger();
        const claim = await mustClaim(ledger, claimRequest(uniqueDomain('prev')));
        await ledger.saveClaim({
          ...claim,
          status: 'FAILED',
          attempts: 1,
          taskNo: 'T-1',
          previousTaskNos: ['T-1'],
          nextEligibleAtMs: T0,
        });
        const again = await ledger.claim({
          ...claimRequest(claim.domain),
          batchId: 'b-2',
          attemptId: 'a-2',
          nowMs: T0 + 1,
        });
        expect(again.ok).toBe(true);
        const [stored] = await ledger.getClaims([claim]);
        expect(stored?.previousTaskNos).toEqual(['T-1']);
        expect(stored?.taskNo).toBeUndefined();
      });

      test('a claim to be retried alone keeps the flag through a takeover (it is submitted in a batch of its own)', async () => {
        const ledger = table.createLedger();
        const claim = await mustClaim(ledger, claimRequest(uniqueDomain('alone')));
        await ledger.saveClaim({ ...claim, status: 'FAILED', alone: true, nextEligibleAtMs: T0 });
        expect((await ledger.getClaims([claim]))[0]?.alone).toBe(true);
        const again = await ledger.claim({
          ...claimRequest(claim.domain),
          batchId: 'b-2',
          attemptId: 'a-2',
          nowMs: T0 + 1,
        });
        expect(again).toMatchObject({ ok: true, claim: { status: 'CLAIMED', alone: true } });
      });

      test('a claim with every optional field', async () => {
        const ledger = table.createLedger();
        const claim = await mustClaim(ledger, claimRequest(uniqueDomain('full')));
        const full: Claim = {
          ...claim,
          status: 'RENEWED',
          attempts: 2,
          nextEligibleAtMs: T0 + 7,
          taskNo: 'T-42',
          previousTaskNos: ['T-40', 'T-41'],
          newExpiryMs: T0 + 400 * DAY_MS,
          code: 'OK',
          message: 'renewed: 中文 ok',
          alone: true,
          updatedAtMs: T0 + 9,
        };
        const saved = await ledger.saveClaim(full);
        expect(saved).toStrictEqual({ ...full, version: 2 });
        expect(await ledger.getClaims([claim])).toStrictEqual([saved]);
        expect(await ledger.listClaimsForDomain(claim.domain)).toStrictEqual([saved]);
      });

      test('a batch with every optional field, and a minimal one', async () => {
        const ledger = table.createLedger();
        const full: Omit<Batch, 'version'> = batchIntent({
          status: 'CLOSED',
          couponNo: 'C-1',
          promotionNo: 'P-1',
          entries: [
            { domain: 'a.example.com', expiryMs: T0, years: 1, permitPremium: false },
            {
              domain: 'b.example.com',
              expiryMs: T0 + 1,
              years: 2,
              permitPremium: true,
              outcome: 'RENEWED',
              newExpiryMs: T0 + 2 * 365 * DAY_MS,
              message: 'done',
            },
            {
              domain: 'c.example.com',
              expiryMs: T0 + 2,
              years: 1,
              permitPremium: false,
              outcome: 'FAILED',
              message: 'registry said no',
              announced: true,
            },
          ],
          submitStartedAtMs: T0 + 1,
          taskNo: 'T-7',
          requestId: 'REQ-7',
          submittedAtMs: T0 + 2,
          closedAtMs: T0 + 3,
          error: { code: 'E', message: 'partial failure', requestId: 'REQ-8' },
          stuckNotifiedAtMs: T0 + 4,
          lapseRiskBeforeMs: T0 + 5,
          pendingNotices: ['final', 'stuck'],
          sentNotices: ['submitted'],
        });
        const stored = await ledger.putBatchIntent(full);
        expect(stored).toStrictEqual({ ...full, version: 1 });
        expect(await ledger.getBatch(full.batchId)).toStrictEqual(stored);

        const minimal = batchIntent({ error: { message: 'only a message' } });
        const storedMinimal = await ledger.putBatchIntent(minimal);
        expect(await ledger.getBatch(minimal.batchId)).toStrictEqual({ ...minimal, version: 1 });
        expect(storedMinimal).toStrictEqual({ ...minimal, version: 1 });
        expect(await ledger.getBatch('no-such-batch')).toBeUndefined();
      });
    });

    describe('issue 12 additions', () => {
      test('a batch of 1 000 entries with 253-character names and long failure texts fits in one item', async () => {
        const ledger = table.createLedger();
        const label = (i: number) => `${String(i).padStart(4, '0')}${'x'.repeat(59)}`;
        const name = (i: number) => `${label(i)}.${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(57)}.com`;
        expect(name(1)).toHaveLength(253);
        const entries = Array.from({ length: 1000 }, (_, i) => ({
          domain: name(i),
          expiryMs: T0 + i,
          years: 10,
          permitPremium: false,
          outcome: 'FAILED' as const,
          newExpiryMs: T0 + 10 * 365 * DAY_MS,
          message: `the registrar reported: ${'a long and untrusted failure reason '.repeat(8)}`,
        }));
        const stored = await ledger.putBatchIntent(batchIntent({ entries }));
        const read = await ledger.getBatch(stored.batchId);
        expect(read?.entries).toHaveLength(1000);
        expect(read?.entries[999]?.domain).toBe(name(999));
        expect(read?.entries.every((e) => e.outcome === 'FAILED')).toBe(true);
        // Saving it again (as every update does) works too.
        await expect(ledger.saveBatch({ ...stored, status: 'CLOSED', closedAtMs: T0 })).resolves.toMatchObject({
          version: 2,
        });
      });

      test('the largest batch the planner makes of 253-character names fits with every list full', async () => {
        const ledger = table.createLedger();
        const label = (i: number) => `${String(i).padStart(4, '0')}${'x'.repeat(59)}`;
        const name = (i: number) => `${label(i)}.${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(57)}.com`;
        const count = Math.floor(MAX_BATCH_LISTS_BYTES / batchEntryCostBytes(name(0)));
        const entries = Array.from({ length: count }, (_, i) => ({
          domain: name(i),
          expiryMs: T0 + i,
          years: 10,
          permitPremium: true,
          price: { minor: 99_999_999_999, currency: 'CNY' },
          outcome: 'NOT_SUBMITTED' as const,
          newExpiryMs: T0 + 10 * 365 * DAY_MS,
          lastBuyMs: T0 + 30 * DAY_MS + i,
          announced: true as const,
          message: `the registrar reported: ${'a long and untrusted failure reason '.repeat(8)}`,
        }));
        const stored = await ledger.putBatchIntent(batchIntent({ entries }));
        const full = await ledger.saveBatch({
          ...stored,
          status: 'CLOSED',
          closedAtMs: T0,
          movedExpiries: entries.map((e) => ({ domain: e.domain, expiryMs: T0 + 20 * 365 * DAY_MS })),
          repaired: entries.map((e) => e.domain),
          pendingNotices: ['expiry-moved', 'orphaned'],
        });
        const read = await ledger.getBatch(full.batchId);
        expect(read?.entries).toHaveLength(count);
        expect(read?.movedExpiries).toHaveLength(count);
        expect(read?.repaired).toHaveLength(count);
        expect(read?.entries[count - 1]?.price).toEqual({ minor: 99_999_999_999, currency: 'CNY' });
      });

      test('a batch item too big for the table is refused as a bug, not as a table or permission problem', async () => {
        const ledger = table.createLedger();
        const name = (i: number) =>
          `${String(i).padStart(4, '0')}${'x'.repeat(59)}.${'a'.repeat(63)}.${'b'.repeat(63)}.com`;
        const entries = Array.from({ length: 2000 }, (_, i) => ({
          domain: name(i),
          expiryMs: T0,
          years: 1,
          permitPremium: false,
        }));
        const intent = batchIntent({ entries });
        const refused = await ledger.putBatchIntent(intent).then(
          () => undefined,
          (err: unknown) => err,
        );
        if (backend.dynamo) {
          expect(refused).toBeInstanceOf(LedgerError);
          expect(String((refused as Error).message)).toMatch(
            /putBatchIntent failed \(ValidationException[^)]*\); the table refused the request as invalid and nothing was written: check that AUTORENEW_TABLE is this tool's table .*report this/,
          );
          expect(await ledger.getBatch(intent.batchId)).toBeUndefined();
        } else expect(refused).toBeUndefined(); // the memory fake has no size limit
      });

      test('listLiveClaims returns exactly the CLAIMED, SUBMITTED and UNKNOWN claims', async () => {
        const ledger = table.createLedger();
        const live = await mustClaim(ledger, claimRequest(uniqueDomain('Live')));
        const done = await mustClaim(ledger, claimRequest(uniqueDomain('Done')));
        await ledger.saveClaim({ ...done, status: 'RENEWED', newExpiryMs: T0 + 400 * DAY_MS });
        const unknown = await mustClaim(ledger, claimRequest(uniqueDomain('Unknown')));
        await ledger.saveClaim({ ...unknown, status: 'UNKNOWN' });
        const found = (await ledger.listLiveClaims()).map((c) => c.domain).sort();
        expect(found).toEqual([live.domain, unknown.domain].sort());
      });

      test('takeBudget: overlapping takers never pass the cap together; returnBudget gives back', async () => {
        const ledger = table.createLedger();
        const take = (amount: number) =>
          ledger.takeBudget({ name: 'domains', period: 'd1', amount, cap: 10, nowMs: T0 });
        const granted = await Promise.all([take(4), take(4), take(4), take(4)]);
        expect(granted.reduce((a, b) => a + b, 0)).toBe(10);
        expect(await take(1)).toBe(0);
        await ledger.returnBudget({ name: 'domains', period: 'd1', amount: 3, nowMs: T0 });
        expect(await take(5)).toBe(3);
        expect(await ledger.takeBudget({ name: 'domains', period: 'd2', amount: 50, cap: 10, nowMs: T0 })).toBe(10);
      });

      test('marks: absent until put, then present with the time they were put', async () => {
        const ledger = table.createLedger();
        expect(await ledger.getMarks(['a', 'b'])).toEqual(new Map());
        await ledger.putMarks(['a'], T0);
        expect(await ledger.getMarks(['a', 'b'])).toEqual(new Map([['a', T0]]));
      });
    });

    describe('accounts: one table, a keyspace each', () => {
      test('the same domain in two accounts is two claims; each account sees only its own claims', async () => {
        const cn = table.createLedger({ account: 'cn-main' });
        const intl = table.createLedger({ account: 'intl' });
        const domain = uniqueDomain('Moved');
        const a = await mustClaim(cn, claimRequest(domain));
        const b = await mustClaim(intl, claimRequest(domain));
        expect(a.batchId).not.toBe(b.batchId);
        expect((await cn.listClaimsForDomain(domain)).map((c) => c.batchId)).toEqual([a.batchId]);
        expect((await intl.getClaims([a])).map((c) => c.batchId)).toEqual([b.batchId]);
        expect((await cn.listLiveClaims()).map((c) => c.batchId)).toEqual([a.batchId]);
        expect(await table.createLedger().listLiveClaims()).toEqual([]);
      });

      test('batches, runs, holds, marks and budgets are per account; a shared budget spans them', async () => {
        const cn = table.createLedger({ account: 'cn-main' });
        const intl = table.createLedger({ account: 'intl' });
        const batch = await cn.putBatchIntent(batchIntent());
        expect(await intl.getBatch(batch.batchId)).toBeUndefined();
        expect((await cn.listOpenBatches()).map((b) => b.batchId)).toEqual([batch.batchId]);
        expect(await intl.listOpenBatches()).toEqual([]);
        expect(await table.createLedger().listOpenBatches()).toEqual([]);
        expect(await intl.listRecentBatches(5)).toEqual([]);
        await cn.recordRun({ job: 'renew', runId: 'r1', startedAtMs: T0, finishedAtMs: T0, ok: true, summary: {} });
        expect(await intl.lastRuns()).toEqual([]);
        expect((await cn.lastRuns()).map((r) => r.runId)).toEqual(['r1']);
        await cn.putHolds([{ domain: 'held.com', createdAtMs: T0 }]);
        expect(await intl.listHolds()).toEqual([]);
        await cn.putMarks(['m'], T0);
        expect(await intl.getMarks(['m'])).toEqual(new Map());
        const take = (l: Ledger, amount: number, shared?: boolean) =>
          l.takeBudget({ name: 'domains', period: 'd1', amount, cap: 5, nowMs: T0, ...(shared ? { shared } : {}) });
        expect(await take(cn, 5)).toBe(5);
        expect(await take(intl, 5)).toBe(5);
        expect(await take(cn, 3, true)).toBe(3);
        expect(await take(intl, 3, true)).toBe(2);
      });

      test('the unnamed account keeps the keys of the single-account version', async () => {
        if (!table.rawItem) return;
        const ledger = table.createLedger({ account: '' });
        const claim = await mustClaim(ledger, claimRequest(uniqueDomain('Legacy')));
        expect(await rawClaim(claim)).toMatchObject({ domain: claim.domain, status: 'CLAIMED' });
        const named = await mustClaim(table.createLedger({ account: 'x' }), claimRequest(uniqueDomain('Named')));
        expect(await rawClaim(named)).toBeUndefined();
        const pk = `ACCT#x#DOMAIN#${named.domain}`;
        expect(await rawItem(pk, `EXP#${String(named.expiryMs).padStart(15, '0')}`)).toMatchObject({
          status: 'CLAIMED',
        });
        const batch = await ledger.putBatchIntent(batchIntent());
        expect(await rawItem(`BATCH#${batch.batchId}`, 'BATCH')).toMatchObject({
          [TABLE.openIndex.partitionKey]: 'OPEN',
        });
      });

      test('a batch an older version stored with an entries list still reads, lists as open, and saves', async () => {
        if (!table.rawItem || !table.rawPut) return;
        const ledger = table.createLedger();
        const entries = [
          { domain: 'old-layout.com', expiryMs: T0, years: 1, permitPremium: false },
          { domain: 'old-layout.net', expiryMs: T0 + 1, years: 2, permitPremium: true, outcome: 'RENEWED' as const },
        ];
        const stored = await ledger.putBatchIntent(batchIntent({ entries }));
        const key = [`BATCH#${stored.batchId}`, 'BATCH'] as const;
        const { entriesJson, ...rest } = (await rawItem(...key)) ?? {};
        expect(JSON.parse(String(entriesJson))).toEqual(entries);
        await table.rawPut({ ...rest, entries });
        expect(await rawItem(...key)).not.toHaveProperty('entriesJson');
        // An open batch of the old layout still blocks its domains and is checked: read, listed, saved.
        expect(await ledger.getBatch(stored.batchId)).toStrictEqual(stored);
        expect((await ledger.listOpenBatches()).find((b) => b.batchId === stored.batchId)).toStrictEqual(stored);
        const saved = await ledger.saveBatch({ ...stored, submitStartedAtMs: T0 });
        expect(await rawItem(...key)).not.toHaveProperty('entries');
        expect(await ledger.getBatch(stored.batchId)).toStrictEqual(saved);
      });
    });

    describe('the inventory (thirty-third session)', () => {
      test('none at first; stored and read back with groups, names normalised; an older one never replaces a newer', async () => {
        const ledger = table.createLedger();
        expect(await ledger.readInventory()).toBeUndefined();
        expect(await ledger.readInventoryTakenAt()).toBeUndefined();
        await ledger.putInventory(
          {
            takenAtMs: T0,
            entries: [
              { domain: 'b.com', expiryMs: T0 + 2 * DAY_MS, groupName: 'Old\tBrand' },
              { domain: 'A.com', expiryMs: T0 + DAY_MS },
              { domain: 'c.com', expiryMs: T0 + DAY_MS, groupUnstated: true },
            ],
          },
          T0,
        );
        const first = {
          takenAtMs: T0,
          entries: [
            { domain: 'b.com', expiryMs: T0 + 2 * DAY_MS, groupName: 'Old Brand' },
            { domain: 'a.com', expiryMs: T0 + DAY_MS },
            { domain: 'c.com', expiryMs: T0 + DAY_MS, groupUnstated: true },
          ],
        };
        expect(await ledger.readInventory()).toEqual(first);
        await ledger.putInventory({ takenAtMs: T0 - 1, entries: [] }, T0);
        expect(await ledger.readInventory()).toEqual(first);
        await table.createLedger().putInventory({ takenAtMs: T0 + 1, entries: [] }, T0 + 1);
        expect(await ledger.readInventory()).toEqual({ takenAtMs: T0 + 1, entries: [] });
        expect(await ledger.readInventoryTakenAt()).toBe(T0 + 1);
      });

      test('an account larger than one item holds is stored in chunks and read back whole', async () => {
        const ledger = table.createLedger();
        const entries = Array.from({ length: 30_000 }, (_, i) => ({
          domain: `domain-number-${String(i).padStart(6, '0')}.example.com`,
          expiryMs: T0 + (i % 365) * DAY_MS,
        }));
        await ledger.putInventory({ takenAtMs: T0, entries }, T0);
        const read = await ledger.readInventory();
        expect(read?.entries).toHaveLength(30_000);
        expect(read?.entries).toEqual(entries);
      });
    });

    describe('the watch list (review 2026-12-07)', () => {
      test('empty at first; a change replaces it, sorted by expiry; no change writes nothing; names come back normalised', async () => {
        const ledger = table.createLedger();
        expect(await ledger.readWatch()).toEqual([]);
        await ledger.changeWatch(() => [
          { domain: 'b.com', expiryMs: T0 + 2 * DAY_MS, seenAtMs: T0 },
          { domain: 'A.com', expiryMs: T0 + DAY_MS, seenAtMs: T0 + 1 },
        ]);
        expect(await ledger.readWatch()).toEqual([
          { domain: 'a.com', expiryMs: T0 + DAY_MS, seenAtMs: T0 + 1 },
          { domain: 'b.com', expiryMs: T0 + 2 * DAY_MS, seenAtMs: T0 },
        ]);
        let seen: unknown;
        await ledger.changeWatch((current) => {
          seen = current;
          return undefined;
        });
        expect(seen).toHaveLength(2);
        await ledger.changeWatch((current) => current.filter((e) => e.domain !== 'a.com'));
        expect((await ledger.readWatch()).map((e) => e.domain)).toEqual(['b.com']);
        await ledger.changeWatch((current) => current.map((e) => ({ ...e, lookedAtMs: T0 + 5 })));
        expect(await ledger.readWatch()).toEqual([
          { domain: 'b.com', expiryMs: T0 + 2 * DAY_MS, seenAtMs: T0, lookedAtMs: T0 + 5 },
        ]);
      });

      test('two runs changing it at once: each change is applied to what the other wrote', async () => {
        const [one, two] = [table.createLedger(), table.createLedger()];
        await Promise.all(
          Array.from({ length: 6 }, (_, i) =>
            (i % 2 ? one : two).changeWatch((current) => [
              ...current,
              { domain: `d${i}.com`, expiryMs: T0 + i, seenAtMs: T0 },
            ]),
          ),
        );
        expect((await one.readWatch()).map((e) => e.domain)).toEqual([
          'd0.com',
          'd1.com',
          'd2.com',
          'd3.com',
          'd4.com',
          'd5.com',
        ]);
      });
    });

    describe('holds (issue 15: the veto)', () => {
      test('put, replace, list in domain order; absent fields stay absent; untilMs round-trips', async () => {
        const ledger = table.createLedger();
        expect(await ledger.listHolds()).toEqual([]);
        await ledger.putHolds([{ domain: 'zeta.com', createdAtMs: T0 }]);
        await ledger.putHolds([
          {
            domain: 'Alpha.COM',
            untilMs: T0 + 40 * DAY_MS + 123,
            reason: 'selling it',
            createdAtMs: T0,
          },
        ]);
        await ledger.putHolds([{ domain: 'xn--bcher-kva.de', untilMs: T0 - 1, createdAtMs: T0 - DAY_MS }]);
        expect(await ledger.listHolds()).toEqual([
          { domain: 'alpha.com', untilMs: T0 + 40 * DAY_MS + 123, reason: 'selling it', createdAtMs: T0 },
          // Expired holds are listed too: the caller compares untilMs with its clock.
          { domain: 'xn--bcher-kva.de', untilMs: T0 - 1, createdAtMs: T0 - DAY_MS },
          { domain: 'zeta.com', createdAtMs: T0 },
        ]);
        // A new hold of the same domain replaces the old one whole (its reason and end do not linger).
        await ledger.putHolds([{ domain: 'alpha.com', createdAtMs: T0 + DAY_MS }]);
        const after = await ledger.listHolds();
        expect(after.map((h) => h.domain)).toEqual(['alpha.com', 'xn--bcher-kva.de', 'zeta.com']);
        expect(after[0]).toEqual({ domain: 'alpha.com', createdAtMs: T0 + DAY_MS });
      });

      test('delete: true for a held domain (any case), false for a missing one, also on an empty ledger', async () => {
        const ledger = table.createLedger();
        expect(await ledger.deleteHold('nothing.com')).toBe(false);
        await ledger.putHolds([{ domain: 'a.com', createdAtMs: T0 }]);
        await ledger.putHolds([{ domain: 'b.com', reason: 'keep', createdAtMs: T0 }]);
        expect(await ledger.deleteHold('A.com')).toBe(true);
        expect(await ledger.deleteHold('a.com')).toBe(false);
        expect(await ledger.deleteHold('c.com')).toBe(false);
        expect(await ledger.listHolds()).toEqual([{ domain: 'b.com', reason: 'keep', createdAtMs: T0 }]);
        expect(await ledger.deleteHold('b.com')).toBe(true);
        expect(await ledger.listHolds()).toEqual([]);
      });

      test('concurrent holds of different domains from two ledgers all survive', async () => {
        const [one, two] = [table.createLedger(), table.createLedger()];
        const domains = Array.from({ length: 8 }, (_, i) => `d${i}.com`);
        await Promise.all(domains.map((domain, i) => (i % 2 ? one : two).putHolds([{ domain, createdAtMs: T0 + i }])));
        expect((await one.listHolds()).map((h) => h.domain)).toEqual(domains);
      });

      test('holds that would not fit in one item are refused with InputError, nothing written', async () => {
        const ledger = table.createLedger();
        await ledger.putHolds([{ domain: 'kept.com', createdAtMs: T0 }]);
        const huge = ledger.putHolds([{ domain: 'huge.com', reason: 'x'.repeat(360_000), createdAtMs: T0 }]);
        await expect(huge).rejects.toBeInstanceOf(InputError);
        expect(await ledger.listHolds()).toEqual([{ domain: 'kept.com', createdAtMs: T0 }]);
      });

      if (backend.dynamo) {
        test('every hold lives in the one item HOLD/HOLD (read by the renew job with one GetItem)', async () => {
          const ledger = table.createLedger();
          await ledger.putHolds([{ domain: 'b.com', createdAtMs: T0 }]);
          await ledger.putHolds([{ domain: 'a.com', untilMs: T0 + DAY_MS, createdAtMs: T0 }]);
          expect(await rawItem('HOLD', 'HOLD')).toMatchObject({
            type: 'hold',
            version: 2,
            holds: [
              { domain: 'a.com', untilMs: T0 + DAY_MS, createdAtMs: T0 },
              { domain: 'b.com', createdAtMs: T0 },
            ],
          });
        });
      }
    });

    const { dynamo } = backend;
    if (dynamo) {
      test('SDK failures surface as LedgerError naming the table and operation', async () => {
        const read = dynamo.ledgerOnMissingTable().getBatch('x');
        await expect(read).rejects.toBeInstanceOf(LedgerError);
        await expect(read).rejects.toThrow(/no-such-table.*getBatch/);
      });
    }
  });
}
