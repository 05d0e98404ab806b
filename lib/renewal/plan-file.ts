import { InputError, nameErrorClasses } from '../errors';
import { formatMoney, type Money } from '../money';
import { canonicalJson, policyHash, sha256Hex } from '../policy/hash';
import type { Policy } from '../policy/schema';
import { type PlanJson, planToJson } from './plan-format';
import type { Plan } from './plan-types';

/*
 * A saved plan (`autorenew plan --out FILE`) and its check before `autorenew renew --plan FILE` buys it. Pure: no
 * clock, no I/O, never the paid path. The file carries a version and a SHA-256 hash of everything else; `renew`
 * refuses a file whose hash does not match, one older than the allowed age, one made for another endpoint or
 * policy, and one whose listing has moved (a domain's expiry or status, or what would be bought).
 */

export const PLAN_FILE_KIND = 'autorenew-plan';
/**
 * 2 (2026-12-03): each purchase carries its price, which bounds what `renew --plan` pays. 3 (2026-12-07): the account
 * the plan was made for, and which prices came from the policy's price table (no registrar quote).
 */
export const PLAN_FILE_VERSION = 3;
/** Default for `renew --max-age`: a plan older than this is refused. */
export const DEFAULT_PLAN_MAX_AGE_MS = 24 * 3_600_000;

/** One listed domain as the plan saw it. */
export interface ListedSnapshot {
  domain: string;
  instanceId: string;
  expiresAtMs: number;
  /** The domain's standing (registrar port vocabulary: normal, renewal-due, redemption, other). */
  status: string;
}

/** What a plan buys, item by item: the part `renew --plan` must find unchanged. */
export interface PurchaseItem {
  domain: string;
  expiresAtMs: number;
  years: number;
  couponNo: string | null;
  promotionNo: string | null;
  permitPremium: boolean;
  batch: number;
  /** The price the plan showed for it (years included), or null when unpriced: the most `renew --plan` pays. */
  price: Money | null;
  /** `price` is no quote: unpriced, counted at limits.maxPricePerDomain (absent: a quote, or older files). */
  priceAssumed?: true;
  /** `price` is the policy's money.priceTable, no registrar quote: the registrar charges its own price. */
  priceFromTable?: true;
}

export interface PlanFile {
  kind: typeof PLAN_FILE_KIND;
  version: typeof PLAN_FILE_VERSION;
  /** ISO 8601 UTC instant the plan was made for, and its epoch ms. */
  createdAt: string;
  createdAtMs: number;
  /** The Domain API endpoint the listing came from. */
  endpoint: string;
  /** The account (AUTORENEW_ACCOUNTS name; '' for the one unnamed account) whose ledger keyspace guards the purchase. */
  account: string;
  /** SHA-256 of the policy as loaded (defaults applied): a changed policy makes a different plan. */
  policyHash: string;
  listing: ListedSnapshot[];
  purchases: PurchaseItem[];
  /** The plan as `plan --json` prints it, for people and tools. */
  plan: PlanJson;
  /** SHA-256 (hex) of the canonical JSON of every other field. */
  hash: string;
}

export function listingOf(plan: Plan): ListedSnapshot[] {
  return plan.decisions.map((d) => ({
    domain: d.domain.domainName,
    instanceId: d.domain.instanceId,
    expiresAtMs: d.domain.expiresAtMs,
    status: d.domain.standing,
  }));
}

export function purchasesOf(plan: Plan): PurchaseItem[] {
  return plan.decisions
    .filter((d) => d.action === 'renew')
    .map((d) => ({
      domain: d.domain.domainName,
      expiresAtMs: d.domain.expiresAtMs,
      years: d.years ?? 0,
      couponNo: d.couponNo ?? null,
      promotionNo: d.promotionNo ?? null,
      permitPremium: d.permitPremium === true,
      batch: d.batch ?? -1,
      price: d.price ?? null,
      ...(d.price && d.priceSource === 'assumed' ? { priceAssumed: true as const } : {}),
      ...(d.price && d.priceSource === 'table' ? { priceFromTable: true as const } : {}),
    }));
}

