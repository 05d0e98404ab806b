import { type Batch, type Claim, PENDING_NOTICES, type PendingNotice } from '../ledger/port';
import { describeError } from '../log';
import { TargetsPendingError } from '../notify/fanout';
import type { Digest, DomainOutcome, Notifier, RenderedMessage } from '../notify/port';
import { UNKNOWN_LAPSE_PREFIX } from '../notify/text/advice';
import { resolveRule } from '../policy/match';
import type { Policy } from '../policy/schema';
import { FIXABLE_CODE, isCouponSent, RENEWED_ELSEWHERE_CODE } from './claims';
import { CLOSED_BY_HAND, ROW_RENEWED_NOTE } from './close-batch';
import { DAY_MS, daysUntil, formatDateUtc, HOUR_MS } from './dates';
import type { JobDeps } from './deps';
import { renderDigest } from './digest';
import { hasNote, TASK_SAYS_RENEWED } from './entry-notes';
import { isRetryTooLate, lastBuyMsOf, storedLastBuyMs } from './plan';
import { REASONS } from './plan-types';
import type { LineMark } from './run-notices';

/** The per-domain lines one pending notice of a batch contributes to a digest (`nowMs` for days left). */
export function outcomesForNotice(batch: Batch, notice: PendingNotice, nowMs: number): DomainOutcome[] {
  const base = (e: Batch['entries'][number]) => ({
    domain: e.domain,
    batchId: batch.batchId,
    oldExpiryMs: e.expiryMs,
    years: e.years,
    ...(batch.taskNo ? { taskNo: batch.taskNo } : {}),
    ...(e.price ? { price: e.price } : {}),
    ...(e.price && e.priceAssumed ? { priceAssumed: true as const } : {}),
    ...(isCouponSent(batch) ? { couponSent: true as const } : {}),
  });
  const open = batch.entries.filter((e) => !e.outcome);
  switch (notice) {
    case 'submitted':
      return batch.entries.map((e) => ({ ...base(e), event: 'submitted' }));
    case 'unknown':
      return batch.entries.map((e) => ({
        ...base(e),
        event: 'unknown',
        reason: batch.error?.message ?? 'submit outcome unknown',
      }));
    case 'stuck':
      return open.map((e) => {
        // Close to the expiry a stuck task is urgent: the line says how close (review 2026-12-03).
        // An entry whose expiry moved oddly says so, with no countdown to an expiry that is no longer the one shown.
        const moved = batch.movedExpiries?.find((m) => m.domain === e.domain);
        if (moved) {
          return {
            ...base(e),
            event: 'stuck' as const,
            reason: `its expiry moved to ${formatDateUtc(moved.expiryMs)}, not to old + years: look at the domain in the console, then close the batch (autorenew close-batch)`,
          };
        }
        const daysLeft = Math.floor((e.expiryMs - nowMs) / DAY_MS);
        // An open entry's message is what check's last look found (check.ts TASK_SAYS_RENEWED, NOT_IN_ACCOUNT): it
        // says what to do itself, so no "look the task up" after it.
        const note = e.outcome ? undefined : e.message;
        const why = note ?? batch.error?.message ?? 'task not finished in time';
        const when = describeWhenItExpires(e.expiryMs, nowMs);
        return {
          ...base(e),
          event: 'stuck' as const,
          ...(daysLeft <= STUCK_DAYS_SHOWN ? { daysLeft } : {}),
          reason:
            daysLeft > STUCK_URGENT_DAYS
              ? why
              : note
                ? `${note}; ${when}${hasNote(e, TASK_SAYS_RENEWED) ? ': look at the domain in the console now; if it still shows the old expiry, ask Alibaba support before renewing by hand' : ''}`
                : `${why}; ${when}: look the task up in the console task list now`,
        };
      });
    case 'lapse-risk':
      // Only what expires before the batch may be released: the rest is settled by the release rule in time
      // (review 2026-12-04: every entry within 30 days was told "renew by hand"). A batch flagged by an older
      // version has no instant: within 30 days, as then.
      return open
        .filter((e) =>
          batch.lapseRiskBeforeMs !== undefined
            ? e.expiryMs < batch.lapseRiskBeforeMs
            : e.expiryMs - nowMs < 30 * DAY_MS,
        )
        .map((e) => ({
          ...base(e),
          event: 'will-lapse',
          daysLeft: Math.floor((e.expiryMs - nowMs) / DAY_MS),
          urgent: true,
          reason: `${UNKNOWN_LAPSE_PREFIX} and cannot be settled safely before it expires: check the console task list and renew by hand if there is none`,
        }));
    case 'expiry-moved':
      return (batch.movedExpiries ?? []).flatMap((m) => {
        const e = batch.entries.find((x) => x.domain === m.domain);
        return e && !e.outcome
          ? [
              {
                ...base(e),
                event: 'expiry-moved' as const,
                newExpiryMs: m.expiryMs,
                reason: 'expected about old + years',
              },
            ]
          : [];
      });
    case 'orphaned':
      return batch.entries
        .filter((e) => (batch.repaired ?? []).includes(e.domain))
        .map((e) => ({
          ...base(e),
          event: 'orphaned',
          reason:
            batch.status === 'CLOSED'
              ? `claim brought in line with the batch (${e.outcome ?? 'open'})`
              : 'whether it was bought is unknown: settled by check from the task list',
        }));
    case 'resolved':
      if (batch.error?.code === CLOSED_BY_HAND) {
        // Closed by a person: a line for each entry they released; the others' lines come with `final`.
        const byHand = batch.error.message;
        return batch.entries
          .filter(
            (e) => e.outcome === 'NOT_SUBMITTED' && (e.message === byHand || e.message?.endsWith(ROW_RENEWED_NOTE)),
          )
          .flatMap((e): DomainOutcome[] => {
            const released = e.message === byHand;
            // Released within a day and an hour of its last buying moment: the next daily run may come after it, and
            // "the next renew run buys it" was the last word before it lapsed (review 2026-12-07, twenty-sixth
            // session), as for the reconciler's own late release below.
            const late = released && storedLastBuyMs(e) < (batch.closedAtMs ?? nowMs) + DAY_MS + HOUR_MS;
            const reason = !released
              ? (e.message ?? byHand)
              : late
                ? `${byHand}; released`
                : `${byHand}; released, the next renew run buys it if it is due`;
            return [
              { ...base(e), event: 'resolved', reason },
              ...(late
                ? [
                    {
                      ...base(e),
                      event: 'will-lapse' as const,
                      daysLeft: Math.floor((e.expiryMs - nowMs) / DAY_MS),
                      urgent: true as const,
                      reason:
                        'released by hand, and the next daily renew run may come after the last time this tool buys it: if its task is cancelled and the console shows the old expiry, renew it by hand in the console now',
                    },
                  ]
                : []),
            ];
          });
      }
      return batch.entries.flatMap((e): DomainOutcome[] => {
        // Released so late (check did not run for days, a task list that read short) that the next daily renew run
        // may come after the last time this tool buys it: "the next renew run buys it" was the last word before it
        // lapsed (review 2026-12-06, round 8). An urgent look-first line instead.
        if (!batch.taskNo && e.outcome === 'NOT_SUBMITTED' && storedLastBuyMs(e) < nowMs + DAY_MS + HOUR_MS) {
          return [
            { ...base(e), event: 'resolved', reason: 'nothing was bought; released' },
            {
              ...base(e),
              event: 'will-lapse',
              daysLeft: Math.floor((e.expiryMs - nowMs) / DAY_MS),
              urgent: true,
              reason: `${UNKNOWN_LAPSE_PREFIX}, released as not bought (no task was found, or its run stopped before sending it), and the next daily renew run may come after the last time this tool buys it: check the console task list and renew by hand if there is none`,
            },
          ];
        }
        return [
          {
            ...base(e),
            event: 'resolved',
            reason: batch.taskNo
              ? `its task was found (TaskNo ${batch.taskNo}); the result follows`
              : e.outcome === 'NOT_SUBMITTED'
                ? 'nothing was bought; released, the next renew run buys it once'
                : e.outcome === 'RENEWED'
                  ? 'the expiry shows the renewal'
                  : 'settled',
          },
        ];
      });
    case 'final':
      return batch.entries.flatMap((e): DomainOutcome[] => {
        if (e.outcome === 'RENEWED') {
          return [
            { ...base(e), event: 'renewed', ...(e.newExpiryMs !== undefined ? { newExpiryMs: e.newExpiryMs } : {}) },
          ];
        }
        // A failure a digest already told (it goes out at once) is not told again by the close.
        if (e.outcome === 'FAILED' && !e.announced)
          return [{ ...base(e), event: 'failed', reason: e.message ?? 'failed' }];
        return []; // NOT_SUBMITTED: nothing was bought and the next run retries; nothing for a human to do
      });
    default:
      // A notice name this version does not know (a rollback, a hand edit): no lines, rather than an undefined one
      // that would stop every later digest; it stays pending for the version that wrote it (markSent).
      return [];
  }
}

