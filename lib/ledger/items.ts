import { InputError, LedgerError } from '../errors';
import type { Money } from '../money';
import { normalizeDomain } from '../registrar/domain-name';
import type {
  Batch,
  BatchEntry,
  Claim,
  ClaimKey,
  Hold,
  Inventory,
  InventoryEntry,
  PendingNotice,
  RunRecord,
  WatchEntry,
} from './port';
import { TABLE } from './table';

/**
 * The ledger's item layout: pure mapping between port records and DynamoDB items (document-client shape).
 * Keys: claims `DOMAIN#<domain>` / `EXP#<expiryMs, 15 digits>`, batches `BATCH#<id>` / `BATCH`, runs `RUN` / `<job>`,
 * every hold in one item `HOLD` / `HOLD`; a named account's keys carry its prefix `ACCT#<name>#` (see Keyspace).
 */

export type Item = Record<string, unknown>;
export type ItemKey = { pk: string; sk: string };

export const ITEM_TYPE = {
  claim: 'claim',
  batch: 'batch',
  run: 'run',
  budget: 'budget',
  mark: 'mark',
  hold: 'hold',
  watch: 'watch',
  inventory: 'inventory',
  inventoryChunk: 'inventory-chunk',
} as const;

const DAY_S = 86_400;

/**
 * Where one account's items live in the table: every partition key carries the account's prefix, and its open
 * batches their own open-index partition. The unnamed account ('') keeps the keys of the single-account version
 * (no prefix, open value `OPEN`), so a ledger written before accounts existed is read and extended as it is, with
 * no migration. Names are lower-case letters, digits and hyphens (lib/accounts.ts), so no prefix is another's.
 */
export interface Keyspace {
  /** The account's name; '' for the unnamed account. */
  readonly account: string;
  /** Prepended to every partition key: '' or `ACCT#<name>#`. */
  readonly prefix: string;
  /** The open index's partition value of this account's open batches. */
  readonly openValue: string;
}

/** The keyspace of `account` ('' = the unnamed account: today's keys). */
export function keyspaceOf(account: string): Keyspace {
  return account === ''
    ? { account, prefix: '', openValue: TABLE.openIndex.openValue }
    : { account, prefix: `ACCT#${account}#`, openValue: `${TABLE.openIndex.openValue}#${account}` };
}

/** The unnamed account's keyspace: the keys of the single-account version. */
export const DEFAULT_KEYSPACE: Keyspace = keyspaceOf('');

/** Partition-key prefix of every claim of the keyspace (for scans and the IAM pattern). */
export function claimPrefix(ks: Keyspace = DEFAULT_KEYSPACE): string {
  return `${ks.prefix}DOMAIN#`;
}

/** Primary key of the claim for (domain, expiry ms); the domain is lower-cased. */
export function toClaimKey(key: ClaimKey, ks: Keyspace = DEFAULT_KEYSPACE): ItemKey {
  return {
    pk: `${claimPrefix(ks)}${key.domain.toLowerCase()}`,
    sk: `EXP#${String(key.expiryMs).padStart(15, '0')}`,
  };
}

/** Partition-key prefix of every batch of the keyspace. */
export function batchPrefix(ks: Keyspace = DEFAULT_KEYSPACE): string {
  return `${ks.prefix}BATCH#`;
}

/** Primary key of a batch. */
export function toBatchKey(batchId: string, ks: Keyspace = DEFAULT_KEYSPACE): ItemKey {
  return { pk: `${batchPrefix(ks)}${batchId}`, sk: 'BATCH' };
}

/**
 * Primary key of a budget counter for one period. `shared`: the one counter every account of the table draws
 * from (the global cap on top of each account's own), outside every account's keyspace.
 */
export function toBudgetKey(name: string, period: string, ks: Keyspace = DEFAULT_KEYSPACE, shared = false): ItemKey {
  return { pk: shared ? `ALL#BUDGET#${name}` : `${ks.prefix}BUDGET#${name}`, sk: period };
}

/** Primary key of a one-time mark. */
/** The partition key prefix of an account's marks (IAM: the only partitions a role's batch writes may touch). */
export function markPrefix(ks: Keyspace = DEFAULT_KEYSPACE): string {
  return `${ks.prefix}MARK#`;
}

export function toMarkKey(key: string, ks: Keyspace = DEFAULT_KEYSPACE): ItemKey {
  return { pk: `${markPrefix(ks)}${key}`, sk: 'MARK' };
}

