import { randomUUID } from 'node:crypto';
import type { Batch } from '../ledger/port';
import { describeError } from '../log';
import type { DomainOutcome } from '../notify/port';
import { CHECK_SILENT_LAPSE_PREFIX } from '../notify/text/advice';
import type { Policy } from '../policy/schema';
import { costOf, utcDay } from '../renewal/budgets';
import { DAY_MS, HOUR_MS } from '../renewal/dates';
import type { JobDeps } from '../renewal/deps';
import { surveyInventory } from '../renewal/inventory';
import { describeMoney } from '../renewal/money-notices';
import { renderPlanDigest } from '../renewal/plan-digest';
import type { Plan } from '../renewal/plan-types';
import { collectHeldBack, type LineMark, marksToRead, selectRunLines } from '../renewal/run-notices';
import { type RenewRun, runRenew } from '../renewal/run-renew';
import { createOutOfTime } from '../renewal/time-margin';
import { watchListing } from '../renewal/watch';
import { pickCounts, RENEW_COUNTS } from './counts';
import { type RunReport, reportRun, reportRunFailure } from './report-run';
import { describeSilence, firstRunMark, measureSilence, readFirstRun } from './silence';

/**
 * The renew job as scheduled: run (renewal/run-renew.ts), then report it (report-run.ts): the digest of its
 * batches, or in a dry run the plan digest marked DRY RUN; metrics; the run record.
 * Throws JobFailedError at the end when a TaskNo was not recorded, a batch failed on our side, or the digest did not
 * go out (its message says how many domains were submitted all the same).
 */
export async function executeRenew(
  deps: JobDeps,
  options: {
    policy: Policy;
    dryRun: boolean;
    runId?: string;
    /** How long before the platform's deadline to stop starting batches, ms. */
    timeMarginMs?: number;
    /** See runRenew: checks the fresh plan before anything is bought (`renew --plan`, a confirmed plan). */
    guard?: (plan: Plan) => void;
    /** See runRenew: the global cap across accounts and this account's fair share of it. */
    global?: { cap: number; share: (demand: number) => Promise<number> };
  },
): Promise<RenewRun & { notified: boolean }> {
  const runId = options.runId ?? randomUUID();
  const startedAtMs = deps.clock.now();
  // A guard's refusal (the saved or confirmed plan moved: nothing bought) is the command's answer to a person, who
  // reads it on the terminal; reported as a failed run, it paged "the renew run failed ... renew it by hand" for
  // the domains another run was buying (review 2026-12-07, thirtieth session).
  let refused: unknown;
  const { guard } = options;
  const watched = guard
    ? (plan: Plan) => {
        try {
          guard(plan);
        } catch (err) {
          refused = err;
          throw err;
        }
      }
    : undefined;
  try {
    const run = await runRenew(deps, { ...options, runId, ...(watched ? { guard: watched } : {}) });
    const report = options.dryRun ? dryRunReport(run) : await liveReport(deps, run, options.policy);
    const { notified } = await reportRun(deps, options.policy, { ...report, runId, startedAtMs });
    return { ...run, notified };
  } catch (err) {
    if (refused === undefined || err !== refused)
      await reportRunFailure(deps, { job: 'renew', runId, startedAtMs, policy: options.policy }, err);
    throw err;
  }
}

type Report = Omit<RunReport, 'runId' | 'startedAtMs'>;

/** A dry run publishes its plan digest: what a real run would buy and what it would not. It records no money. */
function dryRunReport(run: RenewRun): Report {
  return {
    job: 'renew',
    notices: { kind: 'message', message: renderPlanDigest(run.plan, { runId: run.summary.runId }) },
    requireDelivery: false,
    counts: pickCounts(RENEW_COUNTS, run.summary),
    metrics: {},
    failures: [],
  };
}

