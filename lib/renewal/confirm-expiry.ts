import type { BatchEntry } from '../ledger/port';
import type { Registrar } from '../registrar/port';
import { addYearsUtc } from './dates';

const DAY_MS = 86_400_000;

/** From this many domains in one range on, one ranged listing is cheaper than one QueryDomainByDomainName each. */
export const CONFIRM_BY_LISTING_FROM = 10;
/** Expected new expiries further apart than this start a new listing range (so 1- and 2-year renewals, say, do
 * not make one listing span everything in between). */
export const CONFIRM_RANGE_GAP_MS = 7 * DAY_MS;
/** Slack on each side of a range: the registrar filters expiry by day, in an UNCONFIRMED time zone. */
export const CONFIRM_RANGE_SLACK_MS = 2 * DAY_MS;

type Entry = Pick<BatchEntry, 'domain' | 'expiryMs' | 'years'>;

export interface ConfirmationPlan {
  /** One QueryDomainList each (all pages), expiry range inclusive, epoch ms. */
  ranges: { fromMs: number; toMs: number; entries: Entry[] }[];
  /** One QueryDomainByDomainName each. */
  singles: Entry[];
}

/**
 * Pure: groups renewals by where their new expiry should land (old expiry + years, calendar years UTC), splitting
 * wherever two neighbours are more than CONFIRM_RANGE_GAP_MS apart; groups of CONFIRM_BY_LISTING_FROM or more are
 * read with one ranged listing, smaller ones one domain at a time.
 */
export function planConfirmation(entries: readonly Entry[]): ConfirmationPlan {
  const sorted = entries
    .map((e) => ({ entry: e, expected: addYearsUtc(e.expiryMs, e.years) }))
    .sort((a, b) => a.expected - b.expected);
  const groups: (typeof sorted)[] = [];
  for (const item of sorted) {
    const last = groups.at(-1);
    const prev = last?.at(-1);
    if (last && prev && item.expected - prev.expected <= CONFIRM_RANGE_GAP_MS) last.push(item);
    else groups.push([item]);
  }
  const plan: ConfirmationPlan = { ranges: [], singles: [] };
  for (const g of groups) {
    const first = g[0];
    const last = g.at(-1);
    if (!first || !last) continue;
    if (g.length < CONFIRM_BY_LISTING_FROM) plan.singles.push(...g.map((x) => x.entry));
    else {
      plan.ranges.push({
        fromMs: first.expected - CONFIRM_RANGE_SLACK_MS,
        toMs: last.expected + CONFIRM_RANGE_SLACK_MS,
        entries: g.map((x) => x.entry),
      });
    }
  }
  return plan;
}

/**
 * Reads the current expiry of each domain the registrar reported renewed, in few calls (see planConfirmation);
 * a domain a ranged listing did not return (e.g. a registrar that computes the new date differently), or whose
 * listing failed before its page came, is looked up on its own (a page that came counts: it is the registrar's
 * answer for its domains, even when a later page makes the listing as a whole fail). A failing look-up leaves only that domain out of the result (reported
 * to `onError`), so one bad domain never holds back the others' confirmations. `onFound` sees each expiry as soon
 * as it is read (a ranged listing's page at a time), for work that need not wait for the whole read.
 * @returns normalised domain name -> current expiry (epoch ms)
 */
export async function readCurrentExpiries(
  registrar: Registrar,
  entries: readonly Entry[],
  onError: (domain: string, err: unknown) => void = () => {},
  onFound: (domain: string, expiryMs: number) => void = () => {},
  /** True once no more look-ups may start (the run's time limit): the domains left stay out of the result. */
  stop: () => boolean = () => false,
): Promise<Map<string, number>> {
  const plan = planConfirmation(entries);
  const found = new Map<string, number>();
  const take = (domain: string, expiryMs: number) => {
    if (found.get(domain) === expiryMs) return;
    found.set(domain, expiryMs);
    onFound(domain, expiryMs);
  };
  for (const range of plan.ranges) {
    if (stop()) break;
    const wanted = new Set(range.entries.map((e) => e.domain));
    const keep = (listed: readonly { domainName: string; expiresAtMs: number }[]) => {
      for (const d of listed) if (wanted.has(d.domainName)) take(d.domainName, d.expiresAtMs);
    };
    try {
      keep(await registrar.listDomains({ expiringFromMs: range.fromMs, expiringToMs: range.toMs, onPage: keep }));
    } catch (err) {
      onError(`${range.entries.length} domains (ranged listing)`, err);
    }
  }
  for (const e of entries) {
    const name = e.domain;
    if (found.has(name)) continue;
    if (stop()) break;
    try {
      take(name, (await registrar.getDomain(e.domain)).expiresAtMs);
    } catch (err) {
      onError(e.domain, err);
    }
  }
  return found;
}
