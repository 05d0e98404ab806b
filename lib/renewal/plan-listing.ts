import type { Balance } from '../billing/port';
import { LEDGER_CONCURRENCY, mapWithLimit } from '../concurrency';
import { InputError } from '../errors';
import type { Batch, Claim, ClaimKey } from '../ledger/port';
import { describeError } from '../log';
import { formatMoney, type Money, timesMoney } from '../money';
import type { Policy } from '../policy/schema';
import type { ListedDomain } from '../registrar/port';
import { readActiveHolds } from './active-holds';
import { isLive, RENEWED_ELSEWHERE_CODE, transitions } from './claims';
import { DAY_MS } from './dates';
import type { JobDeps } from './deps';
import { isReadDifferently, RENEWED_TOLERANCE_MS } from './expiry';
import { findRenewingElsewhere, queuedTaskMark, type RenewingElsewhere, ranTaskMark, taskNosOf } from './foreign-tasks';
import { noticeDaysOf, readNotices } from './notice';
import { readOwnOtherReadings, readPeerClaims } from './peer-claims';
import { listingWindow, planRenewals } from './plan';
import { applyMoney, type BalanceReading, policyAmount } from './plan-money';
import { claimKey, type InFlightView, type Plan, type PlanMoney, type Reason } from './plan-types';
import { collectPrices, type PriceBook } from './pricing';
import { findStrays, isStray } from './sweep';
import { WILL_LAPSE_REASONS, WILL_LAPSE_THRESHOLDS_DAYS } from './will-lapse';

/*
 * The free part of a run: list and plan. `plan`, dry runs and the demo import this module only, never the paid
 * path (submit-batch.ts), so "plans are free" (M3) holds by structure.
 */

/** Plan reasons decided after the in-flight check: only these domains need their claims read. */
const AFTER_IN_FLIGHT = new Set<Reason>([
  'due',
  'at-max-term',
  'over-run-limit',
  'renewing-elsewhere',
  'renewed-elsewhere',
  'elsewhere-unread',
  'awaiting-notice',
]);

/** Domain -> expiry of every renewal in flight (batches not yet closed), from the ledger's open-batch index. */
export function renewalsInFlight(open: readonly Batch[]): Map<string, number> {
  const live = new Map<string, number>();
  for (const b of open)
    if (b.status !== 'CLOSED') for (const e of b.entries) if (!e.outcome) live.set(e.domain, e.expiryMs);
  return live;
}

/**
 * Domain -> listed expiries (epoch ms) of the renewals an open batch (not CLOSED) has recorded RENEWED. While the
 * batch stays open (a batch-mate waits for a person) its TaskNo is skipped as ours by the look at recent tasks, and
 * the settled entry is not in flight: a lagging listing that read the old expiry a little differently found no
 * claim and bought it again (review 2026-12-05).
 */
export function renewedUnderOpen(open: readonly Batch[]): Map<string, number[]> {
  const renewed = new Map<string, number[]>();
  for (const b of open)
    if (b.status !== 'CLOSED')
      for (const e of b.entries)
        if (e.outcome === 'RENEWED') renewed.set(e.domain, [...(renewed.get(e.domain) ?? []), e.expiryMs]);
  return renewed;
}

/**
 * A finished claim that does not decide by itself under an open entry: released (`not-submitted`) or renewed. A
 * FAILED claim with another code (a refusal, a task's failure: nothing more can happen for it) decides as usual.
 */
function isReleasedUnder(claim: Claim): boolean {
  return !isLive(claim) && !(claim.status === 'FAILED' && claim.code !== 'not-submitted' && !claim.taskNo);
}

/**
 * The planner's in-flight view of one listed domain: its claim for the listed expiry, or, belt and braces for M1,
 * any open renewal of the same domain for ANOTHER expiry. The claim key is (domain, listed expiry), so a listing
 * that reported a different expiry for a domain already being renewed (stale or inconsistent) would otherwise make
 * a new key and a second purchase.
 */
export function viewOf(
  listedExpiryMs: number,
  claim: Claim | undefined,
  openExpiryMs: number | undefined,
): InFlightView | undefined {
  // An open batch holds this domain but no live claim was found under the listed key: a claim written under
  // another spelling (an older version keyed IDNs in Unicode), not written yet by a run in progress, or released
  // by a writer that lost a race with the batch (a release of an intent that was being sent). In flight until the
  // batch itself records an outcome for it. A claim the registrar refused (FAILED with its code) is not such a
  // trace: the refusal proved nothing was executed, and it is retried as usual.
  if (openExpiryMs !== undefined && Math.abs(openExpiryMs - listedExpiryMs) > RENEWED_TOLERANCE_MS)
    return { status: 'CLAIMED', attempts: 0, otherExpiry: true }; // an earlier cycle's renewal, never settled
  if (openExpiryMs !== undefined && (openExpiryMs !== listedExpiryMs || !claim || isReleasedUnder(claim)))
    return { status: 'CLAIMED', attempts: 0 }; // this renewal, read a little differently (rounding, a stale cache)
  if (!claim) return undefined;
  return {
    status: claim.status,
    attempts: claim.attempts,
    ...(claim.nextEligibleAtMs !== undefined ? { nextEligibleAtMs: claim.nextEligibleAtMs } : {}),
    ...(claim.alone ? { alone: true } : {}),
    ...(claim.status === 'FAILED' && claim.code === RENEWED_ELSEWHERE_CODE ? { shownRenewed: true as const } : {}),
    ...(claim.status === 'RENEWED' ? { renewedAtMs: claim.updatedAtMs } : {}),
  };
}

/**
 * Lists the candidates and plans: the free part of a run, shared by `plan`, dry runs and `renew`. The open batches
 * are read while the listing runs; a first plan without ledger data finds the domains that reach the in-flight
 * check, only their claims are read (one BatchGet per 100), then the real plan is made.
 */