/**
 * Adds to every `failed` line where its automatic retries stand, read from its claim, so the digest's words are
 * true at every attempt ("the next failure stops automatic retries" only when it does). A retry whose daily run
 * comes after the entry's last buying moment (plan.ts isRetryTooLate, from the batch's submit time) is `too-late`:
 * the planner never retries it (`retry-too-late`), and a domain that failed on its last day was told "retried after
 * the backoff" and lapsed (review 2026-12-06). Such a line also gets an urgent will-lapse line, which pages whenever
 * will-lapse lines do and is advised "look first" (the planner's own comes with the next daily run, after the
 * expiry; a run at another time of day may still retry it). The read is tried twice; when both fail, the lines go
 * out as they are and the failed lines' batches are returned in `unread`: their notices stay pending, so the next run tells them
 * again with their retry state (review 2026-12-07, twenty-ninth session: one failed read sent a failure on its last
 * day as "retried after a backoff", marked it told, and its urgent will-lapse line was never sent).
 * @param nowMs the run's time, epoch ms (UTC)
 */
async function withRetryState(
  deps: Pick<JobDeps, 'ledger' | 'log'>,
  policy: Policy,
  outcomes: DomainOutcome[],
  batches: readonly Batch[],
  nowMs: number,
): Promise<{ outcomes: DomainOutcome[]; unread: ReadonlySet<string> }> {
  // Failed and unknown lines: their claims say whether they are still so (below).
  const failed = outcomes.filter((o) => o.event === 'failed' || o.event === 'unknown');
  if (failed.length === 0) return { outcomes, unread: new Set() };
  const keys = failed.map((o) => ({ domain: o.domain, expiryMs: o.oldExpiryMs }));
  let claims: Claim[];
  try {
    claims = await deps.ledger.getClaims(keys).catch(() => deps.ledger.getClaims(keys));
  } catch (err) {
    deps.log.warn(
      'could not read attempt counts for the digest: its failed lines are told again by the next run',
      describeError(err),
    );
    // Only the failed lines' batches stay pending: an unknown line has no retry state to wait for (check settles it),
    // and held back with them it paged the same "outcome unknown" every hour while the read failed (thirty-second
    // session).
    return { outcomes, unread: new Set(failed.filter((o) => o.event === 'failed').map((o) => o.batchId)) };
  }
  const byKey = new Map(claims.map((c) => [`${c.domain}#${c.expiryMs}`, c]));
  const max = policy.limits.maxAttempts;
  const told = outcomes.flatMap((o): DomainOutcome[] => {
    const claim = o.event === 'failed' || o.event === 'unknown' ? byKey.get(`${o.domain}#${o.oldExpiryMs}`) : undefined;
    // Renewed since the line was written (a retry bought, or the unknown order adopted and confirmed, while the notice
    // waited out an SNS outage): told now, "failed" or "outcome unknown" paged a person to renew a renewed domain by
    // hand (review 2026-12-07, thirtieth session). Its renewed line tells it.
    if (claim?.status === 'RENEWED') return [];
    // Renewed elsewhere first: nothing is retried, and no attempt count invites a renewal by hand.
    if (o.event !== 'failed' || claim?.status !== 'FAILED' || claim.code === RENEWED_ELSEWHERE_CODE) return [o];
    const batch = batches.find((b) => b.batchId === o.batchId);
    // An entry written before lastBuyMs existed, or rebuilt by the sweep: from the policy, by name (a rule that
    // matches by group alone is not seen here).
    const stored = batch?.entries.find((e) => e.domain === o.domain && e.expiryMs === o.oldExpiryMs);
    const lastBuyMs =
      stored?.lastBuyMs !== undefined
        ? storedLastBuyMs(stored)
        : lastBuyMsOf(o.oldExpiryMs, resolveRule(policy, { domainName: o.domain }).daysAfterExpiry, o.domain);
    const runAtMs = batch?.submitStartedAtMs ?? batch?.createdAtMs ?? nowMs;
    const late = claim.nextEligibleAtMs !== undefined && isRetryTooLate(claim.nextEligibleAtMs, runAtMs, lastBuyMs);
    const state =
      claim.code !== FIXABLE_CODE && claim.attempts >= max
        ? 'stopped'
        : late
          ? 'too-late'
          : claim.code === FIXABLE_CODE
            ? 'after-fix'
            : claim.attempts === max - 1
              ? 'last'
              : 'retrying';
    const line: DomainOutcome = {
      ...o,
      retry: { attempts: claim.attempts, maxAttempts: max, state, ...(state === 'too-late' ? { lastBuyMs } : {}) },
    };
    if (state !== 'too-late') return [line];
    const lapse: DomainOutcome = {
      domain: o.domain,
      event: 'will-lapse',
      batchId: '-',
      oldExpiryMs: o.oldExpiryMs,
      years: o.years,
      daysLeft: daysUntil(o.oldExpiryMs, nowMs),
      urgent: true,
      reason: `retry-too-late: ${REASONS['retry-too-late']}`,
    };
    return [line, lapse];
  });
  return { outcomes: told, unread: new Set() };
}

