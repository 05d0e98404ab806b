import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { isUnreadByRenewRuns, unreadLedgerWarning } from '../compose/account-ledgers';
import { openLocalRuntime } from '../compose/local';
import { InputError } from '../errors';
import { isLive, transitions } from '../renewal/claims';
import { forecastListingRange, forecastRenewals, MAX_FORECAST_MONTHS } from '../renewal/forecast';
import { forecastToCsv, forecastToJson, formatForecastTable } from '../renewal/forecast-format';
import { formatForecastIcs } from '../renewal/forecast-ics';
import { fetchForecastQuotes } from '../renewal/forecast-quotes';
import { claimKey } from '../renewal/plan-types';
import { quoteOptionsOf } from '../renewal/pricing';
import { findStrays } from '../renewal/sweep';
import { JOB_FLAGS, parseFlags } from './args';
import { type Command, EXIT } from './io';
import { withProgress } from './progress';
import { terminalDeep, terminalJson, terminalLine } from './terminal-text';

export const FORECAST_USAGE = `usage: autorenew forecast [--months 12] [--json|--csv] [--ics FILE] [--policy FILE] [--account NAME] [--at DATE]

Month by month (UTC calendar months, the current one included), the renewals the renew job will buy under the
policy and what they cost: a table with a bar chart, then each month's domains. A renewal is planned on
expiry - window.daysBeforeExpiry of its rule (or today when already due) and counted in that month, when the money
is spent; renewals that come due again within the horizon are projected; a held domain (autorenew hold) is bought
only once its hold ends, if still in its window. Prices: the registrar's quotes when it
gives them, else the policy's money.priceTable (one year per TLD, longest TLD wins) times the years; a domain with
neither is "unpriced" and not in the totals. Lists domains, buys nothing.
--months N   months to cover, 1-${MAX_FORECAST_MONTHS} (default 12)
--json       money as integer minor units with the currency
--csv        one row per renewal
--ics FILE   also write an iCalendar file: an all-day event per expiry and per planned renewal day
--account NAME  one of AUTORENEW_ACCOUNTS; required when several are configured. A named account is shown (the
             table's first line, an "account" field in JSON, an account column in CSV)

examples:
  npx autorenew forecast
  npx autorenew forecast --months 24 --csv > renewals.csv
  npx autorenew forecast --ics renewals.ics`;

const FLAGS = { ...JOB_FLAGS, months: { type: 'string' }, csv: { type: 'boolean' }, ics: { type: 'string' } } as const;

/** Parses `--months`: a whole number from 1 to MAX_FORECAST_MONTHS. */
export function parseMonths(value: string | undefined): number {
  if (value === undefined) return 12;
  const months = /^\d+$/.test(value.trim()) ? Number(value) : Number.NaN;
  if (!Number.isInteger(months) || months < 1 || months > MAX_FORECAST_MONTHS) {
    throw new InputError(`--months ${JSON.stringify(value)}: give a whole number from 1 to ${MAX_FORECAST_MONTHS}`);
  }
  return months;
}