export async function listAndPlan(
  deps: Pick<JobDeps, 'registrar' | 'ledger' | 'clock' | 'billing' | 'log' | 'peerClaims' | 'runClaims'>,
  policy: Policy,
  options: {
    /**
     * Called with the plan before its money pass (prices, balance, limits), when it renews anything: the renew
     * job takes its claims meanwhile (claim-ahead.ts). The money pass only removes renewals from this draft.
     */
    onDraft?: (draft: Plan) => void;
    /**
     * Called with someone else's unfinished renewal tasks seen (TaskNos), for the renew job to mark them
     * (foreign-tasks.ts queuedTaskMark): the plan itself writes nothing.
     */
    onQueuedElsewhere?: (taskNos: readonly string[]) => void;
    /** The renew run planning (its own intents, written ahead by onDraft, are not another run's spend). */
    runId?: string;
    /**
     * Releases the claims the plan met that may be strays (sweep.ts isStray: live under a batch whose submit started
     * without them, so provably not sent) and returns those now free (released, by it or meanwhile by another); the
     * plan is then made again. A renew run that writes passes it. Without it (`plan`, a dry run, the question before
     * a purchase) the strays are found by reads alone and planned as the run would once it released them: a saved
     * plan that showed them in flight was refused by the run as a moved listing (its review).
     */
    releaseStrays?: (candidates: readonly Claim[]) => Promise<readonly Claim[]>;
  } = {},
): Promise<Plan> {
  const nowMs = deps.clock.now();
  const window = listingWindow(policy, nowMs);
  const ahead = createClaimReadAhead(deps.ledger, policy, nowMs);
  const [domains, open, held] = await Promise.all([
    deps.registrar.listDomains({ expiringFromMs: window.fromMs, expiringToMs: window.toMs, onPage: ahead.onPage }),
    deps.ledger.listOpenBatches(),
    readActiveHolds(deps, nowMs),
  ]);
  let known: KnownClaims = await ahead.settled();
  const unreadable = domains.filter((d) => d.unreadable);
  if (unreadable.length > 0)
    deps.log.warn('listing rows with a field this tool cannot read: never bought (unreadable-row) until they read', {
      rows: unreadable.slice(0, UNREADABLE_ROWS_LOGGED).map((d) => `${d.domainName}: ${d.unreadable}`),
      count: unreadable.length,
    });
  // What the plans before the draft read: a later, wider plan of this run reuses it, so it never sees the claims
  // this run itself takes ahead from the draft (read again, they made its own renewals "in flight").
  const read: PlanRecord = { read: new Set<string>(), found: new Map<string, Claim>(), others: new Map() };
  let ledgerPlan = await planWithLedger(deps, policy, domains, open, held, nowMs, undefined, known, undefined, read);
  const candidates = straysOf(ledgerPlan, read, open);
  if (candidates.length > 0) {
    // A release of a claim its batch left out that failed every try (submit-batch.ts releaseLeftOut) left it live
    // until check's daily sweep: a run the same day planned the domain `in-flight`, bought nothing and named nothing,
    // and one due in hours lapsed (thirty-second session's open item).
    const freed = options.releaseStrays
      ? await options.releaseStrays(candidates)
      : (await findStrays(deps, candidates)).strays.map((c) =>
          transitions.release(c, { message: 'a stray: released by the run', nowMs }),
        );
    if (freed.length > 0) {
      const released = new Map(freed.map((c) => [claimKey(c.domain, c.expiryMs), c]));
      known = { ...known, released };
      read.released = released;
      ledgerPlan = await planWithLedger(deps, policy, domains, open, held, nowMs, undefined, known, undefined, read);
    }
  }
  // Only when something would be bought (or announced): someone else's queued renewal, prices and the balance.
  let plan = ledgerPlan;
  let elsewhereApplied: RenewingElsewhere | undefined;
  if (ledgerPlan.totals.renew > 0) {
    // Ours: TaskNos on the open batches not closed (taskNosOf) and on the candidates' claims (an adoption whose batch
    // write failed).
    const ours = taskNosOf(open);
    for (const c of known.found.values()) if (c.taskNo) ours.add(c.taskNo);
    // What the run may buy once held domains free their run-cap slots: `over-run-limit` ones move up (review).
    const wanted = new Map(
      ledgerPlan.decisions
        .filter((d) => d.action === 'renew' || d.reason === 'over-run-limit')
        .map((d) => [d.domain.domainName, d.domain.expiresAtMs]),
    );
    const elsewhere = await findRenewingElsewhere(
      deps.registrar,
      ours,
      nowMs,
      async () => taskNosOf(await deps.ledger.listOpenBatches()),
      {
        wanted,
        claimsOfDomain: (domain) => deps.ledger.listClaimsForDomain(domain),
        onUnread: (taskNo, err) =>
          deps.log.warn("a finished renewal task's details could not be read: read as listing none of its rows", {
            taskNo,
            ...describeError(err),
          }),
        seenMarks: async (taskNos) => {
          const marks = await deps.ledger.getMarks(taskNos.flatMap((no) => [queuedTaskMark(no), ranTaskMark(no)]));
          const byTask = (mark: (no: string) => string) =>
            new Map(taskNos.flatMap((no) => (marks.has(mark(no)) ? [[no, marks.get(mark(no)) as number]] : [])));
          return { queued: byTask(queuedTaskMark), ran: byTask(ranTaskMark) };
        },
      },
    );
    if (elsewhere.queued.length > 0) options.onQueuedElsewhere?.(elsewhere.queued);
    if (elsewhere.undated.length > 0)
      deps.log.warn(
        'finished renewal tasks with no creation time this tool can read: taken as run just now (from when first seen, once marked)',
        { taskNos: elsewhere.undated },
      );
    if (elsewhere.unread.length > 0)
      deps.log.warn(
        "someone else's renewal tasks (unfinished, or run within 2 days) list fewer details than they hold: nothing is bought",
        {
          taskNos: elsewhere.unread,
        },
      );
    if (elsewhere.renewedByUs.size > 0 || elsewhere.ownCycle.size > 0)
      deps.log.warn(
        'the listing shows the old expiry of a domain this tool has just renewed or tried, read a little differently: its claim decides',
        {
          domains: [...elsewhere.renewedByUs, ...elsewhere.ownCycle.keys()],
        },
      );
    if (
      elsewhere.held.size > 0 ||
      elsewhere.renewed.size > 0 ||
      elsewhere.renewedByUs.size > 0 ||
      elsewhere.ownCycle.size > 0 ||
      elsewhere.unread.length > 0
    ) {
      elsewhereApplied = elsewhere;
      plan = await planWithLedger(deps, policy, domains, open, held, nowMs, elsewhere, known, undefined, read);
    }
  }
  if (plan.totals.renew === 0 && plan.upcoming.length === 0) return plan;
  if (plan.totals.renew > 0) options.onDraft?.(plan);
  const buying = plan.decisions.filter((d) => d.action === 'renew').map((d) => d.domain);
  const asked = [...buying, ...plan.upcoming.map((u) => u.domain)];
  let beforeBalance: readonly Batch[] = open;
  const [firstBook, balanceRead] = await Promise.all([
    collectPrices(deps, policy, asked),
    // Announced renewals too: TopUpNeeded warns for them while their notice runs, not on the day they are due
    // (review 2026-12-07: a week's warning lost). The open batches are read again right before the balance: one
    // another run wrote since the listing, sent, charged and settled before the read after it, was in neither.
    buying.length > 0 || plan.upcoming.length > 0
      ? deps.ledger.listOpenBatches().then(async (batches) => {
          const unlisted = await readUnlistedBatches(
            deps,
            [...read.found.values(), ...known.found.values()],
            [...open, ...batches],
          );
          beforeBalance = unsettledInEither(open, [...batches, ...unlisted]);
          return readBalance(deps, policy);
        })
      : Promise.resolve(undefined),
  ]);
  // Sent and not charged yet, as of now: an overlapping run may have sent since the open batches were read at the
  // start (review 2026-12-03: two runs spent the same balance). One more read, only when a balance was read, with
  // what the reads before the balance still showed unsettled: an entry check settled meanwhile may have been charged
  // after the balance was read (review 2026-12-07: its money was spent again).
  const sentSince =
    balanceRead?.state === 'read' ? unsettledInEither(beforeBalance, await deps.ledger.listOpenBatches()) : open;
  // This run's own intents, taken ahead from its draft, are the spend its money pass decides: told by the attempt ids
  // this process wrote (runRenew's runClaims). Lambda may deliver one event twice under one request id: by run id,
  // the second delivery left out the first's orders, sent or not, and spent the balance again (review 2026-12-07).
  const own = (b: Batch) =>
    b.runId === options.runId &&
    b.submitStartedAtMs === undefined &&
    (deps.runClaims?.isRunAttempt(b.attemptId) ?? true);
  const others = sentSince.filter((b) => options.runId === undefined || !own(b));
  const balanceFor =
    balanceRead?.state === 'read'
      ? await readCommitted(deps, policy, balanceRead, others, domains, firstBook, nowMs, elsewhereApplied?.held)
      : () => balanceRead;
  let book = firstBook;
  const price = (draft: Plan, prices: PriceBook, kept = draftedKeys(draft)) =>
    applyMoney(draft, policy, {
      prices: prices.prices,
      premium: prices.premium,
      suspect: prices.suspect,
      balance: balanceFor(kept),
      unavailableSources: prices.unavailable,
    });
  let priced = price(plan, book);
  // The run's slots that the money pass left out (over-price, unpriced, low balance...) go to what the run cap kept
  // out: a domain the cap kept behind ones skipped for money every day waited for them until it lapsed (review
  // 2026-12-04). Each round prices only the domains it moves up. The run still buys at most maxDomainsPerRun: the
  // money pass only removes, and what it removed from a plan it removes again from a wider one (a skip for price
  // stays, and one for spend or balance only has more spent before it), so at least `left` of cap + left are
  // skipped; the ledger's day count, taken before each batch, bounds it in any case.
  const cap = policy.limits.maxDomainsPerRun;
  let leftBefore = 0;
  for (let round = 0; round < PROMOTION_ROUNDS; round++) {
    const renewing = plan.decisions.filter((d) => d.action === 'renew').length;
    const left = renewing - priced.decisions.filter((d) => d.action === 'renew').length;
    // Nothing left out, nothing waiting, or every domain moved up last round was bought: done.
    if (left === leftBefore || !priced.decisions.some((d) => d.reason === 'over-run-limit')) break;
    leftBefore = left;
    const wider = await planWithLedger(deps, policy, domains, open, held, nowMs, elsewhereApplied, read, cap + left);
    if (wider.decisions.filter((d) => d.action === 'renew').length <= renewing) break;
    const seen = new Set(asked.map((d) => d.domainName));
    const moved = wider.decisions.filter((d) => d.action === 'renew' && !seen.has(d.domain.domainName));
    asked.push(...moved.map((d) => d.domain));
    book = mergeBooks(
      book,
      await collectPrices(
        deps,
        policy,
        moved.map((d) => d.domain),
      ),
    );
    plan = wider;
    priced = price(plan, book);
  }
  // Another run's intent for a domain this run drafted was left to this run's money pass; one the pass then left
  // out (deferred, unpriced) may still be bought by that run: counted again, and the plan priced again, until
  // nothing more is left out (the pass only removes, so it settles; review 2026-12-05, round 4).
  for (let round = 0; round < PROMOTION_ROUNDS; round++) {
    const kept = draftedKeys(priced);
    if (sameBalance(balanceFor(kept), priced.money?.balance)) break;
    priced = price(plan, book, kept);
  }
  return priced;
}

