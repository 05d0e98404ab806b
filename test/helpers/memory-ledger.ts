import { randomUUID } from 'node:crypto';
import { LedgerConflictError, LedgerError } from '../../lib/errors';
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
} from '../../lib/ledger/items';
import type { Batch, ClaimResult, Hold, Ledger } from '../../lib/ledger/port';
import { TABLE } from '../../lib/ledger/table';
import { mayTakeOver } from '../../lib/renewal/claims';

/**
 * An in-memory fake of the Ledger port for fast job-level tests. It keeps the same items as the DynamoDB adapter
 * (the pure mapping of lib/ledger/items.ts, so round trips, lower-casing and bounded entries cannot drift), and the
 * same rules: conditional writes on `version`, own-write recognition by `writeId`, the takeover rule of
 * lib/renewal/claims.ts, the open-batch rule `isBatchOpen`. Every read is strongly consistent, and nothing handed
 * in or out is shared with the store (items are deep-copied both ways). It passes test/helpers/ledger-contract.ts.
 */

export type LedgerOperation = Exclude<keyof Ledger, never>;

export interface MemoryLedgerOptions {
  /** Source of fresh write ids (default: random UUIDs); the seam to replay a write with the same id. */
  newId?: () => string;
  /** Items shared with other ledgers (two "processes" over one table); default: a store of its own. */
  store?: MemoryLedgerStore;
  /**
   * Fault hook, called before every operation (after the `await`, so concurrent calls interleave): throw from it to
   * make the operation fail without touching the store, e.g. `(op) => { if (op === 'saveBatch') throw ... }`.
   */
  before?: (operation: LedgerOperation) => void | Promise<void>;
  /** The account whose keyspace this ledger uses (lib/ledger/items.ts Keyspace); default '' = the unnamed one. */
  account?: string;
}

/** The "table": items by primary key. */
export class MemoryLedgerStore {
  readonly items = new Map<string, Item>();

  static key(key: ItemKey): string {
    return `${key.pk}\u0000${key.sk}`;
  }

  get(key: ItemKey): Item | undefined {
    const item = this.items.get(MemoryLedgerStore.key(key));
    return item ? structuredClone(item) : undefined;
  }

  put(item: Item): void {
    this.items.set(MemoryLedgerStore.key({ pk: String(item.pk), sk: String(item.sk) }), structuredClone(item));
  }

  /** Copies of every item, in primary-key order (as a Query within one partition would return them). */
  all(filter: (item: Item) => boolean = () => true): Item[] {
    return [...this.items.values()]
      .filter(filter)
      .sort((a, b) => String(a.pk).localeCompare(String(b.pk)) || String(a.sk).localeCompare(String(b.sk)))
      .map((item) => structuredClone(item));
  }
}

export interface MemoryLedger extends Ledger {
  readonly store: MemoryLedgerStore;
  /** The fault hook; starts as `options.before`, may be set or cleared at any time. */
  faults: { before?: MemoryLedgerOptions['before'] };
}

type Outcome = { kind: 'written'; item: Item } | { kind: 'own'; item: Item } | { kind: 'refused'; item?: Item };

const TABLE_NAME = 'memory';

function byCreatedThenId(a: Batch, b: Batch): number {
  return a.createdAtMs - b.createdAtMs || a.batchId.localeCompare(b.batchId);
}