/** Primary key of the last run record of a job. */
export function toRunKey(job: RunRecord['job'], ks: Keyspace = DEFAULT_KEYSPACE): ItemKey {
  return { pk: `${ks.prefix}RUN`, sk: job };
}

/**
 * Primary key of the one item that holds every hold of an account. One item, not one per domain: the renew job
 * reads all holds on every run with a strongly consistent GetItem its role already has (no Scan, no Query grant,
 * no index lag), and a hold written before a run starts is always seen by it.
 */
export function toHoldsKey(ks: Keyspace = DEFAULT_KEYSPACE): ItemKey {
  return { pk: `${ks.prefix}HOLD`, sk: 'HOLD' };
}

/**
 * Bytes the holds may take in their item (DynamoDB's item limit is 400 KB). A hold with a short reason is about
 * 100 bytes, at most about 1.1 KB (a 253-character name and a reason of MAX_HOLD_REASON 4-byte characters), so
 * thousands of holds fit, and at least 300 in the worst case.
 */
export const MAX_HOLDS_BYTES = 350_000;
/** Longest reason stored on a hold, characters. */
export const MAX_HOLD_REASON = 200;

/** The holds with `added` in, each replacing any hold of its domain (lower-cased; the last of a name wins), sorted. */
export function replaceHolds(holds: readonly Hold[], added: readonly Hold[]): Hold[] {
  const byName = new Map(
    added.map((hold) => [hold.domain.toLowerCase(), { ...hold, domain: hold.domain.toLowerCase() }]),
  );
  return sortHolds([...holds.filter((h) => !byName.has(h.domain)), ...byName.values()]);
}

/** The holds without the one of `domain` (lower-cased); the same list when there is none. */
export function removeHold(holds: readonly Hold[], domain: string): Hold[] {
  const name = domain.toLowerCase();
  return holds.filter((h) => h.domain !== name);
}

/** Sorted by domain in code-unit order (names are ASCII after normalisation, so this is alphabetical). */
function sortHolds(holds: Hold[]): Hold[] {
  return holds.sort((a, b) => (a.domain < b.domain ? -1 : a.domain > b.domain ? 1 : 0));
}

/**
 * The holds item at `version`. Throws InputError (nothing is written) when the holds would not fit in one item,
 * see MAX_HOLDS_BYTES.
 */
export function toHoldsItem(
  holds: readonly Hold[],
  version: number,
  writeId: string,
  ks: Keyspace = DEFAULT_KEYSPACE,
): Item {
  const stored = sortHolds(
    holds.map(
      (h): Hold => ({
        domain: h.domain.toLowerCase(),
        ...(h.untilMs !== undefined ? { untilMs: h.untilMs } : {}),
        ...(h.reason !== undefined ? { reason: h.reason } : {}),
        createdAtMs: h.createdAtMs,
      }),
    ),
  );
  const bytes = Buffer.byteLength(JSON.stringify(stored));
  if (bytes > MAX_HOLDS_BYTES) {
    throw new InputError(
      `the ledger's holds would take ${bytes} bytes, more than the ${MAX_HOLDS_BYTES} one item can keep ` +
        `(${stored.length} holds); remove holds you no longer need (autorenew unhold) or give shorter reasons`,
    );
  }
  return { ...toHoldsKey(ks), type: ITEM_TYPE.hold, writeId, holds: stored, version };
}

/** Holds (sorted by domain) and the item's version from the stored holds item. */
export function fromHoldsItem(item: Item): { holds: Hold[]; version: number } {
  const w = 'holds item';
  if (item.type !== ITEM_TYPE.hold || !Array.isArray(item.holds)) fail(item, w);
  const holds = item.holds.map((value: unknown): Hold => {
    if (typeof value !== 'object' || value === null) fail(item, w);
    const h = value as Item;
    return {
      domain: str(h, 'domain', w),
      ...optNum(h, 'untilMs'),
      ...optStr(h, 'reason'),
      createdAtMs: num(h, 'createdAtMs', w),
    };
  });
  return { holds: sortHolds(holds), version: num(item, 'version', w) };
}

/**
 * Primary key of the one item that holds an account's watch list (lib/renewal/watch.ts): read with the consistent
 * GetItem the renew role has, written as a versioned replacement, as the holds are.
 */
export function toWatchKey(ks: Keyspace = DEFAULT_KEYSPACE): ItemKey {
  return { pk: `${ks.prefix}WATCH`, sk: 'WATCH' };
}

