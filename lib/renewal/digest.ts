import { domainToUnicode } from 'node:url';
import { formatMoney } from '../money';
import type { Digest, DomainOutcome, NotifyEvent, NotifyPolicy, RenderedMessage } from '../notify/port';
import { ADVICE, type AdviceKind, adviceKindOf } from '../notify/text/advice';
import { domainToGsm7, gsm7Length, SMS_TEXT_SEPTETS, toGsm7, truncateGsm7 } from '../notify/text/gsm7';
import { formatDateTimeUtc, formatDateUtc, sanitizeLine, toAsciiLine } from '../notify/text/sanitize';
import { DAY_MS } from './dates';

/**
 * Digest texts (docs/design.md, Notices): one rendered message per job run with a full plain-text email, one GSM-7 SMS line,
 * an ASCII subject and a short default text. Pure: no clock, no I/O.
 */

type OutcomeEvent = DomainOutcome['event'];

/** Most severe first; the rendered `event` is the first of these present. */
export const SEVERITY_ORDER: readonly NotifyEvent[] = [
  'error',
  'orphaned',
  'expiry-moved',
  'will-lapse',
  'deferred',
  'unknown',
  'failed',
  'stuck',
  'resolved',
  'submitted',
  'renewed',
  'upcoming',
  'elsewhere',
];

/** Sections whose lines carry one-time marks and come last by severity: part of the email is kept for them. */
const MARKED_LAST: readonly OutcomeEvent[] = ['upcoming', 'elsewhere'];
/**
 * Batch notices sent once (marked sent with the digest, cut lines included) that follow `deferred`: half of the
 * email is kept for them from the recurring and routine sections.
 */
const ONE_SHOT: readonly OutcomeEvent[] = ['unknown', 'failed', 'stuck'];
/** Sections that leave that part to them: lines that recur every run, or routine ones. */
const YIELDING: readonly OutcomeEvent[] = ['deferred', 'resolved', 'submitted', 'renewed'];

/** A will-lapse line pages people (SMS) only this close to expiry; earlier notices go to email only. */
export const WILL_LAPSE_SMS_DAYS = 7;
const OUTCOME_ORDER = SEVERITY_ORDER.filter((e): e is OutcomeEvent => e !== 'error');

/**
 * Byte budget for the email text once JSON-encoded. SNS allows 262 144 bytes for the message and attributes
 * together; the default and sms texts, the subject and the attributes take well under 4 KB.
 */
export const MAX_EMAIL_BYTES = 200_000;
const MAX_SUBJECT_CHARS = 99;
const MAX_DEFAULT_CHARS = 600;
const MAX_DOMAIN_CHARS = 253;
const MAX_REASON_CHARS = 300;
const MAX_ID_CHARS = 100;
const MAX_ERROR_CHARS = 1000;
const MAX_TOTALS = 50;
const MAX_NOTES = 10;
const NAMES_PER_ADVICE = 3;

const SECTIONS: Record<OutcomeEvent, { title: string; blurb: string; noNewExpiry: string }> = {
  unknown: {
    title: 'Unknown outcome',
    blurb: 'submitted, but whether the registrar executed it is not known yet',
    noNewExpiry: 'pending',
  },
  failed: { title: 'Failed', blurb: 'the registrar reported the renewal failed', noNewExpiry: 'unchanged' },
  stuck: { title: 'Stuck', blurb: 'submitted long ago and still not finished', noNewExpiry: 'pending' },
  submitted: { title: 'Submitted', blurb: 'renewal task accepted, result pending', noNewExpiry: 'pending' },
  renewed: { title: 'Renewed', blurb: 'new expiry confirmed', noNewExpiry: 'confirmed' },
  'will-lapse': {
    title: 'Will lapse',
    blurb:
      'due, but this tool is not renewing them (the reason says why); renew by hand or change the policy, unless the reason says a renewal may have run or be running: then look first',
    noNewExpiry: 'lapses',
  },
  deferred: {
    title: 'Not bought this run',
    blurb:
      'due, but not bought this run: balance, price, a limit, time, or an order not accepted (the reason says which); retried every run until bought',
    noNewExpiry: 'deferred',
  },
  upcoming: {
    title: 'Upcoming renewals',
    blurb:
      'these will be bought from the date shown (the advance notice); to stop one, run `autorenew hold <domain>` before then',
    noNewExpiry: 'upcoming',
  },
  elsewhere: {
    title: 'Being renewed elsewhere',
    blurb:
      "a renewal this deployment did not make (the console, Alibaba's auto-renew, another stack) is queued, running or has just run at the registrar: not bought here",
    noNewExpiry: 'elsewhere',
  },
  'expiry-moved': {
    title: 'Expiry moved unexpectedly',
    blurb: 'the registrar shows an expiry that is not the one the renewal should give; a person must look',
    noNewExpiry: 'moved',
  },
  resolved: {
    title: 'Resolved',
    blurb: 'an earlier unknown, stuck or open renewal is now settled (adopted, released, or closed by a person)',
    noNewExpiry: 'unchanged',
  },
  orphaned: {
    title: 'Repaired',
    blurb: 'a renewal record was left open by a failed write and has been repaired',
    noNewExpiry: 'pending',
  },
};

