import { AuthRejectedError, InputError, RegistrarError, RejectedFinalError } from '../errors';
import { type Money, parseCurrency } from '../money';
import { normalizeDomain } from '../registrar/domain-name';
import type { Quote, QuoteAnswer, QuoteRequest, QuoteSource } from '../registrar/port';
import type { Caller } from './call';
import { buildCheckDomainFeeParams, buildRealtimePriceParams } from './params';
import {
  type PriceReading,
  parseCheckDomainFee,
  parseRealtimePrices,
  readCheckDomainPrice,
  readRealtimePrice,
} from './price-shapes';

type Source = Exclude<QuoteSource, 'table'>;
type Unavailable = QuoteAnswer['unavailable'][number];

export { DEFAULT_QUOTE_CHUNK } from './quote-chunk';

/** What one pricing call keeps while it runs. */
interface QuoteRun {
  currency: string;
  /**
   * Still unpriced, by normalised name: the requested spelling, the reasons gathered so far, and whether an answer
   * called it premium (kept even when that answer gave no usable price).
   */
  open: Map<
    string,
    {
      domainName: string;
      whys: string[];
      premium?: boolean;
      suspect?: boolean;
      listedPremium?: boolean;
      /** The highest one-year price an answer stated with only `Avail` amiss (PriceReading `floor`). */
      floor?: Money;
    }
  >;
  quotes: Quote[];
  unavailable: Unavailable[];
  /** The first answer that priced a name in another currency (QuoteAnswer.foreignCurrency). */
  foreign?: { domainName: string; currency: string };
}

/** Splits a list into chunks of at most `size`. */
function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** Records a refusal of `source` once: the rest of the call skips it. */
function markUnavailable(run: QuoteRun, source: Source, code: string, message: string): void {
  if (!run.unavailable.some((u) => u.source === source)) run.unavailable.push({ source, code, message });
}

function isUnavailable(run: QuoteRun, source: Source): boolean {
  return run.unavailable.some((u) => u.source === source);
}

/** A price found: the domain leaves the open set. */
function settle(run: QuoteRun, key: string, reading: PriceReading, source: Source, premium?: boolean): void {
  const entry = run.open.get(key);
  if (!entry) return;
  if (premium) entry.premium = true;
  if ('perYear' in reading) {
    run.quotes.push({ domainName: key, perYear: reading.perYear, source, ...(entry.premium ? { premium: true } : {}) });
    run.open.delete(key);
  } else {
    entry.whys.push(reading.why);
    if (reading.suspect) entry.suspect = true;
    if (reading.floor && (!entry.floor || reading.floor.minor > entry.floor.minor)) entry.floor = reading.floor;
    if (reading.currency) run.foreign ??= { domainName: key, currency: reading.currency };
  }
}

/**
 * A failed call of a price source: a refusal (InvalidAction, Forbidden*, UnsupportedOperation, bad parameters:
 * anything that proves the request did not run and will not) switches the source off for the rest of the call;
 * any other registrar failure (throttled after retries, no usable answer) counts for this request only. A quote is
 * free, so nothing is ever at stake in either case.
 */
function noteFailure(run: QuoteRun, source: Source, keys: readonly string[], error: unknown): void {
  if (!(error instanceof RegistrarError)) throw error;
  if (error instanceof RejectedFinalError) {
    markUnavailable(run, source, error.code ?? 'refused', error.message);
    return;
  }
  for (const key of keys) run.open.get(key)?.whys.push(`${source}: ${error.message}`);
}

/** Source 1: QueryDomainRealTimePrice, `chunkSize` domains per request, in order; stops at the first refusal. */
async function priceRealtime(caller: Caller, run: QuoteRun, chunkSize: number): Promise<void> {
  for (const keys of chunk([...run.open.keys()], chunkSize)) {
    if (isUnavailable(run, 'realtime')) return;
    const names = keys.map((k) => run.open.get(k)?.domainName ?? k);
    try {
      const answer = await caller.call({
        action: 'QueryDomainRealTimePrice',
        params: buildRealtimePriceParams(names, run.currency),
        parse: parseRealtimePrices,
        paid: false,
      });
      if ('refused' in answer) {
        markUnavailable(run, 'realtime', answer.refused.code, answer.refused.message);
        return;
      }
      const answered = new Map<string, (typeof answer.items)[number][]>();
      for (const item of answer.items) {
        const key = normalizeDomain(item.domainName);
        if (keys.includes(key)) answered.set(key, [...(answered.get(key) ?? []), item]);
      }
      for (const [key, named] of answered) {
        // One name answered more than once: the same reading is one answer; different ones are no price at all
        // (which would be the renewal's?), and a premium flag in any of them counts.
        const readings = named.map((item) => JSON.stringify(readRealtimePrice(item, run.currency)));
        const reading: PriceReading = readings.every((r) => r === readings[0])
          ? readRealtimePrice(named[0] as (typeof named)[number], run.currency)
          : {
              why: `QueryDomainRealTimePrice: answered ${named.length} times, differently`,
              // Suspect only when some row stated a price (rows that all say "no price" in different words are not).
              ...(named.some((item) => {
                const r = readRealtimePrice(item, run.currency);
                return 'perYear' in r || r.suspect === true;
              })
                ? { suspect: true as const }
                : {}),
            };
        settle(
          run,
          key,
          reading,
          'realtime',
          named.some((item) => item.premium),
        );
      }
      for (const key of keys) {
        if (!answered.has(key)) run.open.get(key)?.whys.push('QueryDomainRealTimePrice: not in the answer');
      }
    } catch (error) {
      noteFailure(run, 'realtime', keys, error);
    }
  }
}

