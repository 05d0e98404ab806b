import type { Ledger } from '../ledger/port';
import { formatMoney, type Money } from '../money';
import type { DomainOutcome } from '../notify/port';
import { formatDateUtc } from '../notify/text/sanitize';
import type { Policy } from '../policy/schema';
import type { ListedDomain } from '../registrar/port';
import { claimKey, type Plan, type UpcomingRenewal } from './plan-types';

/**
 * The advance notice (notify.advanceDays): a renewal is announced once per domain and expiry in an
 * `upcoming` digest, and the planner buys it only once the notice has been out the full period (a domain that
 * would lapse first is bought at once). The notice is a one-time ledger mark whose time is when it went out.
 */

/**
 * The notice period in days: notify.advanceDays, or 0 when the policy does not publish `upcoming` (notify.events):
 * a notice nobody receives gives nobody time to veto, and must not hold purchases back until they would lapse.
 */
export function noticeDaysOf(policy: Pick<Policy, 'notify'>): number {
  return policy.notify.events.includes('upcoming') ? policy.notify.advanceDays : 0;
}

/** The one-time mark of a renewal's notice. */
export function noticeMark(domain: string, expiryMs: number): string {
  return `notice#${domain}#${expiryMs}`;
}

/**
 * The one-time mark of a notice that a renewal will not be bought (UpcomingRenewal.notBought). Not the notice's own
 * mark: that one starts the notice period, and a renewal told "will not be bought" whose price later came under the
 * limit was bought with no "to be bought" line ever sent, no chance to hold it (review 2026-12-07, twenty-ninth
 * session). It is announced afresh then, and its period starts with that line.
 */
export function notBoughtNoticeMark(domain: string, expiryMs: number): string {
  return `${NOT_BOUGHT_NOTICE}${domain}#${expiryMs}`;
}

const NOT_BOUGHT_NOTICE = 'notice-over#';

/** True for a {@link notBoughtNoticeMark}. */
export function isNotBoughtNoticeMark(mark: string): boolean {
  return mark.startsWith(NOT_BOUGHT_NOTICE);
}

type NotBought = NonNullable<UpcomingRenewal['notBought']>['reason'];

/** Why an announced renewal will not be bought, for its line. */
const NOT_BOUGHT_WHY: Record<NotBought, (limit?: Money) => string> = {
  'over-price': (limit) =>
    `its renewal costs more than limits.maxPricePerDomain${limit ? ` (${formatMoney(limit)})` : ''}`,
  'over-cap': (limit) =>
    `its renewal alone costs more than a spending cap (limits.maxSpendPerRun or maxSpendPerMonth${limit ? `, ${formatMoney(limit)}` : ''})`,
  premium: () => 'a price answer says it is a premium name, and limits.allowPremium is false',
  unpriced: () => 'no source gives a usable price for it (money.unpriced, premium names)',
  'price-unusable': () => 'the registrar stated a price for it that cannot be used',
};

/** What makes it bought, for its line. */
const NOT_BOUGHT_FIX: Record<NotBought, string> = {
  'over-price': 'raise the limit',
  'over-cap': 'raise the cap',
  premium: 'set limits.allowPremium (and a limit that covers its price)',
  unpriced: 'add its TLD to money.priceTable (standard names only)',
  'price-unusable': 'look at its price in the console first',
};

/**
 * When the notices of these domains went out, by {@link claimKey}(domain, expiry): one BatchGet per 100 marks.
 * @returns epoch ms per renewal that has been announced
 */
export async function readNotices(
  ledger: Pick<Ledger, 'getMarks'>,
  domains: readonly ListedDomain[],
): Promise<Map<string, number>> {
  if (domains.length === 0) return new Map();
  const keys = new Map(domains.map((d) => [noticeMark(d.domainName, d.expiresAtMs), d]));
  const found = await ledger.getMarks([...keys.keys()]);
  const notices = new Map<string, number>();
  for (const [mark, atMs] of found) {
    const d = keys.get(mark);
    if (d) notices.set(claimKey(d.domainName, d.expiresAtMs), atMs);
  }
  return notices;
}

/** A digest line not tied to a batch, with the one-time mark recorded once it has been published. */
export interface MarkedLine {
  outcome: DomainOutcome;
  mark: string;
}

/**
 * The `elsewhere` lines of a run: each due domain skipped because someone else's renewal of it is queued or running,
 * or may be (a task whose details read short), once per domain, expiry and reason (the mark). Pure.
 */
export function collectElsewhere(plan: Plan): MarkedLine[] {
  return plan.decisions
    .filter(
      (d) => d.reason === 'renewing-elsewhere' || d.reason === 'renewed-elsewhere' || d.reason === 'elsewhere-unread',
    )
    .map((d) => ({
      outcome: {
        domain: d.domain.domainName,
        event: 'elsewhere',
        batchId: '-',
        oldExpiryMs: d.domain.expiresAtMs,
        years: 0,
        daysLeft: d.daysLeft,
        reason:
          d.reason === 'renewing-elsewhere'
            ? 'not bought here; if that renewal fails, the next run buys it while its window allows (past it, you are told)'
            : d.reason === 'renewed-elsewhere'
              ? 'renewed by that task; not bought again while the listing catches up'
              : "someone else's unfinished renewal task lists fewer domains than it holds and may hold it: nothing is bought until it reads in full; look the task up in the console",
      },
      mark: `${d.reason === 'renewing-elsewhere' ? 'elsewhere' : d.reason}#${d.domain.domainName}#${d.domain.expiresAtMs}`,
    }));
}

/**
 * The `upcoming` lines of a run: every renewal the plan announces that has no notice out yet, with its price and
 * the date it will be bought from; its mark, recorded once published, starts the notice period. Pure.
 */
export function collectUpcoming(plan: Plan): MarkedLine[] {
  return plan.upcoming
    .filter((u) => u.noticedAtMs === undefined)
    .map((u) => ({
      outcome: {
        domain: u.domain.domainName,
        event: 'upcoming',
        batchId: '-',
        oldExpiryMs: u.domain.expiresAtMs,
        years: u.years,
        reason: u.notBought
          ? `${NOT_BOUGHT_WHY[u.notBought.reason](u.notBought.limit)}: it will not be bought; ${NOT_BOUGHT_FIX[u.notBought.reason]} to have it bought from ${formatDateUtc(u.buyFromMs)}, or renew it by hand (a will-lapse line follows once it is due)`
          : `to be bought from ${formatDateUtc(u.buyFromMs)}; to stop it: autorenew hold ${u.domain.domainName}`,
        ...(u.price ? { price: u.price } : {}),
      },
      mark: (u.notBought ? notBoughtNoticeMark : noticeMark)(u.domain.domainName, u.domain.expiresAtMs),
    }));
}