/**
 * Bytes the watch list may take in its item: about 60 bytes besides the name per entry, so thousands of renewals
 * fit. Past it, the entries expiring last are left out (a run logs it): the list is a safety net, not the plan.
 */
export const MAX_WATCH_BYTES = 350_000;

/**
 * The watch entries as stored: sorted by expiry, then name, cut to MAX_WATCH_BYTES: the names in `first` (the
 * renewals the listing no longer shows, the ones the list exists for) are kept before any other, then the soonest.
 */
export function fitWatch(entries: readonly WatchEntry[], first: ReadonlySet<string> = new Set()): WatchEntry[] {
  const byExpiry = (a: WatchEntry, b: WatchEntry) =>
    a.expiryMs - b.expiryMs || (a.domain < b.domain ? -1 : a.domain > b.domain ? 1 : 0);
  const sorted = [...entries]
    .map((e) => ({ ...e, domain: e.domain.toLowerCase() }))
    .sort((a, b) => Number(!first.has(a.domain)) - Number(!first.has(b.domain)) || byExpiry(a, b));
  let bytes = 2;
  return sorted
    .filter((e) => {
      bytes += Buffer.byteLength(JSON.stringify(storedWatchEntry(e))) + 1;
      return bytes <= MAX_WATCH_BYTES;
    })
    .sort(byExpiry);
}

function storedWatchEntry(e: WatchEntry): Item {
  return {
    d: e.domain,
    e: e.expiryMs,
    s: e.seenAtMs,
    ...(e.lookedAtMs !== undefined ? { l: e.lookedAtMs } : {}),
    ...(e.groupName !== undefined ? { g: e.groupName } : {}),
    ...(e.groupUnstated ? { u: 1 } : {}),
    ...(e.hidden ? { h: 1 } : {}),
  };
}

/** The watch item at `version` (entries as {@link fitWatch} keeps them). */
export function toWatchItem(
  entries: readonly WatchEntry[],
  version: number,
  writeId: string,
  ks: Keyspace = DEFAULT_KEYSPACE,
): Item {
  const entriesJson = JSON.stringify(fitWatch(entries).map(storedWatchEntry));
  return { ...toWatchKey(ks), type: ITEM_TYPE.watch, writeId, entriesJson, version };
}

/** The watch entries and the item's version from the stored watch item. */
export function fromWatchItem(item: Item): { entries: WatchEntry[]; version: number } {
  const w = 'watch item';
  if (item.type !== ITEM_TYPE.watch || typeof item.entriesJson !== 'string') fail(item, w);
  let parsed: unknown;
  try {
    parsed = JSON.parse(item.entriesJson as string);
  } catch {
    fail(item, `${w} (its entriesJson is not JSON)`);
  }
  if (!Array.isArray(parsed)) fail(item, w);
  const entries = (parsed as unknown[]).map((value): WatchEntry => {
    if (typeof value !== 'object' || value === null) fail(item, w);
    const e = value as Item;
    return {
      domain: normalizeDomain(str(e, 'd', w)),
      expiryMs: num(e, 'e', w),
      seenAtMs: num(e, 's', w),
      ...(typeof e.l === 'number' ? { lookedAtMs: e.l } : {}),
      ...(typeof e.g === 'string' ? { groupName: e.g } : {}),
      ...(e.u === 1 ? { groupUnstated: true as const } : {}),
      ...(e.h === 1 ? { hidden: true as const } : {}),
    };
  });
  return { entries, version: num(item, 'version', w) };
}

/** Primary key of the head item of an account's last whole-account listing (lib/renewal/inventory.ts). */
export function toInventoryKey(ks: Keyspace = DEFAULT_KEYSPACE): ItemKey {
  return { pk: `${ks.prefix}INVENTORY`, sk: 'INVENTORY' };
}

/** Primary key of chunk `index` of the inventory generation `gen` (in the head's partition). */
export function toInventoryChunkKey(gen: string, index: number, ks: Keyspace = DEFAULT_KEYSPACE): ItemKey {
  return { pk: `${ks.prefix}INVENTORY`, sk: `CHUNK#${gen}#${index}` };
}

/**
 * Bytes of `name<TAB>expiry<TAB>group` lines one chunk item holds (DynamoDB's items hold 400 KB): about 12 000 names.
 * An account has as many chunks as it needs: cut to one item, the names past it were never compared (its review).
 */
export const MAX_INVENTORY_CHUNK_BYTES = 350_000;

