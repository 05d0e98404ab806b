import { createHash } from 'node:crypto';
import { formatMoney } from '../money';
import type { DomainOutcome } from '../notify/port';
import { formatDateUtc } from '../notify/text/sanitize';
import { utcDay } from './budgets';
import { type Decision, type Plan, type PlanMoney, REASONS, type Reason } from './plan-types';

/**
 * What people are told about money after a renew run: one `deferred` line per due domain that was not
 * bought for money (balance, price, a money limit), the first one carrying the top-up sentence, and run-level notes
 * with the spend and the balance. Pure: no clock, no I/O.
 */

/** Plan reasons that leave a due domain unbought for money; each is retried by every run until it is bought. */
export const MONEY_REASONS: readonly Reason[] = [
  'low-balance',
  'over-spend',
  'balance-unknown',
  'unpriced',
  'price-unusable',
  'over-price',
  'over-cap',
];

/** `3 domains (1,194.00 CNY) deferred: top up 395.00 CNY before 2026-12-05`, or undefined when nothing is deferred. */
export function describeDeferral(money: PlanMoney): string | undefined {
  const d = money.deferred;
  if (!d) return undefined;
  const head = `${d.count} domain${d.count === 1 ? '' : 's'} (${formatMoney(d.total)}) deferred`;
  return d.topUp
    ? `${head}: top up ${formatMoney(d.topUp)} before ${formatDateUtc(d.earliestExpiryMs)}`
    : `${head}: a money limit stops them (see each reason); the first expires ${formatDateUtc(d.earliestExpiryMs)}`;
}

/** Run-level money lines for the digest: spend, balance before and after, deferrals, sources that failed. */
export function describeMoney(money: PlanMoney | undefined, submittedCost?: number): string[] {
  if (!money) return [];
  const lines: string[] = [];
  const spend =
    submittedCost === undefined
      ? `planned ${formatMoney(money.total)}`
      : `submitted ${formatMoney({ minor: submittedCost, currency: money.currency })} (quoted) of ${formatMoney(money.total)} planned`;
  const b = money.balance;
  const balance =
    b.state === 'read'
      ? `; balance ${formatMoney(b.availableCash)} before, ${formatMoney(b.after)} after the plan${b.committed ? ` and ${formatMoney(b.committed)} of renewals sent earlier and not charged yet` : ''}`
      : b.state === 'unreadable'
        ? `; the balance could not be read (${b.message})${b.stopped ? ': nothing was bought (money.balanceUnreadable is "stop")' : ': bought without it (money.balanceUnreadable is "continue"), and without the check of the account\'s currency against money.currency that it gives'}`
        : '';
  lines.push(`Money: ${spend}${balance}.`);
  if (money.unpricedRenewing > 0)
    lines.push(
      `Money: ${money.unpricedRenewing} domain(s) bought without a price (money.unpriced is "renew")${money.unpricedCountedAt ? `, each counted as ${formatMoney(money.unpricedCountedAt)} (limits.maxPricePerDomain) in these sums` : ''}.`,
    );
  const deferral = describeDeferral(money);
  if (deferral) lines.push(`Money: ${deferral}.`);
  if (money.unavailableSources.length > 0)
    lines.push(
      `Money: price sources unavailable this run: ${money.unavailableSources.map((u) => `${u.source} (${u.code})`).join(', ')}; the next source was used.`,
    );
  return lines;
}

/**
 * One `deferred` outcome per due domain not bought for money, soonest expiry first; the first carries the top-up
 * sentence. `mark` makes the alert once per UTC day for the same domains and reasons, and whether a top-up is asked
 * (runs can be more frequent).
 */
export function collectMoneyNotices(plan: Plan): { outcomes: DomainOutcome[]; mark?: string } {
  const held = plan.decisions.filter((d) => d.action === 'skip' && MONEY_REASONS.includes(d.reason));
  if (held.length === 0) return { outcomes: [] };
  const deferral = plan.money ? describeDeferral(plan.money) : undefined;
  const outcomes = held.map((d, i): DomainOutcome => {
    const why = `${d.reason}: ${REASONS[d.reason]}`;
    return deferredOutcome(d, i === 0 && deferral ? `${deferral}; ${why}` : why);
  });
  // Why each is held and the top-up asked are part of it: a balance read that failed in the morning ("balance-unknown")
  // hid the afternoon's "top up X before D" until the next UTC day, hours before the expiry (review 2026-12-07,
  // twenty-sixth session).
  // Not the amount: the balance also pays the account's other services and moves by cents between runs, and every
  // run sent the same alert again (review 2026-12-07, twenty-sixth session, of that day's fix).
  const names = held.map((d) => `${d.domain.domainName}#${d.domain.expiresAtMs}#${d.reason}`).join(',');
  const asked = plan.money?.deferred ? `${plan.money.deferred.topUp ? 'top-up' : 'limit'}` : '';
  const digest = createHash('sha256').update(`${names}|${asked}`).digest('hex').slice(0, 16);
  return { outcomes, mark: `deferred#${utcDay(plan.nowMs)}#${digest}` };
}

/** A `deferred` line for a due domain not bought this run, with why and what to do. */
export function deferredOutcome(d: Decision, reason: string): DomainOutcome {
  return {
    domain: d.domain.domainName,
    event: 'deferred',
    batchId: '-',
    oldExpiryMs: d.domain.expiresAtMs,
    years: d.years ?? 0,
    daysLeft: d.daysLeft,
    reason,
    ...(d.price ? { price: d.price } : {}),
  };
}
