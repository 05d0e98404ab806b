import { formatMoney, type Money } from '../money';
import { formatDateUtc } from './dates';
import { describeMoney } from './money-notices';
import { type Decision, type Plan, type PlanMoney, REASONS, type Reason } from './plan-types';

/** How the plan is shown: a table for a terminal of `width` columns, or `key=value` lines for pipes. */
export interface PlanFormatOptions {
  width: number;
  tty: boolean;
  /** The account the plan is for, shown first on every line (an `account` column) when set. */
  account?: string;
}

interface Column {
  title: string;
  width: number;
  align: 'left' | 'right';
}

/** The cell columns; the reason column is as wide as the longest reason shown (never cut). */
function columnsFor(plan: Plan): Column[] {
  const reason = Math.max(14, ...plan.decisions.map((d) => d.reason.length));
  return [
    { title: 'expires', width: 10, align: 'left' },
    { title: 'days', width: 5, align: 'right' },
    { title: 'decision', width: 8, align: 'left' },
    { title: 'years', width: 5, align: 'right' },
    { title: 'reason', width: reason, align: 'left' },
    { title: 'batch', width: 5, align: 'right' },
  ];
}
const GAP = '  ';
const INDENT = '  ';

/**
 * Renders a plan for humans. TTY: a table (domain, expires as YYYY-MM-DD UTC, whole days left, decision, years,
 * reason, batch, rule) when it fits `width`, then one line per batch and a totals line. Domain names and rules are
 * never cut: when they do not fit beside the other columns, each domain takes its own line with its rule in
 * parentheses and its cells follow on an indented line (59 columns, so 60-column terminals fit).
 * Not a TTY: one `key=value` line per decision, per batch and for the totals, easy to grep.
 */
export function formatPlanTable(plan: Plan, options: PlanFormatOptions): string[] {
  const { account } = options;
  if (account === undefined) return options.tty ? formatTty(plan, options.width) : formatPlain(plan);
  if (!options.tty) return formatPlain(plan).map((l) => `account=${account} ${l}`);
  // The account as the first column: the table is laid out in the width left beside it.
  const header = pad('account', Math.max(7, displayWidth(account)), 'left');
  const cell = pad(account, header.length, 'left');
  const lines = formatTty(plan, Math.max(60, options.width - header.length - GAP.length));
  return lines.map((l, i) => `${i === 0 ? header : cell}${GAP}${l}`);
}

function cellsOf(d: Decision): string[] {
  return [
    formatDateUtc(d.domain.expiresAtMs),
    String(d.daysLeft),
    d.action,
    d.years === undefined ? '' : String(d.years),
    d.reason,
    d.batch === undefined ? '' : String(d.batch),
  ];
}

/** `69.00 CNY realtime`: what a renewal costs and where the price came from, or '' when unpriced. */
function priceText(d: Decision): string {
  return d.price ? `${formatMoney(d.price)} ${d.priceSource ?? ''}`.trimEnd() : '';
}