/**
 * The claims of a plan's `in-flight` decisions that may be strays (sweep.ts isStray), the listed key's own and the
 * account's own under other readings of the expiry (a listing that cut it to the day): under a batch the open-batches
 * read listed, only those that are; under one it did not list (closed since, or written after the read), each, for
 * the release to read with its batch before it touches it. Claims that carry a TaskNo never are.
 */
function straysOf(plan: Plan, read: PlanRecord, open: readonly Batch[]): Claim[] {
  const byId = new Map(open.map((b) => [b.batchId, b]));
  const out = new Map<string, Claim>();
  for (const d of plan.decisions) {
    if (d.reason !== 'in-flight') continue;
    const key = claimKey(d.domain.domainName, d.domain.expiresAtMs);
    for (const claim of [read.found.get(key), ...(read.others.get(key) ?? [])]) {
      if (!claim || !isLive(claim) || claim.taskNo) continue;
      const batch = byId.get(claim.batchId);
      if (batch === undefined || isStray(claim, batch)) out.set(claimKey(claim.domain, claim.expiryMs), claim);
    }
  }
  return [...out.values()];
}

/**
 * The unsettled batches of live claims (another run's, read before the balance) that no open-batches read listed:
 * that read is a query of an index, which DynamoDB brings up to date a moment after a write (never a consistent
 * read), so an intent written just before it was missing, sent, charged and settled by the read after the balance,
 * and its money was spent again below limits.minBalanceAfter (review 2026-12-07, thirtieth session). Read by id
 * (consistent); none to read in a run without such claims.
 */