/** Days a chunk is kept (TTL): an inventory is taken weekly, and the head names only its own generation's chunks. */
const INVENTORY_CHUNK_DAYS = 60;

/** The inventory as stored: the chunk items of generation `gen`, and the head item that names them. */
export function toInventoryItems(
  inventory: Inventory,
  gen: string,
  writeId: string,
  /** The write's time (epoch ms): the chunks are kept INVENTORY_CHUNK_DAYS from it. */
  nowMs: number,
  ks: Keyspace = DEFAULT_KEYSPACE,
): { head: Item; chunks: Item[] } {
  const texts: string[] = [];
  let lines: string[] = [];
  let bytes = 0;
  for (const e of inventory.entries) {
    const line = `${e.domain.toLowerCase()}\t${e.expiryMs}\t${groupField(e)}`;
    const size = Buffer.byteLength(line) + 1;
    if (bytes + size > MAX_INVENTORY_CHUNK_BYTES && lines.length > 0) {
      texts.push(lines.join('\n'));
      lines = [];
      bytes = 0;
    }
    lines.push(line);
    bytes += size;
  }
  if (lines.length > 0) texts.push(lines.join('\n'));
  const expiresAt = Math.floor(nowMs / 1000) + INVENTORY_CHUNK_DAYS * DAY_S;
  const chunks = texts.map((text, i) => ({
    ...toInventoryChunkKey(gen, i, ks),
    type: ITEM_TYPE.inventoryChunk,
    writeId,
    text,
    [TABLE.ttlAttribute]: expiresAt,
  }));
  const head = {
    ...toInventoryKey(ks),
    type: ITEM_TYPE.inventory,
    writeId,
    takenAtMs: inventory.takenAtMs,
    gen,
    chunks: chunks.length,
  };
  return { head, chunks };
}

/** `=name` for a named group, `` for none, `?` when the listing could not say (tabs and line ends made spaces). */
function groupField(e: InventoryEntry): string {
  if (e.groupUnstated) return '?';
  return e.groupName === undefined ? '' : `=${e.groupName.replace(/[\t\r\n]/g, ' ')}`;
}

/** When the inventory a stored head item names was taken (epoch ms). */
export function inventoryTakenAt(head: Item): number {
  if (head.type !== ITEM_TYPE.inventory) fail(head, 'inventory item');
  return num(head, 'takenAtMs', 'inventory item');
}

/** The chunk keys a stored head item names. */
export function inventoryChunkKeys(head: Item, ks: Keyspace = DEFAULT_KEYSPACE): ItemKey[] {
  const w = 'inventory item';
  if (head.type !== ITEM_TYPE.inventory) fail(head, w);
  const gen = str(head, 'gen', w);
  return Array.from({ length: num(head, 'chunks', w) }, (_, i) => toInventoryChunkKey(gen, i, ks));
}

/** The inventory from its head and chunk items; undefined when a chunk the head names is not among them. */
export function fromInventoryItems(
  head: Item,
  chunks: readonly Item[],
  ks: Keyspace = DEFAULT_KEYSPACE,
): Inventory | undefined {
  const bySk = new Map(chunks.map((c) => [String(c.sk), c]));
  const entries: InventoryEntry[] = [];
  for (const key of inventoryChunkKeys(head, ks)) {
    const chunk = bySk.get(key.sk);
    if (!chunk) return undefined;
    const w = 'inventory chunk';
    if (chunk.type !== ITEM_TYPE.inventoryChunk) fail(chunk, w);
    const text = str(chunk, 'text', w);
    for (const line of text.split('\n')) {
      const [domain, expiry, group] = line.split('\t');
      const expiryMs = Number(expiry);
      if (!domain || !Number.isFinite(expiryMs) || group === undefined)
        fail(chunk, `${w} (a line is not name<TAB>expiry<TAB>group)`);
      entries.push({
        domain: normalizeDomain(domain),
        expiryMs,
        ...(group === '?'
          ? { groupUnstated: true as const }
          : group.startsWith('=')
            ? { groupName: group.slice(1) }
            : {}),
      });
    }
  }
  return { takenAtMs: num(head, 'takenAtMs', 'inventory item'), entries };
}

/** TTL value (epoch SECONDS): `finishedRetentionDays` after `fromMs` (epoch ms). */
export function computeExpiresAt(fromMs: number): number {
  return Math.floor(fromMs / 1000) + TABLE.finishedRetentionDays * DAY_S;
}