/** What a plan is made for and must be bought with: the endpoint, the policy and the account (its ledger keyspace). */
export interface PlanContext {
  endpoint: string;
  policy: Policy;
  /** The account's name ('' for the one unnamed account). */
  account: string;
}

export function createPlanFile(plan: Plan, input: PlanContext): PlanFile {
  const body: Omit<PlanFile, 'hash'> = {
    kind: PLAN_FILE_KIND,
    version: PLAN_FILE_VERSION,
    createdAt: new Date(plan.nowMs).toISOString(),
    createdAtMs: plan.nowMs,
    endpoint: input.endpoint,
    account: input.account,
    policyHash: policyHash(input.policy),
    listing: listingOf(plan),
    purchases: purchasesOf(plan),
    plan: planToJson(plan),
  };
  return { ...body, hash: sha256Hex(canonicalJson(body)) };
}

/** Parses and verifies a plan file's text: kind, version and hash. Throws InputError naming the problem. */
export function parsePlanFile(text: string, source: string): PlanFile {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new InputError(`${source}: not JSON; make a plan file with autorenew plan --out ${source}`);
  }
  const file = value as Partial<PlanFile> | null;
  if (!file || typeof file !== 'object' || file.kind !== PLAN_FILE_KIND) {
    throw new InputError(`${source}: not an autorenew plan file; make one with autorenew plan --out ${source}`);
  }
  if (file.version !== PLAN_FILE_VERSION) {
    throw new InputError(
      `${source}: plan file version ${JSON.stringify(file.version)} is not supported (this autorenew reads version ${PLAN_FILE_VERSION}); make a new plan`,
    );
  }
  const { hash, ...body } = file;
  if (typeof hash !== 'string' || sha256Hex(canonicalJson(body)) !== hash) {
    throw new InputError(
      `${source}: the plan file's hash does not match its content (edited or damaged); make a new plan`,
    );
  }
  if (
    typeof file.createdAtMs !== 'number' ||
    !Array.isArray(file.listing) ||
    !Array.isArray(file.purchases) ||
    typeof file.endpoint !== 'string' ||
    typeof file.account !== 'string' ||
    typeof file.policyHash !== 'string'
  ) {
    throw new InputError(`${source}: the plan file is missing fields; make a new plan`);
  }
  return file as PlanFile;
}

/** Parses `--max-age`: a number with unit s, m, h or d (e.g. 90m, 24h, 2d). */
export function parseMaxAge(value: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*(s|m|h|d)$/.exec(value.trim());
  if (!m) throw new InputError(`--max-age ${JSON.stringify(value)} is not a duration; use e.g. 90m, 24h or 2d`);
  const unit = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 }[m[2] as 's' | 'm' | 'h' | 'd'];
  return Number(m[1]) * unit;
}

function date(ms: number): string {
  return new Date(ms).toISOString().replace('.000Z', 'Z');
}

/**
 * Differences between a saved plan and a fresh one, one human line each; empty when the saved plan still holds.
 * Checked: the endpoint and the policy; each domain in both listings keeps its expiry and status; the same
 * domains are bought, each for the same expiry, years, coupon, promotion and batch, at no more than the price the
 * plan showed.
 */