/** What one digest may use on a notifier (an account's share of a combined message). */
export interface RenderLimits {
  /** The email's size limit, UTF-8 bytes as JSON (default MAX_EMAIL_BYTES). */
  readonly maxEmailBytes?: number;
  /** The SMS text's limit, GSM-7 septets (default SMS_TEXT_SEPTETS). */
  readonly maxSmsSeptets?: number;
}

interface Selection {
  groups: Map<OutcomeEvent, DomainOutcome[]>;
  error: { message: string; fix?: string; quiet?: boolean } | undefined;
  /** Events present after filtering, most severe first. */
  present: NotifyEvent[];
  /** Events present that may page people: will-lapse only when a domain is close to lapsing. */
  alerting: NotifyEvent[];
  /** The digest's time (epoch ms): which lines are close to their expiry. */
  nowMs: number;
}

/**
 * Render a digest for the events the policy wants (`policy.events`); undefined when nothing is left to say.
 * `severity` is 'alert' iff an event in `policy.smsEvents` is present (the SMS subscription filters on it).
 */
export function renderDigest(
  digest: Digest,
  policy: NotifyPolicy,
  /** The notifier's limits (lib/notify/port.ts Notifier): absent, the whole message's. */
  limits: RenderLimits = {},
): RenderedMessage | undefined {
  const selection = selectContent(digest, policy);
  const event = selection?.present[0];
  if (!selection || event === undefined) return undefined;
  const smsEvents = new Set(policy.smsEvents);
  const counts = formatCounts(selection);
  const job = sanitizeLine(digest.job, 20);
  const email = renderEmail(digest, selection, counts, limits.maxEmailBytes ?? MAX_EMAIL_BYTES);
  const lapsing = smsNamesLapse(selection, smsEvents);
  return {
    ...(email.unlisted.length > 0 ? { unlisted: email.unlisted } : {}),
    subject: toAsciiLine(`[autorenew] ${counts} (${job})`, MAX_SUBJECT_CHARS),
    email: email.text,
    sms: renderSms(selection, counts, smsEvents, lapsing, limits.maxSmsSeptets ?? SMS_TEXT_SEPTETS),
    ...(lapsing ? { smsLapsing: true as const, ...lapseNamed(selection, smsEvents) } : {}),
    default: sanitizeLine(
      `autorenew ${job} run ${sanitizeLine(digest.runId, MAX_ID_CHARS)}: ${counts}. ${describeFirst(selection)}`,
      MAX_DEFAULT_CHARS,
    ),
    event,
    severity: selection.alerting.some((e) => smsEvents.has(e)) ? 'alert' : 'info',
    digest,
  };
}