/** True while a batch belongs in the sparse open index: not CLOSED, or a notice is still pending. */
export function isBatchOpen(batch: Pick<Batch, 'status' | 'pendingNotices'>): boolean {
  return batch.status !== 'CLOSED' || batch.pendingNotices.length > 0;
}

/** True for claims that are finished (TTL may delete them): RENEWED and FAILED. */
export function isClaimFinished(claim: Pick<Claim, 'status'>): boolean {
  return claim.status === 'RENEWED' || claim.status === 'FAILED';
}

/**
 * Copies the defined fields of `from` into `into` and returns it, so optional fields stay absent in the item. A
 * `for...in` loop: a literal that starts with a spread (`{ ...key, twenty fields }`) is built some 20-30 times
 * slower by V8, and Object.entries() 2-3 times; every ledger write builds its item here (bench/README.md).
 */
function copyDefined(into: Item, from: object): Item {
  const source = from as Item;
  for (const name in source) if (source[name] !== undefined) into[name] = source[name];
  return into;
}

/** The item of `key` with the defined `fields`. */
function toItem(key: ItemKey, fields: Item): Item {
  return copyDefined({ pk: key.pk, sk: key.sk }, fields);
}

/** Full claim item, including keys, type, writeId and (for finished claims) the TTL attribute. */
export function toClaimItem(claim: Claim, writeId: string, ks: Keyspace = DEFAULT_KEYSPACE): Item {
  return toItem(toClaimKey(claim, ks), {
    type: ITEM_TYPE.claim,
    writeId,
    domain: claim.domain.toLowerCase(),
    expiryMs: claim.expiryMs,
    status: claim.status,
    batchId: claim.batchId,
    attemptId: claim.attemptId,
    attempts: claim.attempts,
    years: claim.years,
    claimedAtMs: claim.claimedAtMs,
    updatedAtMs: claim.updatedAtMs,
    nextEligibleAtMs: claim.nextEligibleAtMs,
    taskNo: claim.taskNo,
    previousTaskNos: claim.previousTaskNos && claim.previousTaskNos.length > 0 ? [...claim.previousTaskNos] : undefined,
    newExpiryMs: claim.newExpiryMs,
    code: claim.code,
    message: claim.message,
    alone: claim.alone ? true : undefined,
    version: claim.version,
    [TABLE.ttlAttribute]: isClaimFinished(claim) ? computeExpiresAt(claim.updatedAtMs) : undefined,
  });
}

/**
 * Bytes (as JSON: exact for the entries, stored as one JSON string, and an over-count of DynamoDB's measure for the
 * other two) that the lists of one batch item naming domains may take together: entries, movedExpiries and
 * repaired. DynamoDB's item limit is 400 KB; the rest of the item (ids, the error text bounded to 300 characters, ten
 * empty-read times, notices) takes a few KB. The planner bounds every batch by this (batchEntryCostBytes), and long
 * per-entry failure texts are shortened, then dropped (the claims and the batch error keep the text), so that a
 * batch item can always be written.
 */
export const MAX_BATCH_LISTS_BYTES = 360_000;
const SHORT_MESSAGE_CHARS = 60;

/**
 * The most bytes one domain can take in its batch's lists, without a message: its entry with every field set (225
 * bytes besides the name, lastBuyMs and priceAssumed included), a moved expiry (39) and a repaired name (3), with room
 * to spare.
 * @param domain the domain name as listed
 */
export function batchEntryCostBytes(domain: string): number {
  return 3 * Buffer.byteLength(domain) + 290;
}

function jsonBytes(value: unknown): number {
  return value === undefined ? 0 : Buffer.byteLength(JSON.stringify(value));
}

/**
 * The `entriesJson` attribute: the entries as stored (names lower-cased; messages bounded so that the entries fit
 * in `budget` bytes, the lists' share left by movedExpiries and repaired: MAX_BATCH_LISTS_BYTES), as one JSON
 * string. One string attribute, not a list of maps: a batch of 100 entries is ~1 000 typed values in a list, which
 * every write and read of the batch marshals, sends and parses (the bench's dynalite took 7.5-9 ms a put against
 * 2.7-3.5 ms as a string, and the submit start of each batch is such a put before its paid call).
 */
