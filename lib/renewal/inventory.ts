import { TimeLimitError } from '../errors';
import type { Inventory, WatchEntry } from '../ledger/port';
import { describeError } from '../log';
import type { DomainOutcome } from '../notify/port';
import { isEntryLetGo } from '../policy/match';
import type { Policy } from '../policy/schema';
import type { ListedDomain } from '../registrar/port';
import { DAY_MS, daysUntil, formatDateUtc, graceDaysOf, HOUR_MS } from './dates';
import type { JobDeps } from './deps';
import { retryWithBackoff, threeTries } from './retry';
import type { LineMark } from './run-notices';
import { computeTimeMarginMs, withinDeadline } from './time-margin';

/**
 * The weekly inventory (thirty-second session's open item): the watch list holds the renewals a run found due or
 * announced, so a domain that left the listing BEFORE its renew window opened (moved to a resource group the key's
 * RAM policy does not list, 37 days or more before its expiry by default) was on no list and lapsed with nobody told.
 * About once a week a live renew run lists the whole account (no expiry filter), compares the names with the last
 * such listing, and puts each name that left it, not yet past its grace period and not opted out by the policy, on
 * the watch list: looked up from then on and named at the will-lapse thresholds (watch.ts), and told once now.
 */

/** How often a renew run lists the whole account, ms: a week, less half a day of schedule jitter. */
export const INVENTORY_EVERY_MS = 7 * DAY_MS - 12 * HOUR_MS;

/** After this long without an inventory (each run's listing failed or ran out of time), the digest says so, ms. */
export const INVENTORY_STALE_MS = 14 * DAY_MS;

/**
 * Pure: whether a run at `nowMs` (epoch ms) takes a new inventory: none stored yet, or the last one taken at least
 * {@link INVENTORY_EVERY_MS} before.
 */
export function isInventoryDue(last: Pick<Inventory, 'takenAtMs'> | undefined, nowMs: number): boolean {
  return last === undefined || nowMs - last.takenAtMs >= INVENTORY_EVERY_MS;
}

/**
 * Pure: the names the last inventory listed that `listed` (a whole-account listing) does not, each not yet past its
 * grace period at `nowMs` (epoch ms), as watch entries first seen now, with the group they were listed in. Compared by
 * name: a renewed domain is listed at a later expiry and did not leave. Every one is watched, one the policy lets go
 * too (watch.ts neither looks it up nor tells it while the policy does: filtered here, a later policy that wanted it
 * back never saw it again; its review).
 */
export function findLeftListing(last: Inventory, listed: readonly ListedDomain[], nowMs: number): WatchEntry[] {
  const names = new Set(listed.map((d) => d.domainName));
  return last.entries
    .filter((e) => !names.has(e.domain) && nowMs <= e.expiryMs + graceDaysOf(e.domain) * DAY_MS)
    .map((e) => ({ domain: e.domain, expiryMs: e.expiryMs, seenAtMs: nowMs, ...groupOf(e), hidden: true as const }));
}

/** The group fields of an inventory entry, as a watch entry keeps them. */
function groupOf(e: Pick<WatchEntry, 'groupName' | 'groupUnstated'>): { groupName?: string; groupUnstated?: true } {
  return {
    ...(e.groupName !== undefined ? { groupName: e.groupName } : {}),
    ...(e.groupUnstated ? { groupUnstated: true as const } : {}),
  };
}

/** How old an inventory may get before a run that cannot retake it writes it again (its chunks' TTL is 60 days), ms. */
const INVENTORY_REWRITE_AFTER_MS = 30 * DAY_MS;

/**
 * What the inventory step found: names to watch, the lines to tell (each once), what went wrong (for the digest's
 * error once a UTC day), and `store`, to call once the watch list holding `left` is stored: stored before it, a
 * failed watch write lost the names that left for good, since the next inventory compares with this one (its review).
 */
export interface InventoryStep {
  left: WatchEntry[];
  /** The names the whole listing of this run shows (taken this run), for the watch to clear its hidden ones. */
  relisted?: ReadonlySet<string>;
  outcomes: DomainOutcome[];
  marks: LineMark[];
  trouble?: string;
  /** Stores the inventory; `gone`: names that left and that the registrar no longer finds, carried no longer. */
  store?: (gone?: ReadonlySet<string>) => Promise<void>;
}

const NOTHING: InventoryStep = { left: [], outcomes: [], marks: [] };

/**
 * The inventory step of a live renew run: when one is due ({@link isInventoryDue}), lists the whole account (only
 * with two time margins left, given up at the margin, a page at a time), and compares it with the last inventory.
 * Never throws: a failed step is logged and tried again by the next run; one that cannot read the last inventory, or
 * has taken none for {@link INVENTORY_STALE_MS}, says so in `trouble`.
 * @param nowMs the run's time (epoch ms)
 */