async function liveReport(deps: JobDeps, run: RenewRun, policy: Policy): Promise<Report> {
  const { summary, plan } = run;
  // The batches as stored: the ledger, not this run's memory, says which notices are still pending.
  const ids = summary.batches.map((b) => b.batchId).filter((id) => id !== '-');
  const checkSilentMark = `check-silent#${utcDay(plan.nowMs)}`;
  const watchFullMark = `watch-full#${utcDay(plan.nowMs)}`;
  const inventoryMark = `inventory-trouble#${utcDay(plan.nowMs)}`;
  const [storedRead, sentRead, checkRead, watchedRead] = await Promise.allSettled([
    Promise.all(ids.map((id) => deps.ledger.getBatch(id))),
    deps.ledger.getMarks([...marksToRead(plan), checkSilentMark, watchFullMark, inventoryMark, firstRunMark('renew')]),
    deps.ledger.lastRun('check'),
    // The weekly whole-account listing first: the names that left it are watched from this run on.
    surveyInventory(deps, policy, plan.nowMs, createOutOfTime(deps)).then(async (inventory) => {
      const watch = await watchListing(deps, plan, createOutOfTime(deps), policy, inventory.left, inventory.relisted);
      // Stored only once the list that watches what left is stored, holding each of them: stored before it, a failed
      // watch write lost those names, and so did a full list that cut them (reviews of the weekly inventory).
      if (!watch.unstored && inventory.left.every((e) => !watch.cut.has(e.domain))) await inventory.store?.(watch.gone);
      // One line a domain: the watch's own (its look-up's finding) wins over "it left the listing", and none for one
      // found renewed (its "lapses" line was false: the soak of a listing that hides domains).
      const told = new Set([...watch.outcomes.map((o) => o.domain), ...watch.renewed]);
      return {
        ...watch,
        outcomes: [...inventory.outcomes.filter((o) => !told.has(o.domain)), ...watch.outcomes],
        // A "left" line left out still has its mark written with the digest: else the next inventory told it.
        marks: [
          ...inventory.marks.map((m) =>
            m.covers.every((o) => !told.has(o.domain)) ? m : { mark: m.mark, covers: [] },
          ),
          ...watch.marks,
        ],
        ...(inventory.trouble ? { inventoryTrouble: inventory.trouble } : {}),
      };
    }),
  ]);
  // A read that fails (after the client's retries) does not cost the digest: its will-lapse, deferred and upcoming
  // lines live in this run's plan only, and a generic "job error" in their place left a 1-day will-lapse line to the
  // next run, after the expiry (review 2026-12-04). Without the batches, their lines stay pending on the ledger for
  // the hourly check; without the marks, a line already sent may come again. The run then fails loudly.
  const unread: string[] = [];
  for (const [what, read] of [
    ["the run's batches", storedRead],
    ['the one-time notice marks', sentRead],
  ] as const) {
    if (read.status === 'fulfilled') continue;
    unread.push(what);
    deps.log.error(
      `${what} could not be read back for the digest; it goes out without them`,
      describeError(read.reason),
    );
  }
  const stored = storedRead.status === 'fulfilled' ? storedRead.value : [];
  const sent = sentRead.status === 'fulfilled' ? sentRead.value : new Map<string, number>();
  // An unknown outcome whose UNKNOWN write failed: its stored batch (as the submit start left it) carries no notice,
  // so the alert is added here; once published it is marked sent on that batch. The run also fails loudly.
  const unrecorded = new Map(summary.batches.filter((b) => b.notRecorded).map((b) => [b.batchId, b]));
  // An accepted submit whose TaskNo write failed (batch and claims): its stored batch still reads as not sent, so the
  // digest would not name the TaskNo, and a task list that lags past the release rule never gives it back (review
  // 2026-12-06, round 9). Shown as submitted with its TaskNo; marking the notice sent writes that to the batch.
  const taskNoLost = new Map(
    summary.batches.filter((b) => b.status === 'not-recorded' && b.taskNo).map((b) => [b.batchId, b.taskNo as string]),
  );
  const batches = stored.flatMap((b) => {
    const taskNo = b && taskNoLost.get(b.batchId);
    if (b && taskNo && !b.taskNo) {
      return [
        {
          ...b,
          status: 'SUBMITTED' as const,
          taskNo,
          ...(b.submitStartedAtMs !== undefined ? { submittedAtMs: b.submitStartedAtMs } : {}),
          pendingNotices: [...new Set([...b.pendingNotices, 'submitted' as const])],
        },
      ];
    }
    const lost = b && unrecorded.get(b.batchId);
    if (!b || !lost || b.pendingNotices.includes('unknown')) return b ? [b] : [];
    return [
      { ...b, pendingNotices: [...b.pendingNotices, 'unknown' as const], error: { message: lost.message ?? '' } },
    ];
  });
  const silence =
    checkRead.status === 'fulfilled' && sentRead.status === 'fulfilled' && !sent.has(checkSilentMark)
      ? describeCheckSilence(
          measureSilence(checkRead.value, await readFirstRun(deps.ledger, 'renew', sent, plan.nowMs), plan.nowMs),
          plan.nowMs,
        )
      : undefined;
  const watched: {
    outcomes: DomainOutcome[];
    marks: LineMark[];
    notes: string[];
    unstored?: true;
    inventoryTrouble?: string;
  } = watchedRead.status === 'fulfilled' ? watchedRead.value : { outcomes: [], marks: [], notes: [] };
  // A full watch list, once a UTC day, as the digest's error: a note alone went out only with a digest that had
  // something else to say, and a policy that e-mails trouble only heard nothing while a renewal the list left out
  // lapsed unnamed (review 2026-12-07, twenty-seventh session). Later the same day it stays a note.
  const full = sentRead.status === 'fulfilled' && !sent.has(watchFullMark) && watched.notes.length > 0;
  // The inventory's trouble likewise: as a note it went out only with a digest that had something else to say, and
  // a quiet account heard nothing while the listing failed for weeks (its review).
  const inventoryTrouble =
    sentRead.status === 'fulfilled' && !sent.has(inventoryMark) ? watched.inventoryTrouble : undefined;
  const error = combineErrors([
    ...(silence ? [silence] : []),
    ...(full ? [{ message: watched.notes.join(' '), fix: WATCH_FULL_FIX }] : []),
    // E-mailed, not paged: the safety net is off, but nothing is due because of it (a daily SMS for a throttled
    // listing would teach people to ignore the pages that matter).
    ...(inventoryTrouble ? [{ message: inventoryTrouble, fix: INVENTORY_FIX, quiet: true }] : []),
  ]);
  const dailyMarks = [
    ...(silence ? [checkSilentMark] : []),
    ...(full ? [watchFullMark] : []),
    ...(inventoryTrouble ? [inventoryMark] : []),
  ];
  const lines = withUnconfirmed(
    withWatched(withHeldBack(selectRunLines(plan, sent), collectHeldBack(run.heldBack, plan.nowMs)), watched),
    silence ? lapsingInFlight(plan) : [],
  );
  // Unread, what was sent is not known here: "submitted 0.00" beside a renewal just bought would mislead.
  const submitted = storedRead.status === 'fulfilled' ? submittedCost(batches) : undefined;
  return {
    job: 'renew',
    notices: {
      kind: 'digest',
      input: {
        // The notice marks are written only once the digest is out: their time starts the notice period.
        extra: { ...lines, marks: [...lines.marks, ...dailyMarks.map((mark) => ({ mark, covers: [] }))] },
        ...(error ? { error } : {}),
        batches,
        totals: {
          listed: summary.listed,
          planned: summary.planned,
          deferred: summary.deferred,
          skipped: summary.skipped,
          ...(summary.overBudget ? { overBudget: summary.overBudget } : {}),
          ...(summary.overMonthSpend ? { overMonthSpend: summary.overMonthSpend } : {}),
        },
        notes: [
          ...describeMoney(plan.money, submitted),
          ...describeUrgent(plan),
          ...(full ? [] : watched.notes),
          ...(watched.unstored ? [WATCH_UNSTORED_NOTE] : []),
        ],
      },
    },
    // A digest that did not go out fails the run loudly (JobErrors): its batch lines stay pending for the next check,
    // but its will-lapse, deferred, upcoming and elsewhere lines live in this run's plan only (review 2026-12-03: an
    // SNS hiccup delayed a 1-day will-lapse SMS by a day with no alarm). The next renew run sends them again.
    requireDelivery: true,
    counts: pickCounts(RENEW_COUNTS, summary),
    metrics: moneyMetrics(plan, submitted),
    failures: [
      ...(unread.length > 0 ? [`the digest was sent without ${unread.join(' and ')} (a ledger read failed)`] : []),
      ...(summary.taskNoNotRecorded
        ? [
            `${summary.taskNoNotRecorded} TaskNo(s) not recorded on the ledger (${[...taskNoLost].map(([batchId, taskNo]) => `TaskNo ${taskNo}, batch ${batchId}`).join('; ')}): keep them; check adopts each from the task list once it shows there`,
          ]
        : []),
      ...(summary.errors ? [`${summary.errors} batch(es) failed on our side`] : []),
      ...(run.straysLeft
        ? [
            `${run.straysLeft} claim(s) a sent batch left out (held back, not sent) could not be released or read: planned in flight until one is`,
          ]
        : []),
      ...(watched.unstored ? ['the watch list could not be stored (a ledger write failed)'] : []),
      ...(unrecorded.size
        ? [`${unrecorded.size} batch(es) with an unknown outcome not recorded as such on the ledger`]
        : []),
    ],
    ...(run.stoppedBy ? { stoppedBy: run.stoppedBy } : {}),
  };
}