function encodeEntries(entries: readonly BatchEntry[], budget: number): string {
  const out: Item[] = entries.map((e) => {
    const item = copyDefined({}, e);
    item.domain = e.domain.toLowerCase();
    return item;
  });
  const whole = JSON.stringify(out, refuseNonFinite);
  if (Buffer.byteLength(whole) <= budget) return whole;
  const short = out.map((e) =>
    typeof e.message === 'string' && e.message.length > SHORT_MESSAGE_CHARS
      ? { ...e, message: `${e.message.slice(0, SHORT_MESSAGE_CHARS - 3)}...` }
      : e,
  );
  const shortened = JSON.stringify(short);
  if (Buffer.byteLength(shortened) <= budget) return shortened;
  return JSON.stringify(short.map(({ message: _m, ...e }) => e));
}

/**
 * JSON.stringify writes NaN and Infinity as null, and the item would land and then not read (an expiry of null): such
 * a number is refused before the write, as the ledger refuses it in any other attribute (attribute-values.ts).
 */
function refuseNonFinite(key: string, value: unknown): unknown {
  if (typeof value === 'number' && !Number.isFinite(value)) {
    throw new TypeError(`cannot store ${value} (batch entry field "${key}") in the ledger`);
  }
  return value;
}

/** Full batch item, with the open-index attributes while open and the TTL attribute once finished. */
export function toBatchItem(batch: Batch, writeId: string, ks: Keyspace = DEFAULT_KEYSPACE): Item {
  const open = isBatchOpen(batch);
  const { openIndex, ttlAttribute } = TABLE;
  const moved = batch.movedExpiries?.length ? batch.movedExpiries.map((m) => ({ ...m })) : undefined;
  const repaired = batch.repaired?.length ? [...batch.repaired] : undefined;
  return toItem(toBatchKey(batch.batchId, ks), {
    type: ITEM_TYPE.batch,
    writeId,
    batchId: batch.batchId,
    runId: batch.runId,
    attemptId: batch.attemptId,
    status: batch.status,
    createdAtMs: batch.createdAtMs,
    updatedAtMs: batch.updatedAtMs,
    couponNo: batch.couponNo,
    promotionNo: batch.promotionNo,
    entriesJson: encodeEntries(batch.entries, MAX_BATCH_LISTS_BYTES - jsonBytes(moved) - jsonBytes(repaired)),
    submitStartedAtMs: batch.submitStartedAtMs,
    budgetTaken: batch.budgetTaken ? copyDefined({}, batch.budgetTaken) : undefined,
    taskNo: batch.taskNo,
    requestId: batch.requestId,
    submittedAtMs: batch.submittedAtMs,
    closedAtMs: batch.closedAtMs,
    error: batch.error ? copyDefined({}, batch.error) : undefined,
    emptyTaskReadsAtMs: batch.emptyTaskReadsAtMs?.length ? [...batch.emptyTaskReadsAtMs] : undefined,
    movedExpiries: moved,
    repaired,
    stuckNotifiedAtMs: batch.stuckNotifiedAtMs,
    lapseRiskBeforeMs: batch.lapseRiskBeforeMs,
    pendingNotices: [...batch.pendingNotices],
    sentNotices: [...batch.sentNotices],
    version: batch.version,
    [openIndex.partitionKey]: open ? ks.openValue : undefined,
    [openIndex.sortKey]: open ? `${new Date(batch.createdAtMs).toISOString()}#${batch.batchId}` : undefined,
    [ttlAttribute]: open ? undefined : computeExpiresAt(batch.closedAtMs ?? batch.updatedAtMs),
  });
}

/** Run record item (the last run of a job). */
export function toRunItem(run: RunRecord, writeId: string, ks: Keyspace = DEFAULT_KEYSPACE): Item {
  return toItem(toRunKey(run.job, ks), {
    type: ITEM_TYPE.run,
    writeId,
    job: run.job,
    runId: run.runId,
    startedAtMs: run.startedAtMs,
    finishedAtMs: run.finishedAtMs,
    ok: run.ok,
    summary: { ...run.summary },
    error: run.error,
    endpoint: run.endpoint,
    accounts: run.accounts ? [...run.accounts] : undefined,
    lastCompletedAtMs: run.lastCompletedAtMs,
    policyHash: run.policyHash,
    policyRulesHash: run.policyRulesHash,
  });
}

function fail(item: Item, what: string): never {
  // A batch item can hold the only durable record of a TaskNo (a submit whose claims are not yet updated).
  const keep = what.startsWith('batch') ? '; do not delete a batch item: it may hold the only record of a TaskNo' : '';
  throw new LedgerError(
    `ledger item ${String(item.pk)}/${String(item.sk)} is not a valid ${what}: it was written by a newer version ` +
      `(deploy that version again) or edited by hand (restore it, e.g. from the table's point-in-time recovery)${keep}`,
  );
}