async function readUnlistedBatches(
  deps: Pick<JobDeps, 'ledger'>,
  claims: readonly Claim[],
  listed: readonly Batch[],
): Promise<Batch[]> {
  const known = new Set(listed.map((b) => b.batchId));
  const ids = new Set(claims.flatMap((c) => (isLive(c) && c.batchId && !known.has(c.batchId) ? [c.batchId] : [])));
  // Bounded, as every other fan-out of ledger calls: claims left live under closed batches add reads (its review).
  const batches = await mapWithLimit([...ids], LEDGER_CONCURRENCY, (id) => deps.ledger.getBatch(id));
  return batches.filter((b): b is Batch => b !== undefined && b.status !== 'CLOSED');
}

/** Whether a balance reading is the one a money pass used (its state, and the amount spoken for). */
function sameBalance(next: BalanceReading | undefined, used: PlanMoney['balance'] | undefined): boolean {
  if (next === undefined || used === undefined) return next === used;
  if (next.state !== used.state) return false;
  return (
    next.state !== 'read' || (next.committed?.minor ?? 0) === (used.state === 'read' ? (used.committed?.minor ?? 0) : 0)
  );
}

/** Unreadable listing rows named in the run's warning (the plan names each due one). */
const UNREADABLE_ROWS_LOGGED = 20;

/** Rounds of moving over-run-limit domains into the slots the money pass left (each prices only those moved up). */
const PROMOTION_ROUNDS = 3;

/** Two price books as one (the later one's answers win for a name both priced). */
function mergeBooks(a: PriceBook, b: PriceBook): PriceBook {
  return {
    prices: new Map([...a.prices, ...b.prices]),
    premium: new Set([...a.premium, ...b.premium]),
    suspect: new Set([...a.suspect, ...b.suspect]),
    unavailable: [...a.unavailable, ...b.unavailable],
  };
}

/** Claims read ahead: the keys read (found or not) and the claims found, by claimKey. */
interface KnownClaims {
  read: ReadonlySet<string>;
  found: ReadonlyMap<string, Claim>;
  /** Strays this run released (or would release), by their own claimKey: they replace what a read finds. */
  released?: ReadonlyMap<string, Claim>;
}

/** What a plan read (planWithLedger's `record`): the keys and claims, and the own claims under other readings. */
interface PlanRecord {
  read: Set<string>;
  found: Map<string, Claim>;
  /** By the listed key: the account's own claims of this cycle under other readings of the expiry. */
  others: Map<string, readonly Claim[]>;
  released?: ReadonlyMap<string, Claim>;
}

/** Keys gathered before a read is sent while the listing runs: a quarter of a BatchGet. */
const READ_AHEAD_KEYS = 25;

/**
 * Reads claims while the listing runs: each page is planned alone (no ledger data, no holds), and the claims of its
 * domains that reach the in-flight check are read, READ_AHEAD_KEYS at a time. Page by page that is a superset of the
 * final candidates (a held or twice-listed domain may be read for nothing), so the plan then reads only the few keys
 * left. Best effort: a failed read leaves its keys to the plan's own read. The claim write stays M1's guard; this
 * only moves a read off the critical path.
 */
function createClaimReadAhead(ledger: JobDeps['ledger'], policy: Policy, nowMs: number) {
  const queued = new Set<string>();
  const read = new Set<string>();
  const found = new Map<string, Claim>();
  const reads: Promise<void>[] = [];
  let pending: ClaimKey[] = [];
  const send = (keys: ClaimKey[]) =>
    reads.push(
      ledger.getClaims(keys).then(
        (claims) => {
          for (const k of keys) read.add(claimKey(k.domain, k.expiryMs));
          for (const c of claims) found.set(claimKey(c.domain, c.expiryMs), c);
        },
        () => {},
      ),
    );
  return {
    onPage(page: readonly ListedDomain[]): void {
      // Nothing here may fail the listing: a page that cannot be planned alone is left to the plan's own read.
      try {
        const draft = planRenewals({ domains: page, policy, nowMs, held: new Set(), inFlight: new Map() });
        for (const d of draft.decisions) {
          if (!AFTER_IN_FLIGHT.has(d.reason)) continue;
          const key = claimKey(d.domain.domainName, d.domain.expiresAtMs);
          if (queued.has(key)) continue;
          queued.add(key);
          pending.push({ domain: d.domain.domainName, expiryMs: d.domain.expiresAtMs });
        }
      } catch {
        return;
      }
      if (pending.length >= READ_AHEAD_KEYS) {
        send(pending);
        pending = [];
      }
    },
    /** Waits for the reads sent; the keys still gathered are left to the plan's own read. */
    async settled(): Promise<KnownClaims> {
      await Promise.all(reads);
      return { read, found };
    },
  };
}