function formatTty(plan: Plan, width: number): string[] {
  const FIXED_COLUMNS = columnsFor(plan);
  const money = plan.money !== undefined;
  const priceWidth = money ? Math.max(5, ...plan.decisions.map((d) => displayWidth(priceText(d)))) : 0;
  const fixed = FIXED_COLUMNS.reduce((sum, c) => sum + c.width + GAP.length, 0) + (money ? priceWidth + GAP.length : 0);
  const longest = Math.max(6, ...plan.decisions.map((d) => displayWidth(d.domain.domainName)));
  const ruleWidth = Math.max(4, ...plan.decisions.map((d) => displayWidth(d.rule ?? '-')));
  const cellsRow = (cells: readonly string[]) =>
    FIXED_COLUMNS.map((c, i) => pad(truncate(cells[i] ?? '', c.width), c.width, c.align)).join(GAP);
  const lines: string[] = [];
  if (longest + fixed + GAP.length + ruleWidth <= width) {
    // One row per domain.
    const row = (name: string, cells: readonly string[], price: string, rule: string) =>
      [pad(name, longest, 'left'), cellsRow(cells), ...(money ? [pad(price, priceWidth, 'left')] : []), rule]
        .join(GAP)
        .trimEnd();
    lines.push(
      row(
        'domain',
        FIXED_COLUMNS.map((c) => c.title),
        'price',
        'rule',
      ),
    );
    for (const d of plan.decisions) lines.push(row(d.domain.domainName, cellsOf(d), priceText(d), d.rule ?? '-'));
  } else {
    // Stacked: the whole name (and rule) on one line, the cells below it, indented.
    lines.push('domain (rule)', `${INDENT}${cellsRow(FIXED_COLUMNS.map((c) => c.title)).trimEnd()}`);
    for (const d of plan.decisions) {
      const price = priceText(d);
      lines.push(`${d.domain.domainName}${d.rule !== undefined ? ` (${d.rule})` : ''}${price ? `  ${price}` : ''}`);
      lines.push(`${INDENT}${cellsRow(cellsOf(d)).trimEnd()}`);
    }
  }
  for (const b of plan.batches) {
    const years = b.items.reduce((sum, d) => sum + (d.years ?? 0), 0);
    const extras = [
      b.couponNo !== undefined ? `coupon ${b.couponNo}` : '',
      b.promotionNo !== undefined ? `promotion ${b.promotionNo}` : '',
      b.permitPremium ? 'premium permitted' : '',
    ].filter((s) => s !== '');
    const cost = plan.money ? `, ${formatMoney(batchCost(b.items, plan.money.currency))}` : '';
    lines.push(
      `batch ${b.index}: ${count(b.items.length, 'domain')}, ${count(years, 'year')}${cost}${extras.length ? `, ${extras.join(', ')}` : ''}`,
    );
  }
  const t = plan.totals;
  const skipped = reasonCounts(plan)
    .filter(([reason]) => reason !== 'due')
    .map(([reason, n]) => `${reason} ${n}`);
  lines.push(
    `total: ${t.listed} listed, ${t.renew} to renew (${count(t.years, 'year')}) in ${count(plan.batches.length, 'batch', 'batches')}, ${t.skip} skipped${skipped.length ? ` (${skipped.join(', ')})` : ''}`,
  );
  lines.push(...describeMoney(plan.money).map((l) => l.replace(/^Money: /, 'money: ')));
  return lines;
}

/** What a batch's priced items cost together. */
function batchCost(items: readonly Decision[], currency: string): Money {
  return { minor: items.reduce((sum, d) => sum + (d.price?.minor ?? 0), 0), currency };
}

function formatPlain(plan: Plan): string[] {
  const lines = plan.decisions.map((d) =>
    [
      `domain=${d.domain.domainName}`,
      `expires=${formatDateUtc(d.domain.expiresAtMs)}`,
      `daysLeft=${d.daysLeft}`,
      `decision=${d.action}`,
      `years=${d.years ?? '-'}`,
      `reason=${d.reason}`,
      `batch=${d.batch ?? '-'}`,
      `rule=${d.rule ?? '-'}`,
      ...(plan.money
        ? [`price=${d.price ? formatMoney(d.price).replace(' ', '') : '-'}`, `source=${d.priceSource ?? '-'}`]
        : []),
    ].join(' '),
  );
  for (const b of plan.batches) {
    lines.push(
      [
        `batch=${b.index}`,
        `domains=${b.items.length}`,
        `years=${b.items.reduce((sum, d) => sum + (d.years ?? 0), 0)}`,
        `coupon=${b.couponNo ?? '-'}`,
        `promotion=${b.promotionNo ?? '-'}`,
        `permitPremium=${b.permitPremium}`,
        ...(plan.money ? [`cost=${formatMoney(batchCost(b.items, plan.money.currency)).replace(' ', '')}`] : []),
      ].join(' '),
    );
  }
  const t = plan.totals;
  lines.push(
    [
      'totals',
      `listed=${t.listed}`,
      `renew=${t.renew}`,
      `skip=${t.skip}`,
      `years=${t.years}`,
      `batches=${plan.batches.length}`,
      ...reasonCounts(plan).map(([reason, n]) => `${reason}=${n}`),
      ...(plan.money ? moneyPairs(plan.money) : []),
    ].join(' '),
  );
  return lines;
}

