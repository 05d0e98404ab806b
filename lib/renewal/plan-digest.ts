import { formatMoney } from '../money';
import type { RenderedMessage } from '../notify/port';
import { domainToGsm7, SMS_TEXT_SEPTETS, truncateGsm7 } from '../notify/text/gsm7';
import { formatDateTimeUtc, formatDateUtc, sanitizeLine, toAsciiLine } from '../notify/text/sanitize';
import { jsonBytes, MAX_EMAIL_BYTES } from './digest';
import { describeMoney } from './money-notices';
import { type Decision, type Plan, REASONS } from './plan-types';

/**
 * The plan digest of a dry run: what a real run would buy, batch by batch, with years, coupon and
 * promotion, the totals, and every due domain it would not buy, with the reason. Pure: no clock, no I/O. It never
 * imports the paid path; the subject always starts with "DRY RUN" so nobody mistakes it for a purchase.
 */

const MAX_DOMAIN_CHARS = 253;
const MAX_ID_CHARS = 100;
const MAX_SUBJECT_CHARS = 99;

/** The subject prefix of every plan digest. */
export const DRY_RUN_MARK = 'DRY RUN';

/** A domain is reported as "due but not bought" for every skip reason except not-due (outside every window). */
export function notBought(plan: Plan): Decision[] {
  return plan.decisions.filter((d) => d.action === 'skip' && d.reason !== 'not-due');
}

export function renderPlanDigest(plan: Plan, input: { runId: string; endpoint?: string }): RenderedMessage {
  const t = plan.totals;
  const skipped = notBought(plan);
  const notDue = t.byReason['not-due'] ?? 0;
  const subject = toAsciiLine(
    `[autorenew] ${DRY_RUN_MARK}: would renew ${n(t.renew, 'domain')} (${n(t.years, 'year')}), ${skipped.length} due not renewed`,
    MAX_SUBJECT_CHARS,
  );
  const lines: string[] = [
    `${DRY_RUN_MARK}: nothing was bought. This is what a real renew run would do.`,
    `Planned at ${formatDateTimeUtc(plan.nowMs)}, run ${sanitizeLine(input.runId, MAX_ID_CHARS)}${input.endpoint ? `, registrar ${sanitizeLine(input.endpoint, MAX_ID_CHARS)}` : ''}.`,
    '',
    `Would renew: ${n(t.renew, 'domain')}, ${n(t.years, 'year')} in total, in ${n(plan.batches.length, 'batch', 'batches')}`,
  ];
  lines.push(...describeMoney(plan.money));
  const head = lines.length;
  for (const b of plan.batches) {
    const years = b.items.reduce((sum, d) => sum + (d.years ?? 0), 0);
    const cost = plan.money
      ? `, ${formatMoney({ minor: b.items.reduce((sum, d) => sum + (d.price?.minor ?? 0), 0), currency: plan.money.currency })}`
      : '';
    lines.push(
      '',
      `  Batch ${b.index}: ${n(b.items.length, 'domain')}, ${n(years, 'year')}${cost}, coupon ${b.couponNo ? sanitizeLine(b.couponNo, MAX_ID_CHARS) : 'none'}, promotion ${b.promotionNo ? sanitizeLine(b.promotionNo, MAX_ID_CHARS) : 'none'}${b.permitPremium ? ', premium permitted' : ''}`,
    );
    for (const d of b.items) {
      lines.push(
        `    ${domainText(d)}  expires ${formatDateUtc(d.domain.expiresAtMs)} (${d.daysLeft} days)  ${n(d.years ?? 0, 'year')}${priceOf(d)}${d.rule ? `  rule ${sanitizeLine(d.rule, MAX_ID_CHARS)}` : ''}`,
      );
    }
  }
  lines.push('', `Due but not renewed: ${skipped.length}`);
  for (const d of skipped) {
    lines.push(
      `  ${domainText(d)}  expires ${formatDateUtc(d.domain.expiresAtMs)} (${d.daysLeft} days)  ${d.reason}: ${REASONS[d.reason]}${priceOf(d)}${d.rule ? `  rule ${sanitizeLine(d.rule, MAX_ID_CHARS)}` : ''}`,
    );
  }
  const needRetry = skipped.filter((d) => d.reason === 'max-attempts').map((d) => domainText(d));
  if (needRetry.length > 0) {
    lines.push(
      `  After fixing the cause of the failures (balance, real-name verification, a permission), run: autorenew retry ${needRetry.slice(0, 5).join(' ')}${needRetry.length > 5 ? ' ...' : ''} (or --all-failed)`,
    );
  }
  const byReason = Object.entries(t.byReason)
    .filter(([, count]) => (count ?? 0) > 0)
    .map(([reason, count]) => `${reason} ${count}`);
  const tail = [
    '',
    `Totals: listed ${t.listed}, would renew ${t.renew} (${n(t.years, 'year')}) in ${n(plan.batches.length, 'batch', 'batches')}, due not renewed ${skipped.length}, not due ${notDue}${byReason.length ? ` (${byReason.join(', ')})` : ''}`,
    '',
    'To go live, deploy with dryRun=false (or run `autorenew renew` without --dry-run).',
  ];
  const short = `autorenew ${DRY_RUN_MARK}: would renew ${t.renew} domain(s), ${t.years} year(s); ${skipped.length} due not renewed`;
  const firstDue = plan.batches[0]?.items[0];
  return {
    subject,
    email: fitEmail(lines.slice(0, head), lines.slice(head), tail).join('\n'),
    sms: truncateGsm7(
      `${short}${firstDue ? `, first ${domainToGsm7(firstDue.domain.domainName)}` : ''}`,
      SMS_TEXT_SEPTETS,
    ),
    default: short,
    event: 'submitted',
    // Never an alert: a dry run pages nobody (the SMS subscription takes only severity=alert).
    severity: 'info',
  };
}

/**
 * The email as `head`, as much of `body` as fits and `tail`, within MAX_EMAIL_BYTES counted as JSON (the SNS message
 * carries it as a JSON string), with a line counting what was left out: a plan of a few thousand due domains
 * rendered over 500 KB, SNS refused it, and a big portfolio's first dry run said nothing (review 2026-12-04).
 */
function fitEmail(head: string[], body: string[], tail: string[]): string[] {
  const room = MAX_EMAIL_BYTES - 2_000 - [...head, ...tail].reduce((sum, l) => sum + jsonBytes(l), 0);
  let used = 0;
  let kept = 0;
  while (kept < body.length && used + jsonBytes(body[kept] as string) <= room)
    used += jsonBytes(body[kept++] as string);
  if (kept === body.length) return [...head, ...body, ...tail];
  return [
    ...head,
    ...body.slice(0, kept),
    `... ${body.length - kept} more line(s) not listed here: run \`autorenew plan\` for the whole plan`,
    ...tail,
  ];
}

function priceOf(d: Decision): string {
  return d.price ? `  ${formatMoney(d.price)} (${d.priceSource ?? 'quoted'})` : '';
}

function domainText(d: Decision): string {
  return sanitizeLine(d.domain.domainName, MAX_DOMAIN_CHARS);
}

function n(count: number, singular: string, plural = `${singular}s`): string {
  return `${count} ${count === 1 ? singular : plural}`;
}
