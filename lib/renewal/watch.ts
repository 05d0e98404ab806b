import { fitWatch } from '../ledger/items';
import type { Claim, WatchEntry } from '../ledger/port';
import { describeError } from '../log';
import type { DomainOutcome } from '../notify/port';
import { isEntryLetGo } from '../policy/match';
import type { Policy } from '../policy/schema';
import { isNotInAccount } from '../registrar/not-in-account';
import type { ListedDomain } from '../registrar/port';
import { isLive } from './claims';
import { DAY_MS, daysUntil, graceDaysOf } from './dates';
import type { JobDeps } from './deps';
import { isReadDifferently, isSameListedExpiry } from './expiry';
import { readOwnOtherReadings, readPeerClaims } from './peer-claims';
import type { Plan, Reason } from './plan-types';
import { retryWithBackoff, threeTries } from './retry';
import type { LineMark } from './run-notices';
import { lapseWarningOf, WILL_LAPSE_THRESHOLDS_DAYS } from './will-lapse';

/**
 * The watch list (review 2026-12-07): every renewal a renew run found due or announced is kept on the ledger until
 * the listing shows it renewed, the registrar says the domain left the account, or its grace period is over. A
 * domain the listing stops showing (a key's RAM policy scoped to one resource group after the domain moved to
 * another, a listing filter on Alibaba's side) dropped out of every plan: after "to be bought from D" it was never
 * named again, and lapsed. Now each run looks such a domain up (QueryDomainByDomainName, free) and says what it found.
 */

/** Reasons of a listed domain this tool does not mean to buy: not watched. */
const NOT_WATCHED: ReadonlySet<Reason> = new Set<Reason>(['not-due', 'opted-out', 'redemption', 'past-window']);

/** Missing renewals looked up per run, the longest unlooked first; the rest are named at the thresholds unlooked. */
const MAX_LOOK_UPS = 20;

export interface WatchStep {
  /** The list to store, and the watched renewals the listing no longer shows. */
  next: WatchEntry[];
  missing: WatchEntry[];
}

/**
 * Pure: the watch list after this run's plan. A listed domain is watched while the plan means to buy it (due, held
 * back, waiting for its notice, announced); a watched one the listing no longer shows stays, as `missing`, until its
 * grace period is over.
 * @param nowMs the plan's time (epoch ms)
 */
export function nextWatch(current: readonly WatchEntry[], plan: Plan): WatchStep {
  const nowMs = plan.nowMs;
  const byDomain = new Map(current.map((e) => [e.domain, e]));
  const listed = listedNames(plan);
  const next = new Map<string, WatchEntry>();
  // With the group it is listed in: a policy that lets names go by default and buys by group told nothing of a watched
  // renewal without one, read as let go (review of this session's changes, thirty-third session).
  const watch = (d: ListedDomain) => {
    const seen = byDomain.get(d.domainName);
    const same =
      seen && (isSameListedExpiry(seen.expiryMs, d.expiresAtMs) || isReadDifferently(seen.expiryMs, d.expiresAtMs));
    next.set(d.domainName, {
      domain: d.domainName,
      expiryMs: d.expiresAtMs,
      seenAtMs: same ? seen.seenAtMs : nowMs,
      ...(d.groupName !== undefined ? { groupName: d.groupName } : {}),
      ...(d.groupUnstated ? { groupUnstated: true as const } : {}),
      ...(seen?.hidden ? { hidden: true as const } : {}),
    });
  };
  for (const d of plan.decisions) if (!NOT_WATCHED.has(d.reason)) watch(d.domain);
  for (const u of plan.upcoming) watch(u.domain);
  const missing: WatchEntry[] = [];
  for (const e of current) {
    if (nowMs > e.expiryMs + graceDaysOf(e.domain) * DAY_MS) continue;
    if (listed.has(e.domain)) {
      // A hidden name the window listing shows for a day (planned not due, so not watched by the plan) stays, neither
      // looked up nor told: only the whole listing clears it (inventory.ts), and hidden again the next day it lapsed
      // unnamed (the review of the hidden names).
      if (e.hidden && !next.has(e.domain)) next.set(e.domain, e);
      continue;
    }
    missing.push(e);
    next.set(e.domain, e);
  }
  missing.sort((a, b) => a.expiryMs - b.expiryMs);
  return { next: [...next.values()], missing };
}

/** The names a plan's listing shows. */
function listedNames(plan: Plan): Set<string> {
  return new Set(plan.decisions.map((d) => d.domain.domainName));
}