/** Source 2: CheckDomain (FeeCommand=renew), one request per domain still open; stops at the first refusal. */
async function priceCheckDomain(caller: Caller, run: QuoteRun, usePrice: boolean): Promise<void> {
  let sameRefusals = { code: '', count: 0 };
  for (const [key, entry] of [...run.open.entries()]) {
    if (isUnavailable(run, 'checkdomain')) return;
    try {
      const answer = await caller.call({
        action: 'CheckDomain',
        params: buildCheckDomainFeeParams(entry.domainName, run.currency),
        parse: parseCheckDomainFee,
        paid: false,
        context: { domain: entry.domainName },
      });
      if ('refused' in answer) {
        markUnavailable(run, 'checkdomain', answer.refused.code, answer.refused.message);
        return;
      }
      // An answer about another name says nothing of this one's price (review 2026-12-06, round 8).
      const about = answer.fee.domainName !== undefined ? normalizeDomain(answer.fee.domainName) : key;
      const reading: PriceReading =
        about === key
          ? readCheckDomainPrice(
              answer.fee,
              run.currency,
              usePrice,
              entry.premium || entry.listedPremium,
              entry.suspect,
              entry.floor,
            )
          : { why: `CheckDomain answered for ${about}, not ${key}; not used`, suspect: true };
      settle(run, key, reading, 'checkdomain', about === key ? answer.fee.premium : undefined);
      sameRefusals = { code: '', count: 0 };
    } catch (error) {
      // One request is about one name: a refusal of that name (`InvaildParameter` for a TLD it does not price, say)
      // is that name's, not the source's; it switched CheckDomain off for every other name (review 2026-12-07).
      // The same refusal for several names in a row is the source's after all (a parameter every request carries).
      if (error instanceof RejectedFinalError && !isSourceRefusal(error)) {
        const code = error.code ?? '';
        sameRefusals = { code, count: sameRefusals.code === code ? sameRefusals.count + 1 : 1 };
        if (sameRefusals.count < SAME_REFUSALS_OFF) {
          run.open.get(key)?.whys.push(`checkdomain: ${error.message}`);
          continue;
        }
      }
      noteFailure(run, 'checkdomain', [key], error);
    }
  }
}

/** CheckDomain refusals of one code, for names in a row, that switch the source off for the call. */
const SAME_REFUSALS_OFF = 3;

/** A refusal of the operation itself (unknown action or version, permissions, the key), not of one name. */
function isSourceRefusal(error: RejectedFinalError): boolean {
  if (error instanceof AuthRejectedError || error.code === undefined) return true;
  return ['InvalidAction', 'InvalidApi', 'UnsupportedOperation', 'NoSuchVersion', 'InvalidVersion', 'Forbidden'].some(
    (prefix) => error.code?.startsWith(prefix),
  );
}

/**
 * One-year renewal prices in `currency` (ISO code): QueryDomainRealTimePrice first (Period 1, `chunkSize` domains
 * per request), then CheckDomain for the domains it did not price. A source refused once is skipped for the rest of
 * the call and listed in `unavailable`; every requested domain ends in `quotes` or `unpriced`, once (duplicates
 * and spelling variants of one name count once, under the normalised name; the first spelling is the one sent). `QuoteRequest.premium` is not sent: both
 * answers price premium names themselves; it only keeps CheckDomain's static (ordinary) rows from pricing a premium
 * name. Requests go one after another, under the caller's QPS budget.
 */
export async function quoteRenewals(
  caller: Caller,
  items: readonly QuoteRequest[],
  currencyInput: string,
  source: {
    /** Domains per QueryDomainRealTimePrice request. */
    chunkSize: number;
    /** The API version has QueryDomainRealTimePrice (sites.ts); without it, CheckDomain is the first source. */
    realTimePrice: boolean;
    /** Read CheckDomain's Price as a renewal price (policy money.checkDomainPrice "use"). */
    useCheckDomainPrice?: boolean;
  },
): Promise<QuoteAnswer> {
  const { chunkSize } = source;
  const currency = parseCurrency(currencyInput, 'quoteRenewals currency');
  if (!Number.isInteger(chunkSize) || chunkSize < 1) {
    throw new InputError(`quoteRenewals: the chunk size must be a positive integer, got ${chunkSize}`);
  }
  const run: QuoteRun = { currency, open: new Map(), quotes: [], unavailable: [] };
  for (const item of items) {
    const key = normalizeDomain(item.domainName);
    const listed = item.premium ? { listedPremium: true } : {};
    if (!run.open.has(key)) run.open.set(key, { domainName: item.domainName, whys: [], ...listed });
    else if (item.premium) Object.assign(run.open.get(key) as object, listed);
  }
  if (run.open.size > 0 && source.realTimePrice) await priceRealtime(caller, run, chunkSize);
  if (run.open.size > 0) await priceCheckDomain(caller, run, source.useCheckDomainPrice === true);
  const skipped = run.unavailable.map((u) => `${u.source} unavailable (${u.code})`);
  const unpriced = [...run.open.entries()].map(([key, e]) => ({
    domainName: key,
    why: [...e.whys, ...skipped].join('; ') || 'no price source answered',
    ...(e.premium ? { premium: true as const } : {}),
    ...(e.suspect ? { suspect: true as const } : {}),
  }));
  return {
    quotes: run.quotes,
    unpriced,
    unavailable: run.unavailable,
    ...(run.foreign ? { foreignCurrency: run.foreign } : {}),
  };
}