export function comparePlans(
  saved: Pick<PlanFile, 'endpoint' | 'account' | 'policyHash' | 'listing' | 'purchases'>,
  fresh: Pick<PlanFile, 'endpoint' | 'account' | 'policyHash' | 'listing' | 'purchases'>,
): string[] {
  const diff: string[] = [];
  if (saved.endpoint !== fresh.endpoint) diff.push(`endpoint: plan ${saved.endpoint}, now ${fresh.endpoint}`);
  // Another account's keyspace does not hold the plan's account's claims and budgets: bought there, its caps and
  // its runs' claims were not seen (review 2026-12-07, thirty-first session: a plan of account cn bought by a shell
  // without AUTORENEW_ACCOUNTS, as the unnamed account).
  if (saved.account !== fresh.account)
    diff.push(`account: plan ${saved.account || '(unnamed)'}, now ${fresh.account || '(unnamed)'}`);
  if (saved.policyHash !== fresh.policyHash) diff.push('policy: changed since the plan was made');
  const now = new Map(fresh.listing.map((l) => [l.domain, l]));
  for (const was of saved.listing) {
    const is = now.get(was.domain);
    if (!is) continue;
    if (is.expiresAtMs !== was.expiresAtMs)
      diff.push(`${was.domain}: expiry ${date(was.expiresAtMs)} -> ${date(is.expiresAtMs)}`);
    if (is.status !== was.status) diff.push(`${was.domain}: status ${was.status} -> ${is.status}`);
  }
  const wasBought = new Map(saved.purchases.map((p) => [p.domain, p]));
  const isBought = new Map(fresh.purchases.map((p) => [p.domain, p]));
  for (const [domain, p] of wasBought) {
    const q = isBought.get(domain);
    if (!q) {
      const listed = now.has(domain) ? '' : ' (no longer listed)';
      diff.push(`${domain}: in the plan, would not be renewed now${listed}`);
      continue;
    }
    for (const key of ['expiresAtMs', 'years', 'couponNo', 'promotionNo', 'permitPremium', 'batch'] as const) {
      if (p[key] !== q[key]) diff.push(`${domain}: ${key} ${String(p[key])} -> ${String(q[key])}`);
    }
    // The price shown bounds the price paid: dearer, in another currency, or unknown now is a difference. So is a
    // registrar quote then and none now (a table or assumed price): the registrar charges its own price, and a
    // table's 50.00 passed a plan quoted at 90.00 while the registrar charged 150.00 (review 2026-12-07, thirty-first
    // session).
    const unquoted = (x: PurchaseItem) => x.priceAssumed === true || x.priceFromTable === true;
    if (
      p.price &&
      !(
        q.price &&
        q.price.currency === p.price.currency &&
        q.price.minor <= p.price.minor &&
        (unquoted(p) || !unquoted(q))
      )
    ) {
      const now = q.price
        ? `${formatMoney(q.price)}${unquoted(q) && !unquoted(p) ? ' (no registrar quote now)' : ''}`
        : 'none';
      diff.push(`${domain}: price ${formatMoney(p.price)} -> ${now}`);
    }
  }
  for (const domain of isBought.keys()) {
    if (!wasBought.has(domain)) diff.push(`${domain}: not in the plan, would be renewed now`);
  }
  return diff;
}

/** Thrown when a saved or confirmed plan no longer holds; `differences` are shown to the operator. */
export class PlanMovedError extends InputError {
  readonly differences: readonly string[];
  constructor(message: string, differences: readonly string[]) {
    super(message);
    this.differences = differences;
  }
}
nameErrorClasses({ PlanMovedError });

/** A guard for the renew job: throws PlanMovedError unless the fresh plan buys exactly what `saved` buys. */
export function planGuard(
  saved: Pick<PlanFile, 'endpoint' | 'account' | 'policyHash' | 'listing' | 'purchases'>,
  context: PlanContext,
): (fresh: Plan) => void {
  return (plan) => {
    const diff = comparePlans(saved, {
      endpoint: context.endpoint,
      account: context.account,
      policyHash: policyHash(context.policy),
      listing: listingOf(plan),
      purchases: purchasesOf(plan),
    });
    if (diff.length > 0) {
      throw new PlanMovedError(
        `the listing has moved since the plan was made (${diff.length} difference(s)); nothing was bought`,
        diff,
      );
    }
  };
}

/** Refuses a plan older than `maxAgeMs` (or dated in the future) at `nowMs`. */
export function checkPlanAge(file: Pick<PlanFile, 'createdAtMs'>, nowMs: number, maxAgeMs: number): void {
  const age = nowMs - file.createdAtMs;
  if (age < -60_000) {
    throw new InputError(
      `the plan is dated ${date(file.createdAtMs)}, after now (${date(nowMs)}); make a new plan; nothing was bought`,
    );
  }
  if (age > maxAgeMs) {
    throw new InputError(
      `the plan was made ${(age / 3_600_000).toFixed(1)} h ago (${date(file.createdAtMs)}), older than --max-age ${(maxAgeMs / 3_600_000).toFixed(1)} h; make a new plan; nothing was bought`,
    );
  }
}