/** Creates a memory ledger; pass `store` to let several ledgers (runs) share one table. */
export function createMemoryLedger(options: MemoryLedgerOptions = {}): MemoryLedger {
  const store = options.store ?? new MemoryLedgerStore();
  const newId = options.newId ?? randomUUID;
  const ks = keyspaceOf(options.account ?? '');

  async function enter(operation: LedgerOperation): Promise<void> {
    // Yield, as a network call would, so that concurrent callers interleave between operations.
    await Promise.resolve();
    await ledger.faults.before?.(operation);
  }

  /**
   * One conditional write, atomically: `next` builds the item from the stored one, or returns undefined when the
   * condition fails. A refusal whose stored item carries our writeId is our own earlier write (an SDK retry).
   */
  function writeConditional(key: ItemKey, writeId: string, next: (stored: Item | undefined) => Item | undefined) {
    const stored = store.get(key);
    const item = next(stored);
    if (item) {
      store.put({ ...item, writeId });
      return { kind: 'written', item: store.get(key) as Item } satisfies Outcome;
    }
    if (stored && stored.writeId === writeId) return { kind: 'own', item: stored } satisfies Outcome;
    return { kind: 'refused', ...(stored ? { item: stored } : {}) } satisfies Outcome as Outcome;
  }

  function putVersioned(item: Item, expected: number, operation: string): Item {
    const key = { pk: String(item.pk), sk: String(item.sk) };
    const outcome: Outcome = writeConditional(key, String(item.writeId), (stored) =>
      stored && stored.version === expected ? item : undefined,
    );
    if (outcome.kind !== 'refused') return outcome.item;
    const found = outcome.item ? `version ${String(outcome.item.version)}` : 'no item';
    throw new LedgerConflictError(
      `ledger table ${TABLE_NAME}: ${operation} of ${key.pk} lost a concurrent update ` +
        `(expected version ${expected}, found ${found}); re-read it and decide again`,
      { action: operation },
    );
  }

  /** The adapter's read-modify-write of the one holds item, in one step (nothing interleaves in memory). */
  function changeHolds(change: (holds: readonly Hold[]) => Hold[] | undefined): boolean {
    const stored = store.get(toHoldsKey(ks));
    const current = stored ? fromHoldsItem(stored) : { holds: [], version: 0 };
    const next = change(current.holds);
    if (next === undefined) return false;
    store.put(toHoldsItem(next, current.version + 1, newId(), ks));
    return true;
  }

  const ledger: MemoryLedger = {
    store,
    faults: options.before ? { before: options.before } : {},

    async putBatchIntent(batch) {
      await enter('putBatchIntent');
      const item = toBatchItem({ ...batch, version: 1 }, newId(), ks);
      const outcome: Outcome = writeConditional(toBatchKey(batch.batchId, ks), String(item.writeId), (stored) =>
        stored ? undefined : item,
      );
      if (outcome.kind !== 'refused') return fromBatchItem(outcome.item);
      throw new LedgerError(
        `ledger table ${TABLE_NAME}: batch ${batch.batchId} already exists; batch ids must be unique, use a fresh id`,
        { action: 'putBatchIntent', batchId: batch.batchId },
      );
    },

    async saveBatch(batch) {
      await enter('saveBatch');
      const item = toBatchItem({ ...batch, version: batch.version + 1 }, newId(), ks);
      return fromBatchItem(putVersioned(item, batch.version, 'saveBatch'));
    },

    async getBatch(batchId) {
      await enter('getBatch');
      const item = store.get(toBatchKey(batchId, ks));
      return item ? fromBatchItem(item) : undefined;
    },

    async listOpenBatches() {
      await enter('listOpenBatches');
      return store
        .all((i) => i.type === ITEM_TYPE.batch && i[TABLE.openIndex.partitionKey] === ks.openValue)
        .map(fromBatchItem)
        .filter(isBatchOpen)
        .sort(byCreatedThenId);
    },

    async listRecentBatches(limit) {
      await enter('listRecentBatches');
      if (limit <= 0) return [];
      return store
        .all((i) => i.type === ITEM_TYPE.batch && String(i.pk).startsWith(batchPrefix(ks)))
        .map(fromBatchItem)
        .sort((a, b) => byCreatedThenId(b, a))
        .slice(0, limit);
    },

    async claim(request): Promise<ClaimResult> {
      await enter('claim');
      const writeId = newId();
      const domain = request.domain.toLowerCase();
      const outcome: Outcome = writeConditional(toClaimKey(request, ks), writeId, (stored) => {
        if (stored && !mayTakeOver(fromClaimItem(stored), request)) return undefined;
        // The adapter's UpdateExpression: SET these, keep attempts and previousTaskNos, REMOVE the result fields.
        const {
          taskNo: _t,
          newExpiryMs: _x,
          code: _c,
          message: _m,
          nextEligibleAtMs: _n,
          [TABLE.ttlAttribute]: _e,
          ...kept
        } = stored ?? {};
        return {
          ...kept,
          ...toClaimKey(request, ks),
          type: ITEM_TYPE.claim,
          domain,
          expiryMs: request.expiryMs,
          status: 'CLAIMED',
          batchId: request.batchId,
          attemptId: request.attemptId,
          years: request.years,
          claimedAtMs: request.nowMs,
          updatedAtMs: request.nowMs,
          attempts: typeof kept.attempts === 'number' ? kept.attempts : 0,
          version: (typeof kept.version === 'number' ? kept.version : 0) + 1,
        };
      });
      if (outcome.kind !== 'refused') return { ok: true, claim: fromClaimItem(outcome.item) };
      // Without deletions in the fake, a refusal always has a stored item.
      return { ok: false, existing: fromClaimItem(outcome.item as Item) };
    },

    async saveClaim(claim) {
      await enter('saveClaim');
      const item = toClaimItem({ ...claim, version: claim.version + 1 }, newId(), ks);
      return fromClaimItem(putVersioned(item, claim.version, 'saveClaim'));
    },

    async getClaims(keys) {
      await enter('getClaims');
      const unique = new Map(keys.map((k) => [MemoryLedgerStore.key(toClaimKey(k, ks)), toClaimKey(k, ks)]));
      return [...unique.values()].flatMap((k) => {
        const item = store.get(k);
        return item ? [fromClaimItem(item)] : [];
      });
    },

    async listClaimsForDomain(domain) {
      await enter('listClaimsForDomain');
      const { pk } = toClaimKey({ domain, expiryMs: 0 }, ks);
      return store
        .all((i) => i.pk === pk)
        .reverse()
        .map(fromClaimItem);
    },

    async listLiveClaims() {
      await enter('listLiveClaims');
      const live = new Set<unknown>(['CLAIMED', 'SUBMITTED', 'UNKNOWN']);
      return store
        .all((i) => i.type === ITEM_TYPE.claim && String(i.pk).startsWith(claimPrefix(ks)) && live.has(i.status))
        .map(fromClaimItem);
    },

    async takeBudget(request) {
      await enter('takeBudget');
      const key = toBudgetKey(request.name, request.period, ks, request.shared);
      const used = store.get(key)?.used;
      const room = request.cap - (typeof used === 'number' ? used : 0);
      const want = Math.max(0, Math.min(request.amount, request.cap, room));
      if (want === 0) return 0;
      store.put({
        ...(store.get(key) ?? key),
        type: ITEM_TYPE.budget,
        writeId: newId(),
        cap: request.cap,
        updatedAtMs: request.nowMs,
        [TABLE.ttlAttribute]: computeExpiresAt(request.nowMs),
        used: (typeof used === 'number' ? used : 0) + want,
      });
      return want;
    },

    async returnBudget(request) {
      await enter('returnBudget');
      const key = toBudgetKey(request.name, request.period, ks, request.shared);
      const stored = store.get(key);
      // The adapter's condition `attribute_exists(used)`: its failure surfaces as an error there too.
      if (typeof stored?.used !== 'number') {
        throw new LedgerError(`ledger table ${TABLE_NAME}: returnBudget failed (no budget taken)`, {
          action: 'returnBudget',
        });
      }
      store.put({ ...stored, used: stored.used - request.amount });
    },

    async getMarks(keys) {
      await enter('getMarks');
      const found = new Map<string, number>();
      for (const k of keys) {
        const item = store.get(toMarkKey(k, ks));
        if (item) found.set(k, typeof item.atMs === 'number' ? item.atMs : 0);
      }
      return found;
    },

    async putMarks(keys, nowMs) {
      await enter('putMarks');
      for (const key of keys) {
        store.put({
          ...toMarkKey(key, ks),
          type: ITEM_TYPE.mark,
          key,
          atMs: nowMs,
          [TABLE.ttlAttribute]: computeExpiresAt(nowMs),
        });
      }
    },

    async recordRun(run) {
      await enter('recordRun');
      const item = toRunItem(run, newId(), ks);
      // Refused means a newer run of the job is already recorded: keep it, raising its last completion to this run's
      // when later (as the adapter does).
      writeConditional(toRunKey(run.job, ks), String(item.writeId), (stored) => {
        const completed = run.lastCompletedAtMs;
        if (!stored) return item;
        if ((stored.startedAtMs as number) <= run.startedAtMs) {
          // Never lowers the completion stored (a twin's, landed first).
          const held = stored.lastCompletedAtMs as number | undefined;
          return completed !== undefined && held !== undefined && held > completed
            ? { ...item, lastCompletedAtMs: held }
            : item;
        }
        const storedCompleted = (stored.lastCompletedAtMs ?? stored.finishedAtMs) as number;
        return completed !== undefined && completed > storedCompleted
          ? { ...stored, lastCompletedAtMs: completed }
          : undefined;
      });
    },

    async lastRuns() {
      await enter('lastRuns');
      return store.all((i) => i.pk === toRunKey('renew', ks).pk).map(fromRunItem);
    },

    async lastRun(job) {
      await enter('lastRun');
      const item = store.all((i) => i.pk === toRunKey(job, ks).pk && i.sk === toRunKey(job, ks).sk)[0];
      return item ? fromRunItem(item) : undefined;
    },

    async putHolds(added) {
      await enter('putHolds');
      changeHolds((holds) => replaceHolds(holds, added));
    },

    async deleteHold(domain) {
      await enter('deleteHold');
      return changeHolds((holds) => {
        const next = removeHold(holds, domain);
        return next.length === holds.length ? undefined : next;
      });
    },

    async listHolds() {
      await enter('listHolds');
      const stored = store.get(toHoldsKey(ks));
      return stored ? fromHoldsItem(stored).holds : [];
    },

    async readWatch() {
      await enter('readWatch');
      const stored = store.get(toWatchKey(ks));
      return stored ? fromWatchItem(stored).entries : [];
    },

    async changeWatch(change) {
      await enter('changeWatch');
      const stored = store.get(toWatchKey(ks));
      const current = stored ? fromWatchItem(stored) : { entries: [], version: 0 };
      const next = change(current.entries);
      if (next !== undefined) store.put(toWatchItem(next, current.version + 1, newId(), ks));
    },

    async readInventory() {
      await enter('readInventory');
      const head = store.get(toInventoryKey(ks));
      if (!head) return undefined;
      const chunks = inventoryChunkKeys(head, ks).flatMap((k) => {
        const item = store.get(k);
        return item ? [item] : [];
      });
      return fromInventoryItems(head, chunks, ks);
    },

    async readInventoryTakenAt() {
      await enter('readInventoryTakenAt');
      const head = store.get(toInventoryKey(ks));
      return head ? inventoryTakenAt(head) : undefined;
    },

    async putInventory(inventory, nowMs) {
      await enter('putInventory');
      const { head, chunks } = toInventoryItems(inventory, newId(), newId(), nowMs, ks);
      for (const chunk of chunks) store.put(chunk);
      const stored = store.get(toInventoryKey(ks));
      if (stored && Number(stored.takenAtMs) > inventory.takenAtMs) return;
      store.put(head);
    },
  };
  return ledger;
}