/**
 * What earlier runs sent that the registrar may not have charged yet: the quoted price of every entry without an
 * outcome in an open batch whose submit started (a renewal task is charged when it executes, which can be hours
 * later; until then the balance still shows the money). Counting it keeps minBalanceAfter true across runs (review
 * 2026-12-03: a second run the same day spent the same balance again). If the registrar charged at the order
 * instead, this only holds back more than needed, and the digest shows the amount. A submit older than
 * UNCHARGED_SEND_DAYS is taken as charged or failed by now, so a
 * batch stuck for a person to settle does not hold the balance back for ever. An intent not started yet counts too,
 * at its planned prices, for a day from its creation: another run has claimed those domains and is about to send
 * them (review 2026-12-05, round 4: two overlapping runs spent the same balance, as the second saw the first's
 * domains in flight but not their cost). Its entries carry no price yet (claims are taken ahead of the prices):
 * `perYear` prices them, and those it cannot are returned as `unpriced`; entries whose claim key is in `drafted`
 * (the planning run's own renewals, which its money pass counts) are left out. Older than a day, its run has stopped
 * and check releases it. `open` must not hold the planning run's own intents.
 * @param nowMs epoch ms
 */
export function committedSpend(
  open: readonly Batch[],
  currency: string,
  nowMs: number,
  perYear: (domain: string) => Money | undefined = () => undefined,
  drafted: ReadonlySet<string> = new Set(),
  /** Batches sent before UNCHARGED_SEND_DAYS whose task is known not to have run yet: still counted. */
  stillQueued: ReadonlySet<string> = new Set(),
): { committed: Money; unpriced: string[] } {
  let minor = 0;
  const unpriced: string[] = [];
  const since = nowMs - UNCHARGED_SEND_DAYS * DAY_MS;
  for (const b of open) {
    if (b.status === 'CLOSED') continue;
    if (b.submitStartedAtMs !== undefined) {
      if (b.submitStartedAtMs < since && !stillQueued.has(b.batchId)) continue;
      for (const e of b.entries) if (!e.outcome && e.price?.currency === currency) minor += e.price.minor;
    } else if (isUnsentIntent(b, nowMs)) {
      for (const e of b.entries) {
        if (e.outcome || drafted.has(claimKey(e.domain, e.expiryMs))) continue;
        const price = e.price ?? (perYear(e.domain) ? timesMoney(perYear(e.domain) as Money, e.years) : undefined);
        if (price?.currency === currency) minor += price.minor;
        else unpriced.push(e.domain);
      }
    }
  }
  return { committed: { minor, currency }, unpriced };
}

/**
 * Days after its submit start that a sent batch's money is taken as charged (or its order failed) by now, unless
 * its task is known not to have run (no ran-task mark), up to QUEUED_SEND_DAYS: a task queued 8 days was dropped at
 * 7 and its money spent again (review 2026-12-07).
 */
const UNCHARGED_SEND_DAYS = 7;
const QUEUED_SEND_DAYS = 30;

/** The claim keys of a plan's renew decisions. */
function draftedKeys(plan: Plan): Set<string> {
  return new Set(
    plan.decisions.filter((d) => d.action === 'renew').map((d) => claimKey(d.domain.domainName, d.domain.expiresAtMs)),
  );
}

/**
 * The balance read, less what other runs have sent or are about to send (committedSpend), as a function of the claim
 * keys this run's plan buys. Another run's intent not started yet lists its domains unpriced (its claims are taken
 * ahead of its prices): they are priced here from the run's price book, or with one more price read for the names it
 * lacks (at most once a run). Those this run buys are left out: only one run can buy each, and this run's money pass
 * counts it (review 2026-12-05, round 4: counted twice, two runs over the same domains bought nothing); one this run
 * drafted and then left out counts again (the caller prices again). One this run cannot price costs
 * limits.maxPricePerDomain; without that limit the balance left is not known (`unreadable`: money.balanceUnreadable
 * decides), as the other run may have priced it (a price source refused this run is skipped for its rest).
 * Someone else's renewals still queued at the registrar (`queuedElsewhere`: foreign-tasks.ts `held`) are charged
 * when their tasks run: each one this run prices counts one year at that price; one it cannot price (outside the
 * listing, or no source prices it) counts at limits.maxPricePerDomain, or is named in a warning without that limit
 * (review 2026-12-07, twenty-seventh session: the balance read before their charge was spent again, past
 * minBalanceAfter). Never `unreadable` for them: such a task may wait in the queue for weeks, and a console renewal
 * of a name this tool could not price stopped every renewal of the account meanwhile.
 * @param nowMs epoch ms
 */