/** Told when the watch list could not be stored (watch.ts watchListing `unstored`); the run also fails loudly. */
const WATCH_UNSTORED_NOTE =
  'Watch list not stored (a ledger write failed): the renewals due or announced this run are not watched until a run stores the list; one the listing stops showing before then (a RAM policy scoped to a resource group, a listing filter) would not be named before it lapses. Look at the domains above in the console if this repeats.';

/** What to do when the weekly inventory is not taken or not read (its message: inventory.ts). */
const INVENTORY_FIX =
  "look at the renew function's logs for the whole-account listing (a throttled or slow QueryDomainList, the function's timeout) or the ledger read; it is tried again every run";

/** What to do about a full watch list (its message: watch.ts). */
const WATCH_FULL_FIX =
  'make sure QueryDomainList lists every domain of the account (the RAM policy of the key, resource groups); the list holds the renewals expiring first, and frees room as they are bought';

/** Several once-a-day errors of the renew digest as its one error (undefined: none). */
function combineErrors(
  errors: readonly { message: string; fix?: string; quiet?: boolean }[],
): { message: string; fix?: string; quiet?: boolean } | undefined {
  if (errors.length <= 1) return errors[0];
  const fixes = errors.flatMap((e) => (e.fix ? [e.fix] : []));
  return {
    message: errors.map((e) => e.message).join(' '),
    ...(fixes.length > 0 ? { fix: fixes.join('; ') } : {}),
    // Quiet (told by email, paging no one) only when each of them is.
    ...(errors.every((e) => e.quiet) ? { quiet: true } : {}),
  };
}