function selectContent(digest: Digest, policy: NotifyPolicy): Selection | undefined {
  const wanted = new Set(policy.events);
  // Always, whatever notify.events says: a job's error stands for notices that did not go out or will not come (an
  // undelivered digest's will-lapse domains, a renew job that stopped running); a policy leaving "error" out lost
  // them (review 2026-12-05, round 4).
  const error = digest.error;
  const groups = new Map<OutcomeEvent, DomainOutcome[]>();
  for (const outcome of digest.outcomes) {
    if (!wanted.has(outcome.event) && !isTroubleNearExpiry(outcome, digest.nowMs)) continue;
    const group = groups.get(outcome.event) ?? [];
    group.push(outcome);
    groups.set(outcome.event, group);
  }
  if (!error && groups.size === 0) return undefined;
  for (const group of groups.values()) group.sort(compareOutcomes);
  const present = SEVERITY_ORDER.filter((e) => (e === 'error' ? error !== undefined : groups.has(e)));
  const pages = (e: OutcomeEvent | 'error') =>
    e === 'error'
      ? error?.quiet !== true
      : e === 'will-lapse'
        ? lapsesSoon(groups)
        : e !== 'deferred' || (groups.get('deferred') ?? []).some((o) => o.quiet !== true);
  return { groups, error, present, alerting: present.filter(pages), nowMs: digest.nowMs };
}

/**
 * A failed renewal, or a deferral that is not quiet (held back this run), of a domain within WILL_LAPSE_SMS_DAYS of
 * its expiry: carried whatever notify.events says. A failure a person must fix (balance, real-name) uses no attempt,
 * so it never became a will-lapse line, and a policy without "failed" heard nothing while it failed every day up to
 * the expiry (review 2026-12-05, round 5, J); an order the registrar refused every day uses none either, and a policy
 * without "deferred" heard of it only on its last day (review 2026-12-06, round 8).
 */
function isTroubleNearExpiry(o: DomainOutcome, nowMs: number): boolean {
  const trouble = o.event === 'failed' || (o.event === 'deferred' && o.quiet !== true);
  return trouble && o.oldExpiryMs - nowMs <= WILL_LAPSE_SMS_DAYS * DAY_MS;
}

function lapsesSoon(groups: ReadonlyMap<OutcomeEvent, DomainOutcome[]>): boolean {
  return (groups.get('will-lapse') ?? []).some(lapsesSoonLine);
}

/** A will-lapse line that pages people: close to its expiry, or urgent whatever the days left. */
function lapsesSoonLine(o: DomainOutcome): boolean {
  return o.urgent === true || (o.daysLeft ?? 0) <= WILL_LAPSE_SMS_DAYS;
}

/** Soonest old expiry first, then by name, so digests read like `plan`. */
function compareOutcomes(a: DomainOutcome, b: DomainOutcome): number {
  // Soonest expiry first, but an expired one after those still to come: the SMS names the first line, and the
  // domain with a day left must not give way to one expired a week ago (review 2026-12-05, round 4).
  return (
    Number(isExpiredLine(a)) - Number(isExpiredLine(b)) ||
    a.oldExpiryMs - b.oldExpiryMs ||
    (a.domain < b.domain ? -1 : a.domain > b.domain ? 1 : 0)
  );
}

/** A line about a domain past its expiry (days left below 0). */
export function isExpiredLine(o: Pick<DomainOutcome, 'daysLeft'>): boolean {
  return o.daysLeft !== undefined && o.daysLeft < 0;
}

/** `job error, 3 failed, 12 renewed` in severity order. */
function formatCounts(selection: Selection): string {
  return selection.present
    .map((e) => (e === 'error' ? 'job error' : `${selection.groups.get(e)?.length ?? 0} ${e}`))
    .join(', ');
}

/**
 * The line a short text names: the first of the most severe event present, or with `paging` (the SMS events) the
 * first line that pages people, so the SMS names why it was sent (review 2026-12-03: an email-only line took it).
 */