async function readCommitted(
  deps: Pick<JobDeps, 'registrar' | 'log' | 'ledger'>,
  policy: Policy,
  balance: Extract<BalanceReading, { state: 'read' }>,
  others: readonly Batch[],
  domains: readonly ListedDomain[],
  book: PriceBook,
  nowMs: number,
  queuedElsewhere: ReadonlySet<string> = new Set(),
): Promise<(kept: ReadonlySet<string>) => BalanceReading> {
  const listed = new Set(domains.map((d) => d.domainName));
  const lacking = new Set(
    others
      .filter((b) => isUnsentIntent(b, nowMs))
      .flatMap((b) => b.entries.filter((e) => !e.outcome && !e.price && !book.prices.has(e.domain)))
      .map((e) => e.domain),
  );
  for (const name of queuedElsewhere) if (listed.has(name) && !book.prices.has(name)) lacking.add(name);
  const more =
    lacking.size > 0
      ? await collectPrices(
          deps,
          policy,
          domains.filter((d) => lacking.has(d.domainName)),
        )
      : undefined;
  const perYear = (domain: string) => (book.prices.get(domain) ?? more?.prices.get(domain))?.perYear;
  const stillQueued = await readStillQueued(deps, others, nowMs);
  const cap = policyAmount(policy, policy.limits.maxPricePerDomain, 'limits.maxPricePerDomain');
  const warned = new Set<string>();
  const theirs = countQueuedElsewhere(queuedElsewhere, listed, perYear, policy.money.currency);
  if (theirs.unpriced.length > 0)
    deps.log.warn(
      `someone else's renewals still queued that this run cannot price: ${cap ? `counted at limits.maxPricePerDomain (${formatMoney(cap)}) each` : 'not counted against the balance (no limits.maxPricePerDomain); their charge may take the balance below limits.minBalanceAfter'}`,
      { domains: theirs.unpriced },
    );
  return (kept) => {
    const { committed: spoken, unpriced } = committedSpend(
      others,
      policy.money.currency,
      nowMs,
      perYear,
      kept,
      stillQueued,
    );
    const priced = {
      ...spoken,
      minor: spoken.minor + theirs.minor + (cap ? cap.minor * theirs.unpriced.length : 0),
    };
    const fresh = unpriced.filter((d) => !warned.has(d));
    for (const d of fresh) warned.add(d);
    if (fresh.length > 0)
      deps.log.warn(
        `another run is about to renew domains this run cannot price: ${cap ? `counted at limits.maxPricePerDomain (${formatMoney(cap)}) each` : 'the balance left is not known (no limits.maxPricePerDomain)'}`,
        { domains: fresh },
      );
    if (unpriced.length > 0 && !cap)
      return {
        state: 'unreadable',
        message: `another run is about to renew ${unpriced.join(', ')}, which this run cannot price (set limits.maxPricePerDomain to count them at it)`,
      };
    const committed = cap ? { ...priced, minor: priced.minor + cap.minor * unpriced.length } : priced;
    return committed.minor > 0 ? { ...balance, committed } : balance;
  };
}

/**
 * What someone else's queued renewals will cost: one year of each listed domain `perYear` prices (their years are not
 * read; one is the least an order costs), and the names it cannot price (outside the listing, or unpriced).
 */
function countQueuedElsewhere(
  queued: ReadonlySet<string>,
  listed: ReadonlySet<string>,
  perYear: (domain: string) => Money | undefined,
  currency: string,
): { minor: number; unpriced: string[] } {
  let minor = 0;
  const unpriced: string[] = [];
  for (const name of queued) {
    const price = listed.has(name) ? perYear(name) : undefined;
    if (price?.currency === currency) minor += price.minor;
    else unpriced.push(name);
  }
  return { minor, unpriced };
}

/** Another run's intent whose submit has not started, written within a day (no run lasts a day). */
function isUnsentIntent(b: Batch, nowMs: number): boolean {
  return b.status === 'INTENT' && b.submitStartedAtMs === undefined && b.createdAtMs >= nowMs - DAY_MS;
}

/**
 * The balance for the money pass: undefined without a billing port (tests that leave money out), `unreadable` when
 * the read fails. A balance in another currency than the policy's stops the run: amounts are never converted.
 */
async function readBalance(
  deps: Pick<JobDeps, 'billing' | 'log'>,
  policy: Policy,
): Promise<BalanceReading | undefined> {
  if (!deps.billing) return undefined;
  let balance: Balance;
  try {
    balance = await deps.billing.readBalance();
  } catch (err) {
    deps.log.warn('the account balance could not be read', describeError(err));
    return { state: 'unreadable', message: err instanceof Error ? err.message : String(err) };
  }
  if (balance.availableCash.currency !== policy.money.currency) {
    throw new InputError(
      `The account balance is in ${balance.availableCash.currency} but the policy's money.currency is ${policy.money.currency}; nothing was bought. Set money.currency to ${balance.availableCash.currency}.`,
      ...(balance.requestId ? [{ requestId: balance.requestId }] : []),
    );
  }
  return { state: 'read', availableCash: balance.availableCash };
}

/**
 * The account's own views of one cycle, under the listed key and under other readings of its expiry (most telling
 * first), as one: one that is not a failure decides (the listed key's first); all failures together are the cycle's
 * failures, their attempts summed (each key counts only its own submissions) and the latest backoff kept.
 */
export function combineOwnReadings(
  listed: InFlightView | undefined,
  others: readonly (InFlightView | undefined)[],
): InFlightView | undefined {
  const views = [listed, ...others].filter((v): v is InFlightView => v !== undefined);
  const [first, ...rest] = views;
  if (!first) return undefined;
  const standing = views.find((v) => v.status !== 'FAILED');
  if (standing) return standing;
  return rest.reduce((all, v) => ({ ...strictestFailure(all, v), attempts: all.attempts + v.attempts }), first);
}