export async function surveyInventory(
  deps: Pick<JobDeps, 'ledger' | 'registrar' | 'log' | 'sleep' | 'remainingMs'>,
  policy: Policy,
  nowMs: number,
  outOfTime: () => boolean,
): Promise<InventoryStep> {
  const tries = threeTries(deps);
  let last: Inventory | undefined;
  try {
    // The head alone first: the chunks (megabytes at 100 000 domains) only on the day an inventory is due (its review).
    const takenAt = await retryWithBackoff(() => deps.ledger.readInventoryTakenAt(), tries);
    if (takenAt !== undefined && !isInventoryDue({ takenAtMs: takenAt }, nowMs)) return NOTHING;
    last = await retryWithBackoff(() => deps.ledger.readInventory(), tries);
  } catch (err) {
    deps.log.warn('could not read the last whole-account listing; the next run tries again', describeError(err));
    // Every run: an item no read takes would switch the inventory off for good, with nobody told (its review).
    return {
      ...NOTHING,
      trouble:
        "The last whole-account listing (the weekly inventory) could not be read from the ledger (see the function's logs): until it is, a domain that leaves the listing before its renew window opens is not named.",
    };
  }
  if (!isInventoryDue(last, nowMs)) return NOTHING;
  // Only with two margins left (one to list in, one to report), and given up at the margin: a slow registrar's
  // listing outlived the function, whose digest never went out (its review: a throttled account's run).
  const margin = computeTimeMarginMs(deps.registrar.worstCaseCallMs);
  const store =
    (inventory: Inventory) =>
    (gone: ReadonlySet<string> = new Set()) =>
      withinDeadline(
        retryWithBackoff(
          () =>
            deps.ledger.putInventory(
              { ...inventory, entries: inventory.entries.filter((e) => !gone.has(e.domain)) },
              nowMs,
            ),
          tries,
        ),
        deps.remainingMs,
        margin,
      ).catch((err) =>
        // Not stored, the next run lists again and compares with the same last inventory (its lines told once).
        deps.log.warn('could not store the whole-account listing; the next run lists again', describeError(err)),
      );
  // Not retaken, the last one is written again once a month, so that its chunks (kept 60 days) outlive it: expired,
  // the first listing that worked compared with nothing, and the names that left meanwhile were lost (its review).
  const notTaken = (): InventoryStep => ({
    ...NOTHING,
    ...staleTrouble(last, nowMs),
    ...(last && nowMs - last.takenAtMs >= INVENTORY_REWRITE_AFTER_MS ? { store: store(last) } : {}),
  });
  if (deps.remainingMs !== undefined && deps.remainingMs() < 2 * margin) {
    deps.log.warn('the whole-account listing was not taken: too little time left; the next run tries again', {});
    return notTaken();
  }
  let listed: ListedDomain[];
  try {
    const listing = deps.registrar.listDomains({
      onPage: () => {
        if (outOfTime()) throw new TimeLimitError('the run reached its time margin while listing the whole account');
      },
    });
    listed = await withinDeadline(listing, deps.remainingMs, margin);
  } catch (err) {
    deps.log.warn('the whole-account listing was not taken; the next run tries again', describeError(err));
    return notTaken();
  }
  const left = last ? findLeftListing(last, listed, nowMs) : [];
  if (left.length > 0)
    deps.log.warn('domains the whole-account listing showed last time and no longer does: watched from now on', {
      domains: left.slice(0, 20).map((e) => e.domain),
      count: left.length,
    });
  // The names that left are carried into the new inventory while absent: compared with the day's listing alone, one
  // listed again for a day (as not due, so on no watch list) and then hidden for good never counted as leaving
  // again, and lapsed unnamed (soak of a listing that hides domains). Each is told once (its mark), watched each week.
  const entries = [
    ...listed
      .filter((d) => Number.isFinite(d.expiresAtMs))
      .map((d) => ({ domain: d.domainName, expiryMs: d.expiresAtMs, ...groupOf(d) })),
    ...left.map((e) => ({ domain: e.domain, expiryMs: e.expiryMs, ...groupOf(e) })),
  ];
  const since = last ? formatDateUtc(last.takenAtMs) : '';
  const lines = left
    .filter((e) => !isEntryLetGo(policy, e))
    .map((e) => ({
      mark: `left#${e.domain}#${e.expiryMs}`,
      outcome: {
        domain: e.domain,
        event: 'will-lapse' as const,
        batchId: '-',
        oldExpiryMs: e.expiryMs,
        years: 0,
        daysLeft: daysUntil(e.expiryMs, nowMs),
        reason: `not-listed: QueryDomainList listed it on ${since} (the weekly whole-account listing) and no longer does, so the renew job cannot buy it: check the key's RAM policy (a resource group?), or whether it left the account on purpose; it is watched from now on (looked up each run, named again as its expiry nears)`,
      },
    }));
  // Told once: a name that leaves, comes back and leaves again at the same expiry is not told twice.
  const sent =
    lines.length > 0
      ? await deps.ledger.getMarks(lines.map((l) => l.mark)).catch(() => new Map<string, number>())
      : new Map<string, number>();
  const told = lines.filter((l) => !sent.has(l.mark));
  return {
    left,
    outcomes: told.map((l) => l.outcome),
    marks: told.map((l) => ({ mark: l.mark, covers: [l.outcome] })),
    relisted: new Set(listed.map((d) => d.domainName)),
    store: store({ takenAtMs: nowMs, entries }),
  };
}

/** `trouble` when the last inventory is older than INVENTORY_STALE_MS (or none was ever taken). */
function staleTrouble(last: Inventory | undefined, nowMs: number): { trouble?: string } {
  if (last !== undefined && nowMs - last.takenAtMs < INVENTORY_STALE_MS) return {};
  const when = last ? `since ${formatDateUtc(last.takenAtMs)}` : 'yet';
  return {
    trouble: `The whole-account listing (the weekly inventory) has not been taken ${when} (see the function's logs): until it is, a domain that leaves the listing before its renew window opens is not named.`,
  };
}
