import { RegistrarError } from '../errors';
import type { ListedDomain, Quote, QuoteOptions, Registrar } from '../registrar/port';

/**
 * One-year registrar quotes for the forecast, keyed by normalised domain name, when the registrar offers quotes
 * (`quoteRenewals` may be absent: then the policy's price table is the only source). Free: quoting buys nothing.
 * A registrar that cannot quote is not fatal for a forecast: it falls back to the table, and a warning says so.
 * @param domains the domains the forecast renews (only these are quoted)
 * @param currency the policy's currency (`money.currency`)
 * @param options how quotes are read (`quoteOptionsOf(policy)`)
 */
export async function fetchForecastQuotes(
  registrar: Pick<Registrar, 'quoteRenewals'>,
  domains: readonly ListedDomain[],
  currency: string,
  options: QuoteOptions = {},
): Promise<{
  quotes?: Map<string, Quote>;
  unusable?: Map<string, string>;
  premiumSaid?: Set<string>;
  warnings: string[];
}> {
  if (!registrar.quoteRenewals || domains.length === 0) return { warnings: [] };
  try {
    const answer = await registrar.quoteRenewals(
      domains.map((d) => ({ domainName: d.domainName, premium: d.premium })),
      currency,
      options,
    );
    return {
      quotes: new Map(answer.quotes.map((q) => [q.domainName, q])),
      // A stated price that cannot be used: never replaced by the table's (price-unusable), so not forecast either.
      unusable: new Map(answer.unpriced.filter((u) => u.suspect).map((u) => [u.domainName, u.why])),
      // Called premium without a usable price: never from the table (the renew job's money pass: premium or unpriced).
      premiumSaid: new Set(answer.unpriced.filter((u) => u.premium).map((u) => u.domainName)),
      warnings: answer.unavailable.map((u) => `price source ${u.source} unavailable (${u.code}); tried the next one`),
    };
  } catch (err) {
    // Only the registrar's own failures fall back; a bug or a ledger error still fails the command.
    if (!(err instanceof RegistrarError)) throw err;
    return { warnings: [`the registrar gave no quotes (${err.message}); prices from money.priceTable`] };
  }
}