/** Two FAILED views of one (domain, expiry) as one: the most attempts, the latest backoff, either's flags. */
function strictestFailure(a: InFlightView, b: InFlightView): InFlightView {
  const next = Math.max(a.nextEligibleAtMs ?? Number.NEGATIVE_INFINITY, b.nextEligibleAtMs ?? Number.NEGATIVE_INFINITY);
  return {
    status: 'FAILED',
    attempts: Math.max(a.attempts, b.attempts),
    ...(Number.isFinite(next) ? { nextEligibleAtMs: next } : {}),
    ...(a.alone || b.alone ? { alone: true } : {}),
    ...(a.shownRenewed || b.shownRenewed ? { shownRenewed: true as const } : {}),
  };
}

/** The plan with the ledger's view: a draft finds the domains that reach the in-flight check, only their claims are read. */
async function planWithLedger(
  deps: Pick<JobDeps, 'ledger' | 'peerClaims' | 'runClaims'>,
  policy: Policy,
  domains: readonly ListedDomain[],
  open: readonly Batch[],
  held: ReadonlySet<string>,
  nowMs: number,
  elsewhere?: RenewingElsewhere,
  known: KnownClaims = { read: new Set(), found: new Map() },
  runSlots?: number,
  /** Filled with every key read and every claim found (what a later plan of the same run may reuse). */
  record?: PlanRecord,
): Promise<Plan> {
  const base = {
    domains,
    policy,
    nowMs,
    held,
    ...(runSlots !== undefined ? { runSlots } : {}),
    ...(elsewhere
      ? {
          renewingElsewhere: elsewhere.held,
          renewedElsewhere: elsewhere.renewed,
          elsewhereUnread: elsewhere.unread.length > 0,
        }
      : {}),
  };
  const draft = planRenewals({ ...base, inFlight: new Map() });
  const candidates = draft.decisions.filter((d) => AFTER_IN_FLIGHT.has(d.reason)).map((d) => d.domain);
  const lapsing = draft.decisions.filter(isLapsingBeforeInFlight).map((d) => d.domain);
  // The strays this run released stand for what a read finds (a plan without writes reads them live still).
  const asReleased = (c: Claim) => known.released?.get(claimKey(c.domain, c.expiryMs)) ?? c;
  const claims = new Map<string, Claim>([...known.found].map(([k, c]) => [k, asReleased(c)]));
  const keys = [...candidates, ...lapsing]
    .filter((d) => !known.read.has(claimKey(d.domainName, d.expiresAtMs)))
    .map((d) => ({ domain: d.domainName, expiryMs: d.expiresAtMs }));
  // Notices matter for what would be bought now and for what the notice announces ahead of its due date.
  const announced = noticeDaysOf(policy) > 0 ? [...candidates, ...draft.upcoming.map((u) => u.domain)] : [];
  const listedKeys = candidates.map((d) => ({ domain: d.domainName, expiryMs: d.expiresAtMs }));
  const [found, notices, peers, ownOtherRead] = await Promise.all([
    deps.ledger.getClaims(keys),
    readNotices(deps.ledger, announced),
    readPeerClaims(deps, listedKeys),
    readOwnOtherReadings(deps.ledger, deps.runClaims, [
      ...listedKeys,
      ...lapsing.map((d) => ({ domain: d.domainName, expiryMs: d.expiresAtMs })),
    ]),
  ]);
  for (const c of found) claims.set(claimKey(c.domain, c.expiryMs), asReleased(c));
  const ownOther = new Map([...ownOtherRead].map(([k, cs]) => [k, cs.map(asReleased)]));
  if (record) {
    for (const k of [...known.read, ...keys.map((k) => claimKey(k.domain, k.expiryMs))]) record.read.add(k);
    for (const [k, c] of claims) record.found.set(k, c);
    for (const [k, cs] of ownOther) record.others.set(k, cs);
  }
  const live = renewalsInFlight(open);
  const renewedOpen = renewedUnderOpen(open);
  const inFlight = new Map<string, InFlightView>();
  for (const d of candidates) {
    const key = claimKey(d.domainName, d.expiresAtMs);
    // Our own claims of this cycle under other readings (a listing that cut the expiry to the day) decide with the
    // listed key's own (review 2026-12-07: a renewed domain was bought again; then, a failure at the listed key hid
    // the renewal under the other reading, and failures under two readings were retried past maxAttempts).
    const view = combineOwnReadings(
      viewOf(d.expiresAtMs, claims.get(key), live.get(d.domainName)),
      (ownOther.get(key) ?? []).map((c) => viewOf(c.expiryMs, c, undefined)),
    );
    const peer = peers.get(key);
    const peerRead = peer && viewOf(d.expiresAtMs, peer, undefined);
    // Both failed: the stricter of the two decides (the higher attempt count, the later backoff), so one account's
    // failure is not retried early, or past its limits, by another (review 2026-12-06, round 4).
    const peerView =
      peerRead && view?.status === 'FAILED' && peerRead.status === 'FAILED'
        ? strictestFailure(view, peerRead)
        : peerRead;
    // Another account's live or renewed claim outranks our own finished one: the claim an account released when
    // another account of its run took the domain (JobDeps.runClaims) made it due again here the next day.
    // Our own renewal of this cycle, its expiry read a little differently by a lagging listing: renewed, not due,
    // whatever a failure (or release) under the listed key says (review 2026-12-07, twenty-sixth session).
    const renewedByUs =
      elsewhere?.renewedByUs.has(d.domainName) ||
      (renewedOpen.get(d.domainName) ?? []).some((e) => isReadDifferently(d.expiresAtMs, e));
    if (view && !(view.status === 'FAILED' && (peerView || renewedByUs))) inFlight.set(key, view);
    else if (renewedByUs) inFlight.set(key, { status: 'RENEWED', attempts: 0 });
    else {
      // Our own task's claim of this cycle whose row did not succeed: it decides, as the listed key's own would.
      const own = elsewhere?.ownCycle.get(d.domainName);
      const ownView = own && viewOf(own.expiryMs, own, undefined);
      if (ownView) inFlight.set(key, ownView);
      else if (peerView) inFlight.set(key, peerView);
    }
  }
  const plan = inFlight.size === 0 && notices.size === 0 ? draft : planRenewals({ ...base, inFlight, notices });
  return lapsing.length === 0 ? plan : markOwnRenewals(plan, claims, ownOther, live, renewedOpen);
}