/**
 * Publishes ONE digest covering every pending notice of `batches` (plus a job-level error, if any), then moves the
 * notices to `sentNotices`. A failed publish leaves them pending for the next run. Delivery is at-least-once: a crash
 * between the publish and the ledger write re-sends that digest once; a notice is never dropped.
 * @returns whether the publish succeeded (true when there was nothing to send).
 */
export async function deliverNotices(
  deps: Pick<JobDeps, 'ledger' | 'notifier' | 'log' | 'clock'>,
  policy: Policy,
  input: {
    job: Digest['job'];
    runId: string;
    batches: readonly Batch[];
    error?: Digest['error'];
    totals?: Record<string, number>;
    notes?: string[];
    /** Lines not tied to a batch (will-lapse), and the one-time marks to record once they are published. */
    extra?: { outcomes: readonly DomainOutcome[]; marks: readonly LineMark[] };
  },
): Promise<boolean> {
  const withNotices = input.batches.filter((b) => b.pendingNotices.length > 0);
  const nowMs = deps.clock.now();
  const { outcomes, unread } = await withRetryState(
    deps,
    policy,
    [
      ...withNotices.flatMap((b) => b.pendingNotices.flatMap((n) => outcomesForNotice(b, n, nowMs))),
      ...(input.extra?.outcomes ?? []),
    ],
    withNotices,
    nowMs,
  );
  const digest: Digest = {
    job: input.job,
    runId: input.runId,
    nowMs,
    outcomes,
    ...(input.error ? { error: input.error } : {}),
    ...(input.totals ? { totals: input.totals } : {}),
    ...(input.notes?.length ? { notes: input.notes } : {}),
  };
  const message =
    renderDigest(digest, policy.notify, deps.notifier) ?? renderForTargetsOnly(digest, policy, deps.notifier);
  let targetsPending = false;
  if (message) {
    try {
      await deps.notifier.publish(message);
      deps.log.info('notification published', {
        event: message.event,
        severity: message.severity,
        domains: outcomes.length,
      });
    } catch (err) {
      if (!(err instanceof TargetsPendingError)) {
        deps.log.warn('notification failed; it stays pending for the next run', describeError(err));
        return false;
      }
      // SNS has it; a chat target failed. The notices stay pending so the next run renders the same digest again,
      // and the fan-out's marks send it only to the targets that do not have it (lib/notify/fanout.ts).
      deps.log.warn('notification published; chat targets failed and are retried next run', describeError(err));
      targetsPending = true;
    }
  }
  // Shown on a terminal that is not the stage's audience: the stage's jobs still owe every notice (review 2026-12-05,
  // round 4, helper H: a CLI renew against the deployed table used up the 7-day will-lapse SMS and started the
  // advance notice's veto period on one terminal).
  if (deps.notifier.recordsDelivery === false) return true;
  // While chat targets are retried, nothing is marked sent: the next run includes it all again. After the publish,
  // the marks and each batch's sent notices are separate items, written together; a write that fails only means
  // that notice may be sent again. Except a mark that covers no line (a job that stopped running): its alert names
  // the hours, so each retry was a new digest and SNS sent the same alert, SMS and all, every hour until the target
  // gave up (review 2026-12-07). SNS has it; the target misses that one alert, and the email says it failed.
  if (targetsPending) {
    const lineless = (input.extra?.marks ?? []).filter((m) => m.covers.length === 0).map((m) => m.mark);
    if (lineless.length > 0) {
      await deps.ledger.putMarks(lineless, nowMs).catch((err) => {
        deps.log.warn('could not record an alert as sent; it may be sent again', describeError(err));
      });
    }
    return true;
  }
  // A one-time mark whose line the email could not list for size stays unwritten, so a later digest names it first
  // (review 2026-12-03: an upcoming line cut this way still started its notice period, and the domain was bought
  // without anyone having seen it named). Each listed line's mark is written, so the rest move up: it converges.
  // Batch notices are marked sent as before: their cut lines are counted in the email ("see autorenew status"), and
  // a notice too big for any one email would otherwise repeat every run.
  const cut = new Set((message?.unlisted ?? []).map(lineKey));
  const listed = (o: DomainOutcome) => !cut.has(lineKey(o));
  if (cut.size > 0) deps.log.warn('the digest could not list every line', { lines: cut.size });
  const marks = (input.extra?.marks ?? []).filter((m) => m.covers.every(listed)).map((m) => m.mark);
  await Promise.all([
    marks.length > 0
      ? deps.ledger.putMarks(marks, nowMs).catch((err) => {
          deps.log.warn('could not record will-lapse notices as sent; they may be sent again', describeError(err));
        })
      : undefined,
    ...withNotices.filter((batch) => !unread.has(batch.batchId)).map((batch) => markSent(deps, batch)),
  ]);
  return true;
}