function firstProblem(selection: Selection, paging?: ReadonlySet<NotifyEvent>): DomainOutcome | undefined {
  if (paging) {
    const candidates: DomainOutcome[] = [];
    for (const event of OUTCOME_ORDER) {
      if (!paging.has(event) || !selection.alerting.includes(event)) continue;
      const group = selection.groups.get(event) ?? [];
      const first = event === 'will-lapse' ? group.find(lapsesSoonLine) : group.find((o) => o.quiet !== true);
      if (first) candidates.push(first);
    }
    // A line of a domain close to its expiry comes before a more severe event's far from it: a stuck task 18 hours
    // before its expiry gave way to a failure 20 days out that needed nothing (review 2026-12-07).
    const close = candidates.find((o) => isCloseLine(o, selection.nowMs)) ?? candidates[0];
    if (close) return close;
  }
  const event = OUTCOME_ORDER.find((e) => selection.groups.has(e));
  return event ? selection.groups.get(event)?.[0] : undefined;
}

/**
 * A paging line of a domain still at risk within WILL_LAPSE_SMS_DAYS of its expiry (or urgent), not past it. At risk:
 * a line with something to do, but a renewal the registrar shows done anyway or a ledger repair; a `resolved` line
 * ("the expiry shows the renewal") carries the old expiry too, and took the combined SMS from another account's
 * will-lapse line (review 2026-12-07, twenty-sixth session).
 */
function isCloseLine(o: DomainOutcome, nowMs: number): boolean {
  if (o.event === 'will-lapse') return lapsesSoonLine(o) && !isExpiredLine(o);
  const kind = adviceKindOf(o);
  if (kind === undefined || kind === 'renewed-anyway' || kind === 'orphaned') return false;
  return o.oldExpiryMs >= nowMs && o.oldExpiryMs - nowMs <= WILL_LAPSE_SMS_DAYS * DAY_MS;
}

/** Short label of an outcome for SMS and default texts (a known failure kind, else the reason or the event). */
function shortLabel(outcome: DomainOutcome): string {
  const kind = adviceKindOf(outcome);
  if (kind === 'other-failure') return sanitizeLine(outcome.reason, 40) || 'failed';
  // The first deferred line carries the top-up sentence: the one thing the SMS must say.
  if (kind === 'deferred') return sanitizeLine(outcome.reason?.split(';')[0], 90) || 'not bought';
  if (kind) return ADVICE[kind].smsLabel;
  return outcome.event === 'renewed' && outcome.newExpiryMs !== undefined
    ? `renewed to ${formatDateUtc(outcome.newExpiryMs)}`
    : outcome.event;
}

/**
 * shortLabel for the SMS: a label the SMS alphabet mostly cannot carry (a Chinese FailReason, lang zh) read
 * "??????,???????" there, so the event's own word instead (review 2026-12-07, thirty-first session). A few
 * characters turned into look-alikes or '?' keep the label.
 */
function smsLabel(outcome: DomainOutcome): string {
  const label = shortLabel(outcome);
  const marks = (text: string) => text.split('?').length - 1;
  const lost = marks(toGsm7(label)) - marks(label);
  return lost * 2 > Array.from(label).length ? outcome.event : label;
}

function describeFirst(selection: Selection): string {
  if (selection.error) return `Error: ${sanitizeLine(selection.error.message, 300)}`;
  const first = firstProblem(selection);
  return first ? `First: ${sanitizeLine(first.domain, 80)} ${shortLabel(first)}.` : '';
}

/** The expiry of the lapsing domain the SMS names (RenderedMessage.smsLapse). */
function lapseNamed(selection: Selection, paging: ReadonlySet<NotifyEvent>): Pick<RenderedMessage, 'smsLapse'> {
  const named = firstProblem(selection, paging);
  return named ? { smsLapse: { expiryMs: named.oldExpiryMs, expired: isExpiredLine(named) } } : {};
}

/**
 * Whether the SMS names a domain within WILL_LAPSE_SMS_DAYS of lapsing (or urgent): what pages first, before a job
 * error and before other accounts' lines. A paging line of any event close to its expiry counts: a stuck task 18 hours
 * before the expiry is the only notice of an in-flight domain, and an error or another account's far failure took
 * the SMS from it (review 2026-12-07, twenty-sixth session).
 */
function smsNamesLapse(selection: Selection, paging: ReadonlySet<NotifyEvent>): boolean {
  const problem = firstProblem(selection, paging);
  if (!problem || !paging.has(problem.event) || !selection.alerting.includes(problem.event)) return false;
  return problem.event === 'will-lapse' ? lapsesSoonLine(problem) : isCloseLine(problem, selection.nowMs);
}