function str(item: Item, name: string, what: string): string {
  const v = item[name];
  return typeof v === 'string' ? v : fail(item, what);
}

function num(item: Item, name: string, what: string): number {
  const v = item[name];
  return typeof v === 'number' ? v : fail(item, what);
}

function optStr<K extends string>(item: Item, name: K): { [P in K]?: string } {
  const v = item[name];
  return (typeof v === 'string' ? { [name]: v } : {}) as { [P in K]?: string };
}

function optNum<K extends string>(item: Item, name: K): { [P in K]?: number } {
  const v = item[name];
  return (typeof v === 'number' ? { [name]: v } : {}) as { [P in K]?: number };
}

function strList<T extends string>(item: Item, name: string, what: string): T[] {
  const v = item[name];
  return Array.isArray(v) && v.every((s) => typeof s === 'string') ? ([...v] as T[]) : fail(item, what);
}

/** Claim from a stored item; only the fields present come back (absent optionals stay absent). */
export function fromClaimItem(item: Item): Claim {
  const w = 'claim';
  if (item.type !== ITEM_TYPE.claim) fail(item, w);
  return {
    domain: str(item, 'domain', w),
    expiryMs: num(item, 'expiryMs', w),
    status: str(item, 'status', w) as Claim['status'],
    batchId: str(item, 'batchId', w),
    attemptId: str(item, 'attemptId', w),
    attempts: num(item, 'attempts', w),
    years: num(item, 'years', w),
    claimedAtMs: num(item, 'claimedAtMs', w),
    updatedAtMs: num(item, 'updatedAtMs', w),
    ...optNum(item, 'nextEligibleAtMs'),
    ...optStr(item, 'taskNo'),
    ...(item.previousTaskNos !== undefined ? { previousTaskNos: strList<string>(item, 'previousTaskNos', w) } : {}),
    ...optNum(item, 'newExpiryMs'),
    ...optStr(item, 'code'),
    ...optStr(item, 'message'),
    ...(item.alone === true ? { alone: true } : {}),
    version: num(item, 'version', w),
  };
}

/**
 * A batch item's stored entries: the `entriesJson` string, or the `entries` list that versions before 2026-12-06
 * wrote (an open batch from before an upgrade must still block its domains and be checked).
 */
function storedEntries(item: Item): unknown[] {
  if (typeof item.entriesJson === 'string') {
    let parsed: unknown;
    try {
      parsed = JSON.parse(item.entriesJson);
    } catch {
      fail(item, 'batch (its entriesJson is not JSON)');
    }
    return Array.isArray(parsed) ? parsed : fail(item, 'batch (its entriesJson is not a list)');
  }
  return Array.isArray(item.entries) ? item.entries : fail(item, 'batch');
}

function fromEntry(entry: unknown, item: Item): BatchEntry {
  if (typeof entry !== 'object' || entry === null) fail(item, 'batch entry');
  const e = entry as Item;
  const w = 'batch entry';
  return {
    // Stored data is the one place a name can enter in another form: an older version wrote IDNs in Unicode.
    // Read here in the form every other name has (the registrar port's), so an open batch still blocks a re-buy.
    domain: normalizeDomain(str(e, 'domain', w)),
    expiryMs: num(e, 'expiryMs', w),
    years: num(e, 'years', w),
    permitPremium: e.permitPremium === true,
    ...priceOf(e),
    ...(e.priceAssumed === true && priceOf(e).price ? { priceAssumed: true as const } : {}),
    ...(typeof e.outcome === 'string' ? { outcome: e.outcome as NonNullable<BatchEntry['outcome']> } : {}),
    ...optNum(e, 'newExpiryMs'),
    ...optNum(e, 'lastBuyMs'),
    ...optStr(e, 'message'),
    ...(e.announced === true ? { announced: true as const } : {}),
  };
}

/** A stored entry price: integer minor units and a currency, or nothing (older items have none). */
function priceOf(e: Item): { price?: Money } {
  const p = e.price as Item | undefined;
  if (typeof p !== 'object' || p === null) return {};
  return Number.isSafeInteger(p.minor) && typeof p.currency === 'string'
    ? { price: { minor: p.minor as number, currency: p.currency } }
    : {};
}

function numList(item: Item, name: string, what: string): number[] {
  const v = item[name];
  return Array.isArray(v) && v.every((n) => typeof n === 'number') ? ([...v] as number[]) : fail(item, what);
}