/**
 * A digest the email has nothing in but a chat target wants (its events go beyond notify.events): published to the
 * targets only. Without it the target never got those lines, and the notice was marked sent all the same.
 */
function renderForTargetsOnly(digest: Digest, policy: Policy, notifier: Notifier): RenderedMessage | undefined {
  const extra = notifier.extraEvents ?? [];
  if (extra.length === 0) return undefined;
  const message = renderDigest(digest, { events: extra, smsEvents: policy.notify.smsEvents }, notifier);
  return message && { ...message, targetsOnly: true };
}

/** Identifies one digest line across the copies made while rendering. */
function lineKey(o: DomainOutcome): string {
  return `${o.event}\u0000${o.domain}\u0000${o.batchId}\u0000${o.oldExpiryMs}`;
}

/**
 * Moves the delivered notices to `sentNotices`. A conflict or a transient ledger error re-reads the batch and tries
 * again (3 attempts in all): one failed write must not make people get the same digest twice. After that, the
 * notice may be sent again (at-least-once), never dropped. A notice another run added to meanwhile (a new moved
 * expiry, a new repair under the same pending kind) stays pending: its new lines were not in this digest.
 */
async function markSent(deps: Pick<JobDeps, 'ledger' | 'log' | 'clock'>, batch: Batch): Promise<void> {
  let current: Batch | undefined = batch;
  for (let attempt = 1; current; attempt++) {
    const published = current;
    const delivered = new Set(batch.pendingNotices.filter((n) => publishedWhole(n, batch, published)));
    if (delivered.size === 0) return; // nothing to move (e.g. only a name this version does not render): no write
    // The failures this digest told (its `final` lines) are marked so: the close does not tell them again.
    const told = new Set(
      batch.pendingNotices.includes('final')
        ? batch.entries.filter((e) => e.outcome === 'FAILED').map((e) => e.domain)
        : [],
    );
    try {
      await deps.ledger.saveBatch({
        ...current,
        entries: current.entries.map((e) =>
          e.outcome === 'FAILED' && told.has(e.domain) && !e.announced ? { ...e, announced: true as const } : e,
        ),
        pendingNotices: current.pendingNotices.filter((n) => !delivered.has(n)),
        sentNotices: [...new Set([...current.sentNotices, ...delivered])],
        updatedAtMs: deps.clock.now(),
      });
      return;
    } catch (err) {
      if (attempt >= 3) {
        deps.log.warn('could not mark notice sent; it may be sent again', {
          batchId: batch.batchId,
          ...describeError(err),
        });
        return;
      }
      current = await deps.ledger.getBatch(batch.batchId).catch(() => current);
    }
  }
}