/**
 * One SMS of at most `maxSeptets`. The domain a person must act on is what it keeps longest: when the whole text
 * does not fit, it drops " See email.", then the counts, then "First: ", and only then cuts the detail. A job error
 * takes the detail, except from a domain close to lapsing, which comes before it: the renew digest's "check has not
 * run" error hid the domain lapsing the next day in the email.
 */
function renderSms(
  selection: Selection,
  counts: string,
  paging: ReadonlySet<NotifyEvent>,
  /** smsNamesLapse of the same selection and paging events. */
  lapsing: boolean,
  maxSeptets: number,
): string {
  const head = toGsm7(`autorenew: ${counts}.`);
  const tail = ' See email.';
  const first = selection.error && !lapsing ? undefined : firstProblem(selection, paging);
  const error = selection.error ? toGsm7(`Error: ${sanitizeLine(selection.error.message, 200)}.`) : '';
  const named = first ? `${domainToGsm7(first.domain)} ${toGsm7(smsLabel(first))}.` : '';
  const compact = [named, error].filter(Boolean).join(' ');
  const detail = first ? `First: ${compact}` : compact;
  // A domain named beside an error: the error's end is cut before the counts go.
  const domainFirst = `${head} First: ${named} `;
  const errorRoom = maxSeptets - gsm7Length(domainFirst);
  const cutError = named && error && errorRoom >= 12 ? [`${domainFirst}${truncateGsm7(error, errorRoom)}`] : [];
  const whole = detail
    ? [`${head} ${detail}${tail}`, `${head} ${detail}`, ...cutError, detail, compact]
    : [`${head}${tail}`];
  const fits = whole.find((text) => gsm7Length(text) <= maxSeptets);
  if (fits !== undefined) return fits;
  // Even the domain, its label and the error do not fit: cut that, the domain first (it keeps what it can of the
  // name), not the counts (review 2026-12-06: the counts and " See email." were kept and the domain cut to nothing).
  if (named) return truncateGsm7(compact, maxSeptets);
  const room = maxSeptets - gsm7Length(head) - gsm7Length(tail) - 1;
  const fitted = detail && room >= 12 ? truncateGsm7(detail, room) : '';
  return truncateGsm7(fitted ? `${head} ${fitted}${tail}` : `${head}${tail}`, maxSeptets);
}

/** Bytes a line adds to the JSON-encoded SNS message (escapes included, plus its newline). */
export function jsonBytes(line: string): number {
  return Buffer.byteLength(JSON.stringify(line)) - 2 + 2;
}

/**
 * IDNs are keyed in punycode (normalised at the registrar boundary) and read by people in Unicode: both are shown,
 * `unicode (punycode)`. Unicode alone, a mixed-script name (Cyrillic "раура" + "l") read as the brand it imitates,
 * and a person sent to the console looked at the wrong domain (review 2026-12-08, thirty-third session).
 */
function displayName(name: string): string {
  if (!name.includes('xn--')) return sanitizeLine(name, MAX_DOMAIN_CHARS);
  const unicode = domainToUnicode(name);
  return unicode && unicode !== name
    ? `${sanitizeLine(unicode, MAX_DOMAIN_CHARS)} (${sanitizeLine(name, MAX_DOMAIN_CHARS)})`
    : sanitizeLine(name, MAX_DOMAIN_CHARS);
}

