import { type DomainRecord, domainStatusOf } from '../model';
import { optionalInt, optionalString, requireString } from '../params';
import { priceOf } from '../tld';
import { invalidParameter, parameterIllegal } from '../wire';
import type { OpContext } from './context';

/** Most DomainItem entries per QueryDomainRealTimePrice request (the real limit is undocumented). */
export const MAX_PRICE_ITEMS = 100;
const MAX_YEARS = 10;

/** Hundredths -> the JSON number the API shows (`16.22`): exact, since it is only ever divided once. */
function amountOf(cents: number): number {
  return cents / 100;
}

interface PriceItem {
  Action: string;
  DomainName: string;
  Period: number;
}

/** `DomainItem`: ONE JSON string holding an array of `{Action, DomainName, Period}` (never flattened). */
function readDomainItems(ctx: OpContext): PriceItem[] {
  const raw = requireString(ctx.params, 'DomainItem');
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    throw invalidParameter('DomainItem', 'expected a JSON array of {"Action","DomainName","Period"}');
  }
  if (!Array.isArray(value) || value.length === 0) {
    throw invalidParameter('DomainItem', 'expected a non-empty JSON array of {"Action","DomainName","Period"}');
  }
  if (value.length > MAX_PRICE_ITEMS) {
    throw parameterIllegal('DomainItem', `at most ${MAX_PRICE_ITEMS} entries per call, got ${value.length}`);
  }
  return value.map((item: unknown, i: number) => {
    const entry = (item ?? {}) as Record<string, unknown>;
    const where = `DomainItem[${i}]`;
    if (typeof entry.DomainName !== 'string' || entry.DomainName === '') {
      throw invalidParameter(`${where}.DomainName`, 'expected a domain name');
    }
    if (typeof entry.Action !== 'string' || entry.Action === '') {
      throw invalidParameter(`${where}.Action`, 'expected an action such as "renew"');
    }
    const period = entry.Period ?? 1;
    if (typeof period !== 'number' || !Number.isInteger(period) || period < 1 || period > MAX_YEARS) {
      throw parameterIllegal(`${where}.Period`, `must be an integer from 1 to ${MAX_YEARS}`);
    }
    return { Action: entry.Action, DomainName: entry.DomainName, Period: period };
  });
}

/** Why a domain of this account cannot be renewed now, or undefined when it can. */
function renewBlocker(d: DomainRecord | undefined, nowMs: number): string | undefined {
  if (!d) return '域名不存在'; // "the domain name does not exist"
  if (domainStatusOf(d, nowMs) === '2') return '不可续费'; // "cannot be renewed" (in redemption)
  return undefined;
}

/**
 * QueryDomainRealTimePrice (2018-01-29, in the SDKs only): `Currency` and `DomainItem` (a JSON string). Renew
 * prices of the account's domains for `Period` years (price x years: whether the real one is per period is
 * UNCONFIRMED), always in the ACCOUNT currency (never converted: asking another currency shows in `Currency`).
 * Other actions, unknown domains and domains in redemption: `Avail` 0 with a `Reason`, no `Price`.
 */
export function queryDomainRealTimePrice(ctx: OpContext): Record<string, unknown> {
  requireString(ctx.params, 'Currency');
  const items = readDomainItems(ctx);
  const nowMs = ctx.model.now();
  const prices = items.map((item) => {
    const d = ctx.model.findDomain(item.DomainName);
    const blocker = item.Action === 'renew' ? renewBlocker(d, nowMs) : `不支持的操作 ${item.Action}`;
    const base = {
      DomainName: item.DomainName,
      Action: item.Action,
      Period: item.Period,
      Currency: ctx.model.currency,
      Premium: d?.premium ?? false,
    };
    if (blocker || !d) return { ...base, Avail: 0, Reason: blocker ?? '' };
    return { ...base, Avail: 1, Price: amountOf(d.priceCents * item.Period), Reason: '' };
  });
  return {
    RequestId: ctx.requestId,
    Success: true,
    HttpStatusCode: 200,
    Synchro: true,
    Module: { DomainPrices: prices },
  };
}

const FEE_COMMANDS = new Set(['create', 'renew', 'transfer', 'restore']);

/**
 * CheckDomain: availability of a name and, with FeeCommand/FeePeriod/FeeCurrency, fees. A domain of this account
 * answers `Avail` "0" with `Reason` "In use"; with FeeCommand=renew its `StaticPriceInfo.PriceInfo[]` has a
 * `{action: "renew", money, period: 12 x FeePeriod}` row (money in the account currency, which the docs call yuan)
 * besides the `activate` row; a premium domain also has `Price`. Fees only when FeeCurrency is the account's.
 * String `Avail`/`Premium`, lower-case row keys, as in the API's model.
 */
export function checkDomain(ctx: OpContext): Record<string, unknown> {
  const name = requireString(ctx.params, 'DomainName');
  const command = optionalString(ctx.params, 'FeeCommand');
  if (command !== undefined && !FEE_COMMANDS.has(command)) {
    throw invalidParameter('FeeCommand', 'expected create, renew, transfer or restore');
  }
  const period = optionalInt(ctx.params, 'FeePeriod') ?? 1;
  if (period < 1 || period > MAX_YEARS) throw parameterIllegal('FeePeriod', `must be from 1 to ${MAX_YEARS} years`);
  const currency = optionalString(ctx.params, 'FeeCurrency') ?? ctx.model.currency;
  const d = ctx.model.findDomain(name);
  const premium = d?.premium ?? false;
  const fees = currency === ctx.model.currency;
  const activateCents = Math.round(priceOf(name, premium) * 100) * period;
  const rows = fees ? [{ action: 'activate', money: amountOf(activateCents), period: 12 * period }] : [];
  if (fees && d && command === 'renew' && !renewBlocker(d, ctx.model.now())) {
    rows.push({ action: 'renew', money: amountOf(d.priceCents * period), period: 12 * period });
  }
  return {
    RequestId: ctx.requestId,
    DomainName: name,
    Avail: d ? '0' : '1',
    Premium: String(premium),
    Reason: d ? 'In use' : '',
    DynamicCheck: false,
    ...(fees && premium && d ? { Price: amountOf(d.priceCents * period) } : {}),
    StaticPriceInfo: { PriceInfo: rows },
  };
}