/** `forecast`: the renewals of the coming months and their cost. Free: lists and quotes, never buys. */
export const forecastCommand: Command = async (args, io) => {
  const flags = parseFlags('forecast', args, FLAGS, FORECAST_USAGE);
  if (flags.help) {
    io.out(FORECAST_USAGE);
    return EXIT.ok;
  }
  if (flags.json && flags.csv) throw new InputError(`--json and --csv: choose one; ${FORECAST_USAGE.split('\n')[0]}`);
  const months = parseMonths(flags.months);
  const rt = await openLocalRuntime(io, {
    ...flags,
    atAllowedAnywhere: true,
    notifyTo: 'err',
    alibabaAccess: 'read',
  });
  try {
    const { registrar, clock } = rt.deps;
    const nowMs = clock.now();
    const range = forecastListingRange(rt.policy, nowMs, months);
    const domains = await withProgress(io, 'listing', () =>
      registrar.listDomains({ expiringFromMs: range.fromMs, expiringToMs: range.toMs }),
    );
    // Held domains are not bought while the hold lasts (autorenew hold), so they cost nothing then.
    const holds = await rt.deps.ledger.listHolds();
    // Holds are read from this ledger: said when no renew run reads it, as `holds` and `status` say (a hold left in a
    // trial ledger was forecast `held` while the renew runs' ledger buys it: review 2026-12-07, thirty-first session).
    const unread = await isUnreadByRenewRuns(rt.deps.ledger).catch((err: unknown) => err);
    const location = rt.config.table ?? resolve(io.cwd, rt.config.ledgerDir);
    if (unread === true)
      io.err(terminalLine(`forecast: ${unreadLedgerWarning(location, rt.config.table !== undefined)}`));
    else if (unread !== false)
      io.err(
        terminalLine(
          `forecast: could not read whether renew runs use the ledger at ${location} (${unread instanceof Error ? unread.message : String(unread)}); its holds may not be theirs`,
        ),
      );
    // The claims of the listed expiries: a renewal in flight, renewed, or failed for good is not the job's to buy.
    // A stray (left live by a batch sent without it) counts as released, as the next renew run releases it and buys:
    // read as in flight, this year's renewal was left out of the totals (review 2026-12-08, thirty-third session).
    const claims = await rt.deps.ledger
      .getClaims(domains.map((d) => ({ domain: d.domainName, expiryMs: d.expiresAtMs })))
      .then(async (found) => {
        const { strays } = await findStrays(rt.deps, found.filter(isLive));
        const released = strays.map((c) => transitions.release(c, { message: 'a stray', nowMs }));
        return new Map([...found, ...released].map((c) => [claimKey(c.domain, c.expiryMs), c]));
      })
      .catch((err: unknown) => {
        io.err(
          terminalLine(
            `forecast: could not read the ledger's renewals (${err instanceof Error ? err.message : String(err)}): a renewal in flight, renewed or failed for good may be counted as one the job will buy`,
          ),
        );
        return undefined;
      });
    const input = { domains, policy: rt.policy, holds, nowMs, months, ...(claims ? { claims } : {}) };
    const draft = forecastRenewals(input);
    // The draft has no quotes yet: the domains it skipped for price (no table price, or a table price over a limit)
    // are quoted too, or every domain without a table price was never quoted and the forecast showed nothing (review
    // 2026-12-07).
    const wanted = new Set([
      ...draft.renewals.map((r) => r.domain),
      ...draft.skipped
        .filter((s) => s.reason === 'unpriced' || s.reason === 'over-price' || s.reason === 'over-cap')
        .map((s) => s.domain),
    ]);
    const { quotes, unusable, premiumSaid, warnings } = await fetchForecastQuotes(
      registrar,
      domains.filter((d) => wanted.has(d.domainName)),
      rt.policy.money.currency,
      quoteOptionsOf(rt.policy),
    );
    for (const w of warnings) io.err(terminalLine(`forecast: ${w}`));
    const forecast = forecastRenewals({
      ...input,
      ...(quotes ? { quotes } : {}),
      ...(unusable ? { unusable } : {}),
      ...(premiumSaid ? { premiumSaid } : {}),
    });
    if (flags.ics) {
      const file = resolve(io.cwd, flags.ics);
      // DTSTAMP is when the file was made (wall clock), not the forecast's "now", which --at may move.
      await writeFile(file, formatForecastIcs(forecast, Date.now())).catch((err: NodeJS.ErrnoException) => {
        throw new InputError(
          `--ics ${flags.ics}: cannot write ${file} (${err.code ?? 'error'}); choose a writable path`,
        );
      });
      io.err(terminalLine(`forecast: ${forecast.renewals.length} renewal(s) written to ${flags.ics} (iCalendar)`));
    }
    // A named account is shown; a lone unnamed account's forecast looks as it always has.
    const name = rt.config.accounts[0]?.name ?? '';
    const account = name === '' ? undefined : name;
    // Registrar text (domain names) is made safe before layout.
    if (flags.json) {
      const json = forecastToJson(forecast);
      io.out(terminalJson(account !== undefined ? { account, ...json } : json));
    } else if (flags.csv) {
      // Account names are lower-case letters, digits and hyphens: a plain CSV cell.
      for (const [i, line] of forecastToCsv(terminalDeep(forecast)).entries()) {
        io.out(account === undefined ? line : `${i === 0 ? 'account' : account},${line}`);
      }
    } else {
      for (const [i, line] of formatForecastTable(terminalDeep(forecast), { tty: io.isTTY }).entries()) {
        io.out(account !== undefined && i === 0 ? `account ${account}: ${line}` : line);
      }
    }
    return EXIT.ok;
  } finally {
    await rt.close();
  }
};
