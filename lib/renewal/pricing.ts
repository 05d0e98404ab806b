import { InputError } from '../errors';
import { describeError, type Logger } from '../log';
import { formatMoney, type Money, parseMoney } from '../money';
import type { Policy } from '../policy/schema';
import type { ListedDomain, QuoteOptions, QuoteSource, Registrar } from '../registrar/port';
import type { PricedDomain } from './plan-money';

/**
 * Prices for the domains a run would buy (free calls only): the registrar's sources first (real-time price, then
 * CheckDomain, inside the adapter), then the policy's per-TLD table. A quote in another currency than the policy's
 * stops the run before anything is bought: amounts are never converted.
 */

export interface PriceBook {
  prices: Map<string, PricedDomain>;
  /** Names a registrar price answer called premium, priced or not (normalised). */
  premium: Set<string>;
  /** Names an answer priced in a way that cannot be used (QuoteAnswer.unpriced `suspect`): never from the table. */
  suspect: Set<string>;
  unavailable: { source: Exclude<QuoteSource, 'table'>; code: string }[];
}

/** How the registrar's quotes are read under `policy` (money.checkDomainPrice). */
export function quoteOptionsOf(policy: Policy): QuoteOptions {
  return policy.money.checkDomainPrice === 'use' ? { useCheckDomainPrice: true } : {};
}

/**
 * The policy table's one-year price for a domain: the longest TLD key that ends the name (`com.cn` before `cn`).
 * @returns undefined when no key matches
 */
export function priceFromTable(domainName: string, policy: Policy): Money | undefined {
  const table = policy.money.priceTable;
  if (!table) return undefined;
  const labels = domainName.split('.');
  for (let i = 1; i < labels.length; i++) {
    const tld = labels.slice(i).join('.');
    const value = table[tld];
    if (value !== undefined) return parseMoney(value, policy.money.currency, `policy money.priceTable.${tld}`);
  }
  return undefined;
}

/**
 * Prices the given domains (what a run would buy, and what its advance notice announces). A registrar that cannot quote at all (error, or no quote operation) leaves
 * the table as the only source; that only makes domains unpriced, never bought without a price check.
 */
export async function collectPrices(
  deps: { registrar: Registrar; log: Logger },
  policy: Policy,
  domains: readonly ListedDomain[],
): Promise<PriceBook> {
  const currency = policy.money.currency;
  const wanted = new Map<string, ListedDomain>();
  for (const d of domains) wanted.set(d.domainName, d);
  const book: PriceBook = { prices: new Map(), premium: new Set(), suspect: new Set(), unavailable: [] };
  if (wanted.size === 0) return book;
  if (deps.registrar.quoteRenewals) {
    try {
      const answer = await deps.registrar.quoteRenewals(
        [...wanted.values()].map((d) => ({ domainName: d.domainName, premium: d.premium })),
        currency,
        quoteOptionsOf(policy),
      );
      for (const q of answer.quotes) {
        if (q.perYear.currency !== currency) {
          throw new InputError(
            `${q.domainName}: the registrar quoted ${formatMoney(q.perYear)} but the policy's money.currency is ${currency}; nothing was bought. Set money.currency to the account's currency.`,
            { domain: q.domainName },
          );
        }
        book.prices.set(q.domainName, { perYear: q.perYear, source: q.source });
        if (q.premium) book.premium.add(q.domainName);
      }
      // The account's currency is not the policy's: the table and the caps are in the wrong unit too, and with the
      // balance unread nothing else would notice (review 2026-12-06, round 8: a USD account with a CNY policy bought
      // at 69 USD with every cap checked as CNY).
      const foreign = answer.foreignCurrency;
      if (foreign) {
        throw new InputError(
          `${foreign.domainName}: the registrar priced it in ${foreign.currency} but the policy's money.currency is ${currency}; nothing was bought. Set money.currency to the account's currency.`,
          { domain: foreign.domainName },
        );
      }
      for (const u of answer.unpriced) {
        if (u.premium) book.premium.add(u.domainName);
        if (u.suspect) book.suspect.add(u.domainName);
      }
      book.unavailable = answer.unavailable.map((u) => ({ source: u.source, code: u.code }));
      for (const u of answer.unavailable)
        deps.log.warn('price source unavailable; the next source is used this run', { source: u.source, code: u.code });
    } catch (err) {
      if (err instanceof InputError) throw err;
      deps.log.warn('registrar prices could not be read; only money.priceTable prices this run', describeError(err));
    }
  }
  for (const [name, d] of wanted) {
    // The table holds a TLD's ordinary price; a premium name can cost a hundred times that, and every money limit
    // would be checked against the wrong amount. Without a registrar price a premium domain stays unpriced, and so
    // does one whose listing did not say, or that a price answer called premium without a usable price, or that an
    // answer priced in a way that cannot be used (twice, differently; an amount that does not read): review
    // 2026-12-03.
    if (book.prices.has(name) || d.premium || d.premiumUnstated || book.premium.has(name) || book.suspect.has(name))
      continue;
    const perYear = priceFromTable(d.domainName, policy);
    if (perYear) book.prices.set(name, { perYear, source: 'table' });
  }
  return book;
}