/**
 * A due domain the plan leaves to lapse for a reason it decides before the in-flight check (premium, past-window,
 * registrar-auto-renew, ...), within the will-lapse lines' reach (30 days): its own claim is read too.
 */
function isLapsingBeforeInFlight(d: Plan['decisions'][number]): boolean {
  return (
    d.action === 'skip' &&
    !AFTER_IN_FLIGHT.has(d.reason) &&
    WILL_LAPSE_REASONS.includes(d.reason) &&
    d.daysLeft <= Math.max(...WILL_LAPSE_THRESHOLDS_DAYS)
  );
}

/**
 * The plan with `ownRenewal` on each such decision whose renewal this account sent is still in flight (an open
 * batch's unsettled entry, a live claim) or recorded renewed (a RENEWED claim or open-batch entry of this expiry):
 * its will-lapse line then says to look first. A bare "renew it by hand" while our order waited in Alibaba's queue
 * bought the expiry twice once the order ran: a policy edit (allowPremium, the window, registrarAutoRenew) or the
 * window's end passing while it was queued (review 2026-12-07, twenty-eighth session).
 */
function markOwnRenewals(
  plan: Plan,
  claims: ReadonlyMap<string, Claim>,
  ownOther: ReadonlyMap<string, readonly Claim[]>,
  live: ReadonlyMap<string, number>,
  renewedOpen: ReadonlyMap<string, number[]>,
): Plan {
  const ownRenewalOf = (d: Plan['decisions'][number]): Plan['decisions'][number]['ownRenewal'] => {
    const { domainName, expiresAtMs } = d.domain;
    const key = claimKey(domainName, expiresAtMs);
    // The listed key's own claim, and the account's own of this cycle under other readings (a listing that cut the
    // expiry to the day: the review of this fix found a recorded renewal told bare "renew it by hand" again).
    const own = [claims.get(key), ...(ownOther.get(key) ?? [])].filter((c): c is Claim => c !== undefined);
    if (live.has(domainName) || own.some(isLive)) return 'in-flight';
    // A failed row the registrar showed renewed all the same (check's `renewed-elsewhere`) is renewed too: told bare
    // "renew it by hand", a person bought the expiry again (review of the look-first line, 2026-12-07).
    const renewed =
      own.some((c) => c.status === 'RENEWED' || (c.status === 'FAILED' && c.code === RENEWED_ELSEWHERE_CODE)) ||
      (renewedOpen.get(domainName) ?? []).some((e) => e === expiresAtMs || isReadDifferently(expiresAtMs, e));
    return renewed ? 'renewed' : undefined;
  };
  const decisions = plan.decisions.map((d) => {
    const own = isLapsingBeforeInFlight(d) ? ownRenewalOf(d) : undefined;
    return own ? { ...d, ownRenewal: own } : d;
  });
  return { ...plan, decisions };
}

/**
 * The open batches of the read after the balance, with the entries the read before it still showed unsettled: an
 * entry settled (or a batch closed) between the two reads may have been charged after the balance was read. One
 * charged before it is then counted twice, which only holds back more.
 */
export function unsettledInEither(before: readonly Batch[], after: readonly Batch[]): Batch[] {
  const later = new Map(after.map((b) => [b.batchId, b]));
  const merged: Batch[] = [];
  for (const b of before) {
    // An intent too: its run may send it, its task run (charged) and check settle it between the two reads (review
    // 2026-12-07, twenty-sixth session). Gone or closed by then, it counts as the unsent intent it was read as.
    if (b.status === 'CLOSED') continue;
    const now = later.get(b.batchId);
    later.delete(b.batchId);
    const openThen = new Set(b.entries.filter((e) => !e.outcome).map((e) => e.domain));
    if (!now || now.status === 'CLOSED') {
      merged.push({ ...b, entries: b.entries.filter((e) => !e.outcome) });
      continue;
    }
    merged.push({
      ...now,
      entries: now.entries.map((e) => {
        if (!openThen.has(e.domain) || !e.outcome) return e;
        const { outcome: _settled, ...open } = e;
        return open;
      }),
    });
  }
  return [...merged, ...later.values()];
}

/**
 * The batches sent UNCHARGED_SEND_DAYS to QUEUED_SEND_DAYS ago whose task has no ran-task mark (check puts it once the
 * task's rows have run): not charged yet, so still counted. Unread marks count every such batch, and so does one
 * with no TaskNo (an unknown submit still open: no mark can say its task ran; review 2026-12-07, twenty-sixth
 * session: its money stopped counting at 7 days).
 */
async function readStillQueued(
  deps: Pick<JobDeps, 'ledger'>,
  open: readonly Batch[],
  nowMs: number,
): Promise<Set<string>> {
  const old = open.filter(
    (b) =>
      b.status !== 'CLOSED' &&
      b.submitStartedAtMs !== undefined &&
      b.submitStartedAtMs < nowMs - UNCHARGED_SEND_DAYS * DAY_MS &&
      b.submitStartedAtMs >= nowMs - QUEUED_SEND_DAYS * DAY_MS,
  );
  if (old.length === 0) return new Set();
  const withTask = old.filter((b) => b.taskNo !== undefined);
  const ran = withTask.length
    ? await deps.ledger
        .getMarks(withTask.map((b) => ranTaskMark(b.taskNo ?? '')))
        .catch(() => new Map<string, number>())
    : new Map<string, number>();
  return new Set(old.filter((b) => b.taskNo === undefined || !ran.has(ranTaskMark(b.taskNo))).map((b) => b.batchId));
}