/** How long without a finished check run before the renew digest says so, ms (check runs hourly). */
const CHECK_SILENT_AFTER_MS = 6 * HOUR_MS;

/**
 * Renew leaves domains in flight to check (no will-lapse line for them): when check stops running (its schedule
 * off), a renewal that failed at the registrar stays "in flight" and lapses after the one e-mail of its heartbeat
 * alarm (review 2026-12-05, round 4). The renew digest says so, once a UTC day, as its error (an alert): 6 h after the
 * last check run, or, with none recorded, after renew's own first run here (review 2026-12-07: a check schedule
 * disabled from the deploy on was never told); at once when the record is dated in the future (silence.ts).
 * @param nowMs epoch ms
 */
function describeCheckSilence(silence: ReturnType<typeof measureSilence>, nowMs: number) {
  const message = describeSilence(
    'check',
    'renew',
    silence,
    nowMs,
    CHECK_SILENT_AFTER_MS,
    'renewals sent are not confirmed, and one that failed is neither retried nor told',
  );
  if (message === undefined) return undefined;
  return {
    message,
    fix: 'look at the check function: its schedule (enabled?), its reserved concurrency (0 stops it), its errors and timeouts in CloudWatch; run `autorenew status` to see the renewals in flight',
  };
}

/**
 * Renewals in flight (left to check) that expire within CHECK_SILENT_LAPSE_MS, as urgent "look first" will-lapse
 * lines, told with the check-silence error (once a UTC day): that error named no domain, and a renewal that failed at
 * the registrar lapsed before the next renew run while check was down, its first line after the expiry (review
 * 2026-12-07, thirtieth session).
 */