/** A stuck line shows its days left within this many days of the expiry, and says to look now within the other. */
const STUCK_DAYS_SHOWN = 30;
const STUCK_URGENT_DAYS = 7;

/** "it expires in 3 days", "it expires in 18 hours", "it expired 5 hours ago", "it expires within the hour" (ms in). */
function describeWhenItExpires(expiryMs: number, nowMs: number): string {
  const ms = Math.abs(expiryMs - nowMs);
  if (ms < HOUR_MS) return expiryMs < nowMs ? 'it expired within the hour' : 'it expires within the hour';
  const [n, unit] = ms < DAY_MS ? [Math.floor(ms / HOUR_MS), 'hour'] : [Math.floor(ms / DAY_MS), 'day'];
  const span = `${n} ${unit}${n === 1 ? '' : 's'}`;
  return expiryMs < nowMs ? `it expired ${span} ago` : `it expires in ${span}`;
}

/** Whether the digest rendered from `rendered` carried everything notice `n` of the stored batch `now` says. */
function publishedWhole(n: PendingNotice, rendered: Batch, now: Batch): boolean {
  if (!(PENDING_NOTICES as readonly string[]).includes(n)) return false; // not rendered by this version: kept
  if (n === 'expiry-moved') {
    const shown = new Set((rendered.movedExpiries ?? []).map((m) => `${m.domain}#${m.expiryMs}`));
    return (now.movedExpiries ?? []).every((m) => shown.has(`${m.domain}#${m.expiryMs}`));
  }
  if (n === 'final') {
    // Added again while the batch is open (a failure goes out at once): a line settled since was not in this digest.
    const shown = new Set(rendered.entries.filter((e) => e.outcome).map((e) => `${e.domain}#${e.outcome}`));
    return now.entries
      .filter((e) => e.outcome === 'RENEWED' || (e.outcome === 'FAILED' && !e.announced))
      .every((e) => shown.has(`${e.domain}#${e.outcome}`));
  }
  if (n === 'orphaned') {
    const shown = new Set(rendered.repaired ?? []);
    return (now.repaired ?? []).every((d) => shown.has(d));
  }
  return true;
}