function moneyPairs(m: PlanMoney): string[] {
  const amount = (x: Money) => formatMoney(x).replace(' ', '');
  return [
    `cost=${amount(m.total)}`,
    ...(m.balance.state === 'read'
      ? [`balanceBefore=${amount(m.balance.availableCash)}`, `balanceAfter=${amount(m.balance.after)}`]
      : [`balance=${m.balance.state}`]),
    ...(m.deferred ? [`deferred=${m.deferred.count}`, `deferredCost=${amount(m.deferred.total)}`] : []),
    ...(m.deferred?.topUp ? [`topUp=${amount(m.deferred.topUp)}`] : []),
  ];
}

/** JSON form of a plan (`plan --json`). Keys are always present (null when not applicable); times are UTC. */
export interface PlanJson {
  /** Shape version of this JSON. */
  version: 1;
  /** ISO 8601 UTC instant the plan was made for. */
  now: string;
  totals: {
    listed: number;
    renew: number;
    skip: number;
    years: number;
    batches: number;
    /** Every reason of the vocabulary, in its fixed order, with its count (0 when unused). */
    byReason: Record<Reason, number>;
  };
  batches: {
    index: number;
    couponNo: string | null;
    promotionNo: string | null;
    permitPremium: boolean;
    /** Domain names, soonest expiry first. */
    domains: string[];
    years: number;
    /** What the batch's priced domains cost together; null when the plan has no prices. */
    cost: MoneyJson | null;
  }[];
  /** Prices and balance; null when nothing was due (no prices were read). */
  money: {
    currency: string;
    total: MoneyJson;
    unpricedRenewing: number;
    balance: { state: 'read' | 'unreadable' | 'not-checked'; before: MoneyJson | null; after: MoneyJson | null };
    deferred: { count: number; total: MoneyJson; topUp: MoneyJson | null; earliestExpiry: string } | null;
    unavailableSources: { source: string; code: string }[];
  } | null;
  decisions: {
    domain: string;
    instanceId: string;
    /** ISO 8601 UTC expiry instant and its epoch ms (the exact CurrentExpirationDate). */
    expiresAt: string;
    expiresAtMs: number;
    daysLeft: number;
    action: 'renew' | 'skip';
    reason: Reason;
    /** Human explanation of `reason`. */
    reasonText: string;
    rule: string | null;
    years: number | null;
    couponNo: string | null;
    promotionNo: string | null;
    permitPremium: boolean | null;
    batch: number | null;
    /** Price x years, when priced, and where the price came from. */
    price: MoneyJson | null;
    priceSource: string | null;
  }[];
}

/** An amount in JSON: integer minor units and the currency, plus the decimal text for people. */
export interface MoneyJson {
  minor: number;
  currency: string;
  text: string;
}

function moneyJson(m: Money): MoneyJson {
  return { minor: m.minor, currency: m.currency, text: formatMoney(m) };
}

/** The stable JSON shape of {@link PlanJson}: same keys in the same order for every plan. */
export function planToJson(plan: Plan): PlanJson {
  const byReason = Object.fromEntries(
    (Object.keys(REASONS) as Reason[]).map((r) => [r, plan.totals.byReason[r] ?? 0]),
  ) as Record<Reason, number>;
  return {
    version: 1,
    now: new Date(plan.nowMs).toISOString(),
    totals: { ...plan.totals, batches: plan.batches.length, byReason },
    batches: plan.batches.map((b) => ({
      index: b.index,
      couponNo: b.couponNo ?? null,
      promotionNo: b.promotionNo ?? null,
      permitPremium: b.permitPremium,
      domains: b.items.map((d) => d.domain.domainName),
      years: b.items.reduce((sum, d) => sum + (d.years ?? 0), 0),
      cost: plan.money ? moneyJson(batchCost(b.items, plan.money.currency)) : null,
    })),
    money: plan.money ? planMoneyJson(plan.money) : null,
    decisions: plan.decisions.map(decisionToJson),
  };
}