function fromMoved(value: unknown, item: Item): { domain: string; expiryMs: number } {
  if (typeof value !== 'object' || value === null) fail(item, 'moved expiry');
  const m = value as Item;
  return { domain: str(m, 'domain', 'moved expiry'), expiryMs: num(m, 'expiryMs', 'moved expiry') };
}

function fromError(item: Item): Pick<Batch, 'error'> {
  const e = item.error;
  if (typeof e !== 'object' || e === null) return {};
  const m = e as Item;
  return { error: { ...optStr(m, 'code'), message: str(m, 'message', 'batch error'), ...optStr(m, 'requestId') } };
}

function fromBudgetTaken(item: Item): Pick<Batch, 'budgetTaken'> {
  const b = item.budgetTaken;
  if (b === undefined) return {};
  const w = 'batch budget record';
  if (typeof b !== 'object' || b === null) fail(item, w);
  const m = b as Item;
  const flag = (name: string): boolean => (m[name] === undefined ? false : m[name] === true || fail(item, w));
  return {
    budgetTaken: {
      day: str(m, 'day', w),
      month: str(m, 'month', w),
      currency: str(m, 'currency', w),
      ...(flag('daySpend') ? { daySpend: true as const } : {}),
      ...(flag('monthSpend') ? { monthSpend: true as const } : {}),
    },
  };
}

/** Batch from a stored item; only the fields present come back. */
export function fromBatchItem(item: Item): Batch {
  const w = 'batch';
  if (item.type !== ITEM_TYPE.batch) fail(item, w);
  const entries = storedEntries(item).map((e) => fromEntry(e, item));
  return {
    batchId: str(item, 'batchId', w),
    runId: str(item, 'runId', w),
    attemptId: str(item, 'attemptId', w),
    status: str(item, 'status', w) as Batch['status'],
    createdAtMs: num(item, 'createdAtMs', w),
    updatedAtMs: num(item, 'updatedAtMs', w),
    ...optStr(item, 'couponNo'),
    ...optStr(item, 'promotionNo'),
    entries,
    ...optNum(item, 'submitStartedAtMs'),
    ...fromBudgetTaken(item),
    ...optStr(item, 'taskNo'),
    ...optStr(item, 'requestId'),
    ...optNum(item, 'submittedAtMs'),
    ...optNum(item, 'closedAtMs'),
    ...fromError(item),
    ...(Array.isArray(item.emptyTaskReadsAtMs) ? { emptyTaskReadsAtMs: numList(item, 'emptyTaskReadsAtMs', w) } : {}),
    ...(Array.isArray(item.movedExpiries) ? { movedExpiries: item.movedExpiries.map((m) => fromMoved(m, item)) } : {}),
    ...(item.repaired !== undefined ? { repaired: strList<string>(item, 'repaired', w) } : {}),
    ...optNum(item, 'stuckNotifiedAtMs'),
    ...optNum(item, 'lapseRiskBeforeMs'),
    pendingNotices: strList<PendingNotice>(item, 'pendingNotices', w),
    sentNotices: strList<PendingNotice>(item, 'sentNotices', w),
    version: num(item, 'version', w),
  };
}

/** Run record from a stored item. */
export function fromRunItem(item: Item): RunRecord {
  const w = 'run record';
  if (item.type !== ITEM_TYPE.run) fail(item, w);
  const summary = item.summary;
  if (typeof summary !== 'object' || summary === null) fail(item, w);
  return {
    job: str(item, 'job', w) as RunRecord['job'],
    runId: str(item, 'runId', w),
    startedAtMs: num(item, 'startedAtMs', w),
    finishedAtMs: num(item, 'finishedAtMs', w),
    ok: item.ok === true,
    summary: Object.fromEntries(Object.entries(summary).filter(([, v]) => typeof v === 'number')) as Record<
      string,
      number
    >,
    ...optStr(item, 'error'),
    ...optStr(item, 'endpoint'),
    ...(Array.isArray(item.accounts) && item.accounts.every((a) => typeof a === 'string')
      ? { accounts: [...(item.accounts as string[])] }
      : {}),
    ...(typeof item.lastCompletedAtMs === 'number' && Number.isFinite(item.lastCompletedAtMs)
      ? { lastCompletedAtMs: item.lastCompletedAtMs }
      : {}),
    ...optStr(item, 'policyHash'),
    ...optStr(item, 'policyRulesHash'),
  };
}