function lapsingInFlight(plan: Plan): DomainOutcome[] {
  // One confirmed already, its listing lagging (held in flight so it is not bought twice), is no lapse: the claim that
  // held it says so (the review of this line: paged "will lapse" for a renewed domain; the next review: the renewed
  // claim was another account's, or ours under the expiry read to the day, and a read of the listed key missed it).
  const soon = plan.decisions.filter(
    (d) =>
      d.reason === 'in-flight' && d.claimRenewed !== true && d.domain.expiresAtMs - plan.nowMs < CHECK_SILENT_LAPSE_MS,
  );
  return soon.map((d) => ({
    domain: d.domain.domainName,
    event: 'will-lapse' as const,
    batchId: '-',
    oldExpiryMs: d.domain.expiresAtMs,
    years: 0,
    daysLeft: Math.floor((d.domain.expiresAtMs - plan.nowMs) / DAY_MS),
    urgent: true as const,
    reason: `${CHECK_SILENT_LAPSE_PREFIX} (see the error): its renewal may have failed, or may still run; look at its task in the console, and renew it by hand only if the task shows it failed and the old expiry stands`,
  }));
}

/** How soon an unconfirmed renewal in flight expires to be named while check is silent: before the next renew run. */
const CHECK_SILENT_LAPSE_MS = 2 * DAY_MS;

/** `lines` plus `lapsing` (lapsingInFlight), which replace any other line of their domains. */
function withUnconfirmed(
  lines: ReturnType<typeof selectRunLines>,
  lapsing: readonly DomainOutcome[],
): ReturnType<typeof selectRunLines> {
  if (lapsing.length === 0) return lines;
  const names = new Set(lapsing.map((o) => o.domain));
  return { ...lines, outcomes: [...lines.outcomes.filter((o) => !names.has(o.domain)), ...lapsing] };
}

/**
 * The run's lines plus the held-back ones: a held-back domain's own lines (collectHeldBack: its deferred line, and a
 * will-lapse line when the budget's next period comes too late) replace any other line of it.
 */
function withHeldBack(
  lines: ReturnType<typeof selectRunLines>,
  heldBack: ReturnType<typeof collectHeldBack>,
): ReturnType<typeof selectRunLines> {
  if (heldBack.length === 0) return lines;
  const names = new Set(heldBack.map((o) => o.domain));
  return { ...lines, outcomes: [...lines.outcomes.filter((o) => !names.has(o.domain)), ...heldBack] };
}

/** The lines of the watch list (renewal/watch.ts): domains the listing no longer shows are not in the plan's. */
function withWatched(
  lines: ReturnType<typeof selectRunLines>,
  watched: Pick<Awaited<ReturnType<typeof watchListing>>, 'outcomes' | 'marks'>,
): ReturnType<typeof selectRunLines> {
  return { outcomes: [...lines.outcomes, ...watched.outcomes], marks: [...lines.marks, ...watched.marks] };
}

/** Domains bought before their advance notice ran its course, because they would have lapsed first. */
function describeUrgent(plan: Plan): string[] {
  const urgent = plan.decisions.filter((d) => d.action === 'renew' && d.withoutFullNotice);
  if (urgent.length === 0) return [];
  const names = urgent.map((d) => d.domain.domainName);
  return [
    `Bought without the full advance notice, because they would lapse first: ${names.slice(0, 10).join(', ')}${names.length > 10 ? ` and ${names.length - 10} more` : ''}.`,
  ];
}

/** Quoted cost of what this run sent (batches that reached the submit), integer minor units. */
function submittedCost(batches: readonly Batch[]): number {
  // A refused entry (FAILED or NOT_SUBMITTED at submit) was sent but not bought: not money submitted.
  const sent = (b: Batch) => b.entries.filter((e) => e.outcome !== 'FAILED' && e.outcome !== 'NOT_SUBMITTED');
  return batches.filter((b) => b.submitStartedAtMs !== undefined).reduce((sum, b) => sum + costOf(sent(b)), 0);
}

/**
 * Money metrics, integer minor units of the policy's currency: what was planned and sent, the balance, and what the
 * balance lacks for everything due (the low-balance alarm fires when that is above 0).
 */
function moneyMetrics(plan: Plan, submitted: number | undefined): Record<string, number> {
  const money = plan.money;
  if (!money) return {};
  return {
    SpendQuoted: money.total.minor,
    ...(submitted === undefined ? {} : { SpendSubmitted: submitted }),
    TopUpNeeded: money.shortfall?.minor ?? 0,
    ...(money.balance.state === 'read' ? { Balance: money.balance.availableCash.minor } : {}),
  };
}