/**
 * The watch step of a live renew run: reads the list, looks up (at most MAX_LOOK_UPS, while `outOfTime` allows) the
 * watched renewals the listing no longer shows, stores the new list, and returns the lines to tell: a will-lapse line
 * at the usual thresholds for a domain still held at its expiry, one line for a domain that left the account.
 * Best effort: the list's read and write are each tried three times. A list that cannot be read is stored all the
 * same, this run's renewals merged into what is stored then (mergeWatch keeps every entry it did not read), and
 * nothing is looked up this run; so are claims that cannot be read: returned early, a renewal the run announced was
 * on no list, and lapsed unnamed once the listing stopped showing it (the review of the write's retry, thirty-second
 * session). When every write fails, `unstored` says so (the caller tells it and fails the run), and the lines of what
 * was found are still told.
 */
export async function watchListing(
  deps: Pick<JobDeps, 'ledger' | 'registrar' | 'log' | 'peerClaims' | 'runClaims' | 'sleep' | 'remainingMs'>,
  plan: Plan,
  outOfTime: () => boolean,
  /** The run's policy: a watched name it lets go (`renew: false`, by name or group) is neither looked up nor told. */
  policy: Policy,
  /** Names to watch besides the plan's (inventory.ts: those that left the whole-account listing). */
  extra: readonly WatchEntry[] = [],
  /** The names a whole-account listing of this run shows (inventory.ts): `hidden` entries among them are dropped. */
  relisted: ReadonlySet<string> = new Set(),
): Promise<{
  outcomes: DomainOutcome[];
  marks: LineMark[];
  notes: string[];
  unstored?: true;
  /** Names this run watched that the stored list left out (full): inventory.ts stores no inventory past them. */
  cut: ReadonlySet<string>;
  /** Hidden names this run found renewed (watched at their new expiry): their "left" line would be false. */
  renewed: ReadonlySet<string>;
  /** Names the registrar no longer finds in the account (told once as gone): no longer carried by the inventory. */
  gone: ReadonlySet<string>;
}> {
  const tries = threeTries(deps);
  let current: WatchEntry[];
  try {
    current = await retryWithBackoff(() => deps.ledger.readWatch(), tries);
  } catch (err) {
    deps.log.warn('could not read the watch list; renewals the listing stopped showing are not looked up this run', {
      ...describeError(err),
    });
    current = [];
  }
  // A name that left the whole listing is `hidden`, watched already or not; one the whole listing shows again is not.
  const leftNow = new Set(extra.map((e) => e.domain));
  const watching = new Set(current.map((e) => e.domain));
  const merged = [
    ...current
      .filter((e) => !(e.hidden && relisted.has(e.domain)))
      .map((e) => (leftNow.has(e.domain) && !e.hidden ? { ...e, hidden: true as const } : e)),
    ...extra.filter((e) => !watching.has(e.domain)),
  ];
  const { next, missing: all } = nextWatch(merged, plan);
  // Kept on the list until their grace is over, but not looked up nor told while the policy lets them go: a retired
  // domain moved to an archive group paged every day past its expiry; kept, a later policy that wants it back finds
  // it watched (reviews of the weekly inventory, thirty-third session).
  const missing = all.filter((e) => !isEntryLetGo(policy, e));
  const drop = new Set<string>();
  const gone = new Set<string>();
  const lines: { outcome: DomainOutcome; mark: string }[] = [];
  // Bought by this tool (the listing no longer shows it because its expiry moved on): the claim says so, with no
  // look-up; one in flight is check's to watch. Another account's claim counts as this one's (two keys of one
  // Alibaba account): one in flight there is not told "renew it by hand" (review 2026-12-07). Unread, nothing is
  // looked up or told this run: the next run reads again.
  const keys = missing.map((e) => ({ domain: e.domain, expiryMs: e.expiryMs }));
  let claimed = new Map<string, Claim['status']>();
  let claimsRead = true;
  try {
    // The account's own claims under other readings of the expiry too: a renewal in flight at the exact expiry,
    // watched under the day-cut reading a later listing showed, was told "renew it by hand" (review 2026-12-07,
    // twenty-sixth session), as the planner's own read was fixed in 2053807.
    const [own, peers, ownOther] = await Promise.all([
      deps.ledger.getClaims(keys),
      readPeerClaims(deps, keys),
      readOwnOtherReadings(deps.ledger, deps.runClaims, keys),
    ]);
    claimed = new Map([...peers.values()].map((c) => [c.domain, isLive(c) ? ('CLAIMED' as const) : c.status]));
    // A live claim in either account, under any reading, decides, then a renewal; only then the account's own status
    // (its own failed attempt hid the peer's renewal in flight: review 2026-12-07).
    for (const c of [...own, ...[...ownOther.values()].flat()]) {
      const was = claimed.get(c.domain);
      if (was === 'CLAIMED' || (was === 'RENEWED' && !isLive(c))) continue;
      claimed.set(c.domain, isLive(c) ? 'CLAIMED' : c.status);
    }
  } catch (err) {
    deps.log.warn('could not read the claims of renewals the listing stopped showing; none is looked up this run', {
      ...describeError(err),
    });
    claimsRead = false;
  }
  // Renewed: nothing more to watch, unless it is hidden (its look-up then gives the expiry to watch it at).
  for (const e of missing) if (claimed.get(e.domain) === 'RENEWED' && !e.hidden) drop.add(e.domain);
  const renewedAt = new Map<string, number>();
  // The longest unlooked first, then the soonest expiry: a still-held one stays on the list, and with more than
  // MAX_LOOK_UPS missing the same ones took every look-up, every run, and the rest were never named (review
  // 2026-12-07). One not looked up this run is named all the same, at the thresholds.
  const toLookUp = (claimsRead ? missing : [])
    .filter((e) => {
      const status = claimed.get(e.domain);
      return status === undefined || status === 'FAILED' || (status === 'RENEWED' && e.hidden === true);
    })
    // Those within the will-lapse thresholds first (their lines say what a look-up found): hundreds of names that
    // left the listing months before their expiry (inventory.ts) took every look-up for weeks (its review).
    .sort(
      (a, b) =>
        Number(isFar(a, plan.nowMs)) - Number(isFar(b, plan.nowMs)) ||
        (a.lookedAtMs ?? -1) - (b.lookedAtMs ?? -1) ||
        a.expiryMs - b.expiryMs,
    );
  const looked = new Set<string>();
  for (const entry of toLookUp) {
    const daysLeft = daysUntil(entry.expiryMs, plan.nowMs);
    const r = { domain: entry.domain, expiryMs: entry.expiryMs, daysLeft, years: 0 };
    /** A not-listed line at the thresholds; none for a hidden one our own renewal holds (its old expiry is not due). */
    const tell = (reason: string) => {
      const warning = notListedLine(r, reason);
      if (warning && claimed.get(entry.domain) !== 'RENEWED') lines.push(warning);
    };
    if (looked.size >= MAX_LOOK_UPS || outOfTime()) {
      tell(
        `not-listed: QueryDomainList no longer lists it (not looked up this run: ${toLookUp.length} such renewals, ${MAX_LOOK_UPS} looked up a run), so the renew job cannot buy it: look at the domain and its tasks in the console before renewing it by hand`,
      );
      continue;
    }
    looked.add(entry.domain);
    try {
      const info = await deps.registrar.getDomain(entry.domain);
      if (info.expiresAtMs > entry.expiryMs && !isReadDifferently(entry.expiryMs, info.expiresAtMs)) {
        // Renewed (by us, or elsewhere): nothing more to watch; a hidden one at its new expiry (soak of a listing
        // that hides domains: one moved out of the listing after its renewal lapsed a year later, unnamed).
        if (entry.hidden) renewedAt.set(entry.domain, info.expiresAtMs);
        else drop.add(entry.domain);
        continue;
      }
      tell(
        "not-listed: the account holds it at this expiry (QueryDomainByDomainName finds it), but QueryDomainList no longer lists it, so the renew job cannot buy it: check the key's RAM policy (a resource group?) and look at the domain and its tasks in the console before renewing it by hand",
      );
    } catch (err) {
      if (isNotInAccount(err)) {
        // Dropped only once its line is recorded (its mark written): dropped before, a digest that did not go out,
        // or cut it for size, lost the line for good (review 2026-12-07).
        gone.add(entry.domain);
        lines.push({
          mark: `gone#${entry.domain}#${entry.expiryMs}`,
          outcome: {
            ...lineOf(r),
            reason:
              'not-listed: the registrar no longer finds it in this account (transferred out or deleted?): it is not renewed here; if it should be, look in the console',
          },
        });
        continue;
      }
      deps.log.warn('could not look up a renewal the listing stopped showing', {
        domain: entry.domain,
        ...describeError(err),
      });
      tell(
        'not-listed: QueryDomainList no longer lists it and its look-up failed, so the renew job cannot buy it: look at the domain and its tasks in the console before renewing it by hand',
      );
    }
  }
  const sent = lines.length
    ? await deps.ledger.getMarks(lines.map((l) => l.mark)).catch(() => new Map<string, number>())
    : new Map<string, number>();
  for (const domain of gone) {
    const line = lines.find((l) => l.outcome.domain === domain && l.mark.startsWith('gone#'));
    if (line && sent.has(line.mark)) drop.add(domain);
  }
  const whole = next
    .filter((e) => !drop.has(e.domain))
    .map((e) => {
      const at = renewedAt.get(e.domain);
      const moved = at !== undefined ? { ...e, expiryMs: at, seenAtMs: plan.nowMs } : e;
      return looked.has(e.domain) ? { ...moved, lookedAtMs: plan.nowMs } : moved;
    });
  // Full, the renewals the listing no longer shows are kept first: a listed one is added again by the next run.
  const stored = fitWatch(whole, new Set(missing.map((e) => e.domain)));
  const kept = new Set(stored.map((e) => e.domain));
  const cut = new Set(whole.filter((e) => !kept.has(e.domain)).map((e) => e.domain));
  const notes: string[] = [];
  if (stored.length < whole.length) {
    deps.log.warn('the watch list is full; the renewals expiring last are not watched this run', {
      watched: stored.length,
      leftOut: whole.length - stored.length,
    });
    // Told, not only logged: one of those the listing then stops showing is never named (review 2026-12-07,
    // twenty-sixth session).
    notes.push(
      `Watch list full: ${whole.length - stored.length} of ${whole.length} renewals due or announced, those expiring last, are not watched this run; one of them the listing stops showing (a RAM policy scoped to a resource group, a listing filter) would not be named before it lapses. Check that QueryDomainList lists every domain of the account.`,
    );
  }
  // Tried again, and told when it fails: logged only, a renewal this run announced that the listing stopped showing
  // the next day was on no stored list, and lapsed with nobody told (review 2026-12-08, thirty-second session).
  const unstored = await retryWithBackoff(
    () => deps.ledger.changeWatch((rival) => mergeWatch(rival, current, stored, listedNames(plan))),
    tries,
  ).then(
    () => false,
    (err) => {
      deps.log.error('could not store the watch list; the next run tries again', describeError(err));
      return true;
    },
  );
  const told = lines.filter((l) => !sent.has(l.mark));
  return {
    outcomes: told.map((l) => l.outcome),
    marks: told.map((l) => ({ mark: l.mark, covers: [l.outcome] })),
    notes,
    ...(unstored ? { unstored: true as const } : {}),
    cut,
    renewed: new Set(renewedAt.keys()),
    gone,
  };
}