function formatOutcomeLine(o: DomainOutcome): string {
  const next = o.newExpiryMs !== undefined ? formatDateUtc(o.newExpiryMs) : SECTIONS[o.event].noNewExpiry;
  const years = Number.isFinite(o.years) ? `${o.years} year${o.years === 1 ? '' : 's'}` : '? years';
  const parts = [
    `- ${displayName(o.domain) || '(no name)'}: expiry ${formatDateUtc(o.oldExpiryMs)} -> ${next}`,
    ...(o.daysLeft !== undefined ? [`${o.daysLeft} day${o.daysLeft === 1 ? '' : 's'} left`] : []),
    ...(o.price
      ? [
          o.priceAssumed
            ? `unpriced, counted as ${formatMoney(o.price)} (limits.maxPricePerDomain)`
            : `${o.event === 'renewed' ? 'cost' : 'quoted'} ${formatMoney(o.price)}`,
        ]
      : []),
    ...(o.batchId === '-' && ['will-lapse', 'deferred', 'upcoming', 'elsewhere'].includes(o.event)
      ? [] // not being renewed: no term, task or batch to show
      : [
          years,
          o.taskNo ? `TaskNo ${sanitizeLine(o.taskNo, MAX_ID_CHARS)}` : 'no TaskNo',
          `batch ${sanitizeLine(o.batchId, MAX_ID_CHARS)}`,
        ]),
  ];
  const reason = sanitizeLine(o.reason, MAX_REASON_CHARS);
  if (reason) parts.push(`reason: ${reason}`);
  if (o.retry) parts.push(describeRetry(o.domain, o.retry));
  return parts.join(', ');
}

/** Where a failed renewal's automatic retries stand, in words that are true at this attempt. */
function describeRetry(domain: string, r: NonNullable<DomainOutcome['retry']>): string {
  const used = `attempt ${r.attempts} of ${r.maxAttempts} failed`;
  switch (r.state) {
    case 'after-fix':
      return 'no attempt used (a person must fix the cause): retried after the backoff until it succeeds';
    case 'retrying':
      return `${used}; retried after the backoff`;
    case 'too-late':
      return `no retry expected: the daily run after its retry backoff (limits.retryAfterHours) comes after ${r.lastBuyMs !== undefined ? formatDateTimeUtc(r.lastBuyMs) : 'the last day'}, the last time this tool buys it; a run at another time may still buy it, so look at it in the console first, and renew it by hand only if it still shows the old expiry and its task list no renewal of it`;
    case 'last':
      return `${used}; the next run makes the last attempt: the next failure stops automatic retries`;
    case 'stopped':
      return `${used}: automatic retries stopped; fix the cause, then run: autorenew retry ${sanitizeLine(domain, MAX_DOMAIN_CHARS)}`;
  }
}

function renderAdvice(selection: Selection): string[] {
  const byKind = new Map<AdviceKind, string[]>();
  for (const event of OUTCOME_ORDER) {
    for (const outcome of selection.groups.get(event) ?? []) {
      const kind = adviceKindOf(outcome);
      if (!kind) continue;
      const names = byKind.get(kind) ?? [];
      const name = sanitizeLine(outcome.domain, MAX_DOMAIN_CHARS);
      // Once per advice: a too-late failure and its will-lapse line share one (look first).
      if (!names.includes(name)) byKind.set(kind, [...names, name]);
    }
  }
  const lines: string[] = [];
  if (selection.error) {
    const fix = sanitizeLine(selection.error.fix, MAX_ERROR_CHARS);
    lines.push(`- Job error: ${fix || 'read the error above and the function logs, fix the cause, then run again.'}`);
  }
  for (const [kind, names] of byKind) {
    const shown = names.slice(0, NAMES_PER_ADVICE).join(', ');
    const more = names.length > NAMES_PER_ADVICE ? ` and ${names.length - NAMES_PER_ADVICE} more` : '';
    lines.push(`- ${ADVICE[kind].title} (${shown}${more}): ${ADVICE[kind].todo}`);
  }
  return lines;
}

function renderTotals(totals: Record<string, number> | undefined): string[] {
  const entries = Object.entries(totals ?? {})
    .filter(([, n]) => typeof n === 'number' && Number.isFinite(n))
    .slice(0, MAX_TOTALS)
    .map(([key, n]) => `${sanitizeLine(key, 60)} ${n}`);
  return entries.length > 0 ? [`Totals: ${entries.join(', ')}`, ''] : [];
}