function planMoneyJson(m: PlanMoney): NonNullable<PlanJson['money']> {
  const b = m.balance;
  return {
    currency: m.currency,
    total: moneyJson(m.total),
    unpricedRenewing: m.unpricedRenewing,
    balance: {
      state: b.state,
      before: b.state === 'read' ? moneyJson(b.availableCash) : null,
      after: b.state === 'read' ? moneyJson(b.after) : null,
    },
    deferred: m.deferred
      ? {
          count: m.deferred.count,
          total: moneyJson(m.deferred.total),
          topUp: m.deferred.topUp ? moneyJson(m.deferred.topUp) : null,
          earliestExpiry: new Date(m.deferred.earliestExpiryMs).toISOString(),
        }
      : null,
    unavailableSources: m.unavailableSources,
  };
}

function decisionToJson(d: Decision): PlanJson['decisions'][number] {
  return {
    domain: d.domain.domainName,
    instanceId: d.domain.instanceId,
    expiresAt: new Date(d.domain.expiresAtMs).toISOString(),
    expiresAtMs: d.domain.expiresAtMs,
    daysLeft: d.daysLeft,
    action: d.action,
    reason: d.reason,
    reasonText: REASONS[d.reason],
    rule: d.rule ?? null,
    years: d.years ?? null,
    couponNo: d.couponNo ?? null,
    promotionNo: d.promotionNo ?? null,
    permitPremium: d.permitPremium ?? null,
    batch: d.batch ?? null,
    price: d.price ? moneyJson(d.price) : null,
    priceSource: d.priceSource ?? null,
  };
}

/** Used reasons in vocabulary order. */
function reasonCounts(plan: Plan): [Reason, number][] {
  return (Object.keys(REASONS) as Reason[])
    .map((r): [Reason, number] => [r, plan.totals.byReason[r] ?? 0])
    .filter(([, n]) => n > 0);
}

function count(n: number, singular: string, plural = `${singular}s`): string {
  return `${n} ${n === 1 ? singular : plural}`;
}

/** Terminal columns of `text`: East Asian wide characters (e.g. Chinese IDN labels) take two. */
export function displayWidth(text: string): number {
  let width = 0;
  for (const ch of text) width += charWidth(ch);
  return width;
}

function charWidth(ch: string): number {
  const c = ch.codePointAt(0) ?? 0;
  const wide =
    (c >= 0x1100 && c <= 0x115f) ||
    (c >= 0x2e80 && c <= 0xa4cf) ||
    (c >= 0xac00 && c <= 0xd7a3) ||
    (c >= 0xf900 && c <= 0xfaff) ||
    (c >= 0xfe30 && c <= 0xfe4f) ||
    (c >= 0xff00 && c <= 0xff60) ||
    (c >= 0xffe0 && c <= 0xffe6) ||
    (c >= 0x20000 && c <= 0x3fffd);
  return wide ? 2 : 1;
}

/** Cuts `text` to at most `width` columns, ending in "…" when cut. */
export function truncate(text: string, width: number): string {
  if (displayWidth(text) <= width) return text;
  let out = '';
  let used = 0;
  for (const ch of text) {
    const w = charWidth(ch);
    if (used + w > width - 1) break;
    out += ch;
    used += w;
  }
  return `${out}…`;
}

function pad(text: string, width: number, align: 'left' | 'right'): string {
  const fill = ' '.repeat(Math.max(0, width - displayWidth(text)));
  return align === 'left' ? text + fill : fill + text;
}