/** A watched renewal further from its expiry than the first will-lapse threshold (30 days). */
function isFar(e: WatchEntry, nowMs: number): boolean {
  return daysUntil(e.expiryMs, nowMs) > FIRST_THRESHOLD_DAYS;
}

const FIRST_THRESHOLD_DAYS = Math.max(...WILL_LAPSE_THRESHOLDS_DAYS);

function lineOf(r: { domain: string; expiryMs: number; daysLeft: number }): DomainOutcome {
  return {
    domain: r.domain,
    event: 'will-lapse',
    batchId: '-',
    oldExpiryMs: r.expiryMs,
    years: 0,
    daysLeft: r.daysLeft,
  };
}

/**
 * Pure: this run's list over what is stored now: entries a rival run added since this run read are kept, those this
 * run dropped are not; undefined when nothing changes (no write). Full, the entries this run's listing does not show
 * (`listed`: its names) are kept first, as when the list was cut alone: re-cut by expiry only, a rival's additions
 * pushed out a renewal the listing stopped showing, and it was never named (review 2026-12-07, twenty-seventh
 * session).
 */
export function mergeWatch(
  stored: readonly WatchEntry[],
  read: readonly WatchEntry[],
  mine: readonly WatchEntry[],
  listed: ReadonlySet<string>,
): WatchEntry[] | undefined {
  const ours = new Set(mine.map((e) => e.domain));
  const readNames = new Set(read.map((e) => e.domain));
  const all = [...mine, ...stored.filter((e) => !ours.has(e.domain) && !readNames.has(e.domain))];
  const merged = fitWatch(all, new Set(all.filter((e) => !listed.has(e.domain)).map((e) => e.domain)));
  const key = (list: readonly WatchEntry[]) =>
    JSON.stringify(fitWatch(list).map((e) => [e.domain, e.expiryMs, e.lookedAtMs ?? null]));
  return key(merged) === key(stored) ? undefined : merged;
}

/**
 * A not-listed will-lapse line at the thresholds, under its own marks (`not-listed#...`): under the planner's
 * `lapse#...` marks, a "held" line of the same threshold hid it for days (review 2026-12-07).
 */
function notListedLine(r: { domain: string; expiryMs: number; daysLeft: number; years: number }, reason: string) {
  return lapseWarningOf(r, reason, false, 'not-listed');
}