function renderEmail(
  digest: Digest,
  selection: Selection,
  counts: string,
  maxBytes: number,
): { text: string; unlisted: DomainOutcome[] } {
  const header = [
    `autorenew ${sanitizeLine(digest.job, 20)} run ${sanitizeLine(digest.runId, MAX_ID_CHARS)} at ${formatDateTimeUtc(digest.nowMs)}: ${counts}`,
    '',
  ];
  if (selection.error) header.push(`Job error: ${sanitizeLine(selection.error.message, MAX_ERROR_CHARS)}`, '');
  const notes = (digest.notes ?? []).slice(0, MAX_NOTES).map((n) => sanitizeLine(n, MAX_ERROR_CHARS));
  if (notes.length > 0) header.push(...notes, '');
  const advice = renderAdvice(selection);
  const footer = [
    ...renderTotals(digest.totals),
    ...(advice.length > 0 ? ['What to do', ...advice, ''] : []),
    'Dates are UTC. Run `npx autorenew status` for the ledger view.',
  ];
  const sectionHeads = OUTCOME_ORDER.filter((e) => selection.groups.has(e)).map(
    (e) => `${SECTIONS[e].title} (${selection.groups.get(e)?.length ?? 0}): ${SECTIONS[e].blurb}`,
  );
  const moreLine = (n: number) => `- ... and ${n} more not listed (message size limit); see \`autorenew status\`.`;
  // Domain lines fill what the fixed parts leave of the budget; the rest is counted, not listed. Each section's blank
  // line and its possible "more not listed" line are counted first: uncounted, a flood in an early section cut every
  // later one, each adding a line, and an account's email overran its share of a combined message, which then cut
  // its "What to do" (review 2026-12-07).
  const sectionTails = OUTCOME_ORDER.flatMap((e) => {
    const n = selection.groups.get(e)?.length;
    return n === undefined ? [] : [jsonBytes('') + jsonBytes(moreLine(n))];
  });
  let budget =
    maxBytes -
    [...header, ...footer, ...sectionHeads].reduce((sum, l) => sum + jsonBytes(l), 0) -
    sectionTails.reduce((sum, b) => sum + b, 0);
  // The last sections by severity carry one-time marks (an upcoming line starts its notice period once listed): up
  // to a quarter of the room is kept for them from the sections that recur every run (held-back deferred lines) or
  // are routine, so those cannot cut them every run. Likewise up to half for the one-shot batch notices after
  // `deferred` (failed, unknown, stuck: review 2026-12-03, a deferred flood cut a failure's line every run). Severe
  // sections keep it all.
  const formatted = new Map(
    [...MARKED_LAST, ...ONE_SHOT].flatMap((e) => selection.groups.get(e) ?? []).map((o) => [o, formatOutcomeLine(o)]),
  );
  const bytesOf = (events: readonly OutcomeEvent[]) =>
    events.flatMap((e) => selection.groups.get(e) ?? []).reduce((sum, o) => sum + jsonBytes(formatted.get(o) ?? ''), 0);
  let reserve = Math.min(bytesOf(MARKED_LAST), Math.floor(budget / 4));
  let oneShotReserve = Math.min(bytesOf(ONE_SHOT), Math.floor(budget / 2));
  const body: string[] = [];
  const unlisted: DomainOutcome[] = [];
  for (const event of OUTCOME_ORDER) {
    const group = selection.groups.get(event);
    if (!group) continue;
    if (MARKED_LAST.includes(event)) reserve = 0;
    if (ONE_SHOT.includes(event)) oneShotReserve = 0;
    const kept = YIELDING.includes(event) ? reserve + oneShotReserve : 0;
    body.push(`${SECTIONS[event].title} (${group.length}): ${SECTIONS[event].blurb}`);
    let listed = 0;
    for (const outcome of group) {
      const line = formatted.get(outcome) ?? formatOutcomeLine(outcome);
      if (jsonBytes(line) > budget - kept - 200) break;
      budget -= jsonBytes(line);
      body.push(line);
      listed += 1;
    }
    if (listed < group.length) {
      unlisted.push(...group.slice(listed));
      body.push(moreLine(group.length - listed));
    }
    body.push('');
  }
  return { text: [...header, ...body, ...footer].join('\n'), unlisted };
}
