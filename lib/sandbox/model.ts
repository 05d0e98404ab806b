import { randomUUID } from 'node:crypto';
import { SimClock } from './clock';
import { addYearsUtc, DAY_MS } from './dates';
import { domainKey, priceOf } from './tld';
import type {
  DetailStatus,
  SandboxDomainState,
  SandboxFixtureDomain,
  SandboxRenewal,
  SandboxSubmission,
  SandboxTaskState,
} from './types';

/** Days after expiry during which a domain renews at the normal price; after them it is in redemption. */
export const GRACE_DAYS = 30;

/** The registry's maximum term of `domainName`, years ahead: 5 for `.co`, 2 for `.xin`, else {@link MAX_TERM_YEARS}. */
export function maxTermYearsFor(domainName: string): number {
  if (/\.co\.?$/i.test(domainName)) return 5;
  return /\.xin\.?$/i.test(domainName) ? 2 : MAX_TERM_YEARS;
}

/** Years one renewal order of `domainName` may add: 1 for `.xin`, else any (up to the term). */
function perOrderYearsFor(domainName: string): number {
  return /\.xin\.?$/i.test(domainName) ? 1 : MAX_TERM_YEARS;
}

/**
 * The registry's grace period of `domainName`, days: 28 for `.hk`, else {@link GRACE_DAYS}
 * (../shared/alibaba-preflight-apis.md C.2). The registrar's own rule, kept apart from the planner's (dates.ts).
 */
export function graceDaysFor(domainName: string): number {
  return /\.hk\.?$/i.test(domainName) ? 28 : GRACE_DAYS;
}
/** Registries cap the registration term at this many years from now. */
export const MAX_TERM_YEARS = 10;

export interface DomainRecord {
  domainName: string;
  instanceId: string;
  expiresAtMs: number;
  registeredAtMs: number;
  premium: boolean;
  groupName?: string;
  groupId?: string;
  /** Price per year in the account currency. */
  price: number;
  /** The same in hundredths (fen, cents): what the model computes with, so money stays exact. */
  priceCents: number;
  /** Alibaba's own auto-renew flag, when the fixture sets one. */
  autoRenewEnabled?: boolean;
  /** Position in the account (order of addition), for the default sort. */
  seq: number;
}

export interface DetailRecord {
  taskDetailNo: string;
  domainName: string;
  instanceId: string;
  years: number;
  currentExpirationDate: number;
  permitPremiumRenew: boolean;
  /** Also take CurrentExpirationDate = 00:00:00Z of the expiry's UTC day as current (expiryTruncation "day"). */
  acceptDayExpiry: boolean;
  /** Set once, when the detail completes. */
  outcome?: { ok: boolean; errorMsg: string; failReason?: string; orderId?: string; atMs: number };
}

export interface TaskRecord {
  taskNo: string;
  requestId: string;
  action: string;
  createdAtMs: number;
  /** Details are WAITING_EXECUTE until this instant, then EXECUTING. */
  startsAtMs: number;
  /** Details complete (their effects apply) at this instant. */
  doneAtMs: number;
  /** First instant the task shows in QueryTaskList. */
  listedAtMs: number;
  clientIp: string;
  couponNo?: string;
  promotionNo?: string;
  details: DetailRecord[];
}

export interface RenewItemInput {
  domainName: string;
  years: number;
  currentExpirationDate: number;
  permitPremiumRenew: boolean;
}

export interface ModelOptions {
  domains: readonly SandboxFixtureDomain[];
  /** In the account currency (two decimals at most; may be negative). */
  balance: number;
  /** ISO 4217 code of the account (default CNY). */
  currency?: string;
  nowMs: number;
  /** The simulated clock moves only by setClock (default: it runs with real time). */
  freezeClock?: boolean;
  /** A clock shared with other accounts; when given, `nowMs` and `freezeClock` are ignored. */
  clock?: SimClock;
  taskMs: number;
  rejectStaleExpiry: boolean;
}

const SUCCESS_MSG = 'The operation is successful.';

/** DomainStatus at `nowMs`: '2' redemption (expired > 30 days), '1' due within 30 days or in grace, '3' normal. */
export function domainStatusAt(expiresAtMs: number, nowMs: number, graceDays = GRACE_DAYS): '1' | '2' | '3' {
  if (nowMs - expiresAtMs > graceDays * DAY_MS) return '2';
  if (expiresAtMs - nowMs <= GRACE_DAYS * DAY_MS) return '1';
  return '3';
}

/** DomainStatus of `domain` at `nowMs`, by its TLD's grace period ({@link graceDaysFor}). */
export function domainStatusOf(domain: { domainName: string; expiresAtMs: number }, nowMs: number): '1' | '2' | '3' {
  return domainStatusAt(domain.expiresAtMs, nowMs, graceDaysFor(domain.domainName));
}

/** Start of the UTC day of `ms` (what expiryTruncation "day" reports). */
export function startOfUtcDay(ms: number): number {
  return Math.floor(ms / DAY_MS) * DAY_MS;
}

/** Distinct domain queries {@link SandboxModel.memoDomains} keeps (a run pages through one or two at a time). */
const MEMO_QUERIES = 8;

/**
 * The registrar's state: simulated clock, domains, balance and tasks. Task details wait `taskMs` (plus any queue
 * delay the task was created with), execute for `taskMs`, then complete; their effects are applied lazily, exactly
 * once, in completion-time order (creation order for ties), by {@link SandboxModel.settle} (called on every
 * request and state read).
 */
export class SandboxModel {
  /** The account balance in hundredths of the account currency (fen, cents): integer, exact, may be negative. */
  balanceCents: number;
  readonly currency: string;
  readonly taskMs: number;
  readonly rejectStaleExpiry: boolean;
  readonly tasks: TaskRecord[] = [];
  readonly submissions: SandboxSubmission[] = [];
  readonly renewals: SandboxRenewal[] = [];
  private readonly byKey = new Map<string, DomainRecord>();
  private readonly ordered: DomainRecord[] = [];
  /** Possibly shared with the other accounts of the sandbox. */
  readonly clock: SimClock;
  /** Tasks whose details have not completed yet, in creation order. */
  private openTasks: TaskRecord[] = [];
  /** Bumped by every change to a domain record (added, expiry moved): what {@link memoDomains} keys on. */
  private revision = 0;
  /** The last few domain queries and their results, valid while `revision` holds. */
  private readonly queryMemo = new Map<string, { revision: number; result: readonly DomainRecord[] }>();

  constructor(opts: ModelOptions) {
    this.balanceCents = toCents(opts.balance);
    this.currency = opts.currency ?? 'CNY';
    this.taskMs = opts.taskMs;
    this.rejectStaleExpiry = opts.rejectStaleExpiry;
    this.clock = opts.clock ?? new SimClock(opts.nowMs, opts.freezeClock ?? false);
    for (const d of opts.domains) this.addDomain(d);
  }

  /** The balance in the account currency (a number; the model itself keeps exact cents). */
  get balance(): number {
    return this.balanceCents / 100;
  }

  set balance(amount: number) {
    this.balanceCents = toCents(amount);
  }

  /** Adds a domain to the account (last in order of addition); the caller makes sure the name is new. */
  addDomain(d: SandboxFixtureDomain): DomainRecord {
    const seq = this.ordered.length;
    const premium = d.premium ?? false;
    const price = d.price ?? priceOf(d.domainName, premium);
    const rec: DomainRecord = {
      domainName: d.domainName,
      instanceId: d.instanceId ?? `S${String(seq + 1).padStart(12, '0')}`,
      expiresAtMs: d.expiresAtMs,
      registeredAtMs: d.registeredAtMs ?? addYearsUtc(d.expiresAtMs, -1),
      premium,
      price,
      priceCents: toCents(price),
      seq,
      ...(d.autoRenewEnabled !== undefined ? { autoRenewEnabled: d.autoRenewEnabled } : {}),
      ...(d.groupName !== undefined ? { groupName: d.groupName } : {}),
      ...(d.groupId !== undefined ? { groupId: d.groupId } : {}),
    };
    this.byKey.set(domainKey(d.domainName), rec);
    this.ordered.push(rec);
    this.revision++;
    return rec;
  }

  /** Simulated time, epoch ms: runs with real time from the last clock setting, or stands still if frozen. */
  now(): number {
    return this.clock.now();
  }

  /**
   * Jumps the simulated clock to `nowMs` or moves it by `advanceMs`, then applies due task effects (of this model;
   * other models sharing the clock apply theirs at their next request or state read).
   */
  setClock(c: { nowMs?: number; advanceMs?: number }): void {
    this.clock.set(c);
    this.settle();
  }

  /** Domains in the order they were added to the account. */
  listDomains(): readonly DomainRecord[] {
    return this.ordered;
  }

  /**
   * The result of `compute` for query `key` (every parameter the result depends on, simulated time included if it
   * does), computed again only after a domain changed. A client pages through one query: without this each page
   * filtered and sorted the whole account again, ~8 ms of the sandbox's CPU per page at 10 000 domains, taken from
   * the job under test on the same cores.
   */
  memoDomains(key: string, compute: () => readonly DomainRecord[]): readonly DomainRecord[] {
    const hit = this.queryMemo.get(key);
    if (hit && hit.revision === this.revision) return hit.result;
    const result = compute();
    if (this.queryMemo.size >= MEMO_QUERIES) this.queryMemo.clear();
    this.queryMemo.set(key, { revision: this.revision, result });
    return result;
  }

  /** Case-insensitive lookup; Unicode and punycode spellings of an IDN find the same domain. */
  findDomain(name: string): DomainRecord | undefined {
    return this.byKey.get(domainKey(name));
  }

  /**
   * Accepts a renewal task: records every item as a submission and returns the new task. `delayMs` is extra queue
   * time before it executes, `listLagMs` how long it stays out of QueryTaskList (both simulated ms).
   */
  createTask(input: {
    action: string;
    requestId: string;
    clientIp: string;
    items: readonly RenewItemInput[];
    couponNo?: string;
    promotionNo?: string;
    delayMs?: number;
    listLagMs?: number;
    acceptDayExpiry?: boolean;
  }): TaskRecord {
    this.settle();
    const atMs = this.now();
    const taskNo = randomUUID();
    const startsAtMs = atMs + (input.delayMs ?? 0) + this.taskMs;
    const task: TaskRecord = {
      taskNo,
      requestId: input.requestId,
      action: input.action,
      createdAtMs: atMs,
      startsAtMs,
      doneAtMs: startsAtMs + this.taskMs,
      listedAtMs: atMs + (input.listLagMs ?? 0),
      clientIp: input.clientIp,
      ...(input.couponNo !== undefined ? { couponNo: input.couponNo } : {}),
      ...(input.promotionNo !== undefined ? { promotionNo: input.promotionNo } : {}),
      details: input.items.map((item) => ({
        taskDetailNo: randomUUID(),
        domainName: this.findDomain(item.domainName)?.domainName ?? item.domainName,
        instanceId: this.findDomain(item.domainName)?.instanceId ?? '',
        years: item.years,
        currentExpirationDate: item.currentExpirationDate,
        permitPremiumRenew: item.permitPremiumRenew,
        acceptDayExpiry: input.acceptDayExpiry ?? false,
      })),
    };
    this.tasks.push(task);
    this.openTasks.push(task);
    for (const item of input.items) {
      this.submissions.push({
        domainName: item.domainName,
        currentExpirationDate: item.currentExpirationDate,
        years: item.years,
        taskNo,
        atMs,
      });
    }
    return task;
  }

  /** Status of a detail at `nowMs` (completed details keep their outcome even if the clock goes back). */
  detailStatus(task: TaskRecord, detail: DetailRecord, nowMs: number): DetailStatus {
    if (detail.outcome) return detail.outcome.ok ? 'EXECUTE_SUCCESS' : 'EXECUTE_FAILURE';
    return nowMs < task.startsAtMs ? 'WAITING_EXECUTE' : 'EXECUTING';
  }

  /**
   * Applies every detail whose executing stage has ended by now, exactly once, in order of completion time
   * (creation order for ties: a queue delay or jitter can make a later task complete first).
   */
  settle(): void {
    const nowMs = this.now();
    const due = this.openTasks.filter((t) => t.doneAtMs <= nowMs);
    if (due.length === 0) return;
    this.openTasks = this.openTasks.filter((t) => t.doneAtMs > nowMs);
    // Array.prototype.sort is stable: ties keep creation order.
    for (const task of due.sort((a, b) => a.doneAtMs - b.doneAtMs)) {
      for (const detail of task.details) {
        if (!detail.outcome) detail.outcome = this.execute(task, detail, task.doneAtMs);
      }
    }
  }

  private execute(task: TaskRecord, detail: DetailRecord, atMs: number): NonNullable<DetailRecord['outcome']> {
    const fail = (errorMsg: string, failReason: string) => ({ ok: false, errorMsg, failReason, atMs });
    const domain = this.findDomain(detail.domainName);
    if (!domain) return fail('The domain name does not exist.', `Domain ${detail.domainName} is not in this account.`);
    if (domainStatusOf(domain, atMs) === '2') {
      return fail(
        'The domain name is in redemption and cannot be renewed.',
        `Domain ${domain.domainName} expired more than ${graceDaysFor(domain.domainName)} days ago; it must be redeemed, not renewed.`,
      );
    }
    if (domain.premium && !detail.permitPremiumRenew) {
      return fail(
        'Premium domain renewal is not permitted.',
        `Domain ${domain.domainName} is a premium domain; set PermitPremiumRenew=true to renew it.`,
      );
    }
    const current =
      detail.currentExpirationDate === domain.expiresAtMs ||
      (detail.acceptDayExpiry && detail.currentExpirationDate === startOfUtcDay(domain.expiresAtMs));
    if (this.rejectStaleExpiry && !current) {
      return fail(
        'The current expiration date does not match.',
        `CurrentExpirationDate ${detail.currentExpirationDate} differs from the domain's expiration date ${domain.expiresAtMs}.`,
      );
    }
    const toExpiryMs = addYearsUtc(domain.expiresAtMs, detail.years);
    const maxTerm = maxTermYearsFor(domain.domainName);
    if (toExpiryMs > addYearsUtc(atMs, maxTerm) || detail.years > perOrderYearsFor(domain.domainName)) {
      return fail(
        'The renewal period exceeds the maximum registration period.',
        `Renewing ${domain.domainName} by ${detail.years} years would put its expiration more than ${maxTerm} years ahead, or add more years than one order may.`,
      );
    }
    const costCents = domain.priceCents * detail.years;
    if (costCents > this.balanceCents) {
      return fail(
        'The account balance is insufficient.',
        `Renewing ${domain.domainName} costs ${formatCents(costCents)} ${this.currency}; the balance is ${formatCents(this.balanceCents)} ${this.currency}.`,
      );
    }
    this.balanceCents -= costCents;
    this.renewals.push({
      domainName: domain.domainName,
      years: detail.years,
      fromExpiryMs: domain.expiresAtMs,
      toExpiryMs,
      taskNo: task.taskNo,
      atMs,
    });
    domain.expiresAtMs = toExpiryMs;
    this.revision++;
    return { ok: true, errorMsg: SUCCESS_MSG, orderId: String(200_000_000_000 + this.renewals.length), atMs };
  }

  /** JSON-friendly views of domains and tasks at the current simulated time. */
  snapshotDomains(): SandboxDomainState[] {
    const nowMs = this.now();
    return this.ordered.map((d) => ({
      domainName: d.domainName,
      instanceId: d.instanceId,
      expiresAtMs: d.expiresAtMs,
      registeredAtMs: d.registeredAtMs,
      domainStatus: domainStatusOf(d, nowMs),
      premium: d.premium,
      price: d.price,
      ...(d.groupName !== undefined ? { groupName: d.groupName } : {}),
      ...(d.groupId !== undefined ? { groupId: d.groupId } : {}),
    }));
  }

  snapshotTasks(): SandboxTaskState[] {
    const nowMs = this.now();
    return this.tasks.map((t) => ({
      taskNo: t.taskNo,
      requestId: t.requestId,
      action: t.action,
      createdAtMs: t.createdAtMs,
      startsAtMs: t.startsAtMs,
      doneAtMs: t.doneAtMs,
      listedAtMs: t.listedAtMs,
      ...(t.couponNo !== undefined ? { couponNo: t.couponNo } : {}),
      ...(t.promotionNo !== undefined ? { promotionNo: t.promotionNo } : {}),
      details: t.details.map((d) => {
        const status = this.detailStatus(t, d, nowMs);
        return {
          taskDetailNo: d.taskDetailNo,
          domainName: d.domainName,
          instanceId: d.instanceId,
          years: d.years,
          currentExpirationDate: d.currentExpirationDate,
          permitPremiumRenew: d.permitPremiumRenew,
          status,
          statusCode: STATUS_CODES[status],
          errorMsg: d.outcome?.errorMsg ?? '',
          ...(d.outcome?.failReason !== undefined ? { failReason: d.outcome.failReason } : {}),
          updatedAtMs: d.outcome?.atMs ?? t.createdAtMs,
        };
      }),
    }));
  }
}

/** Whether `amount` has at most two decimals and fits exactly in integer hundredths. */
export function isAmount(amount: number): boolean {
  return Math.abs(amount) < 1e13 && /^-?\d+(?:\.\d{1,2})?$/.test(String(amount));
}

/** An amount in the account currency -> integer hundredths, read through its decimal text (never float sums). */
export function toCents(amount: number): number {
  const m = /^(-?)(\d+)(?:\.(\d{1,2}))?$/.exec(String(amount));
  if (!m) throw new RangeError(`not an amount with at most two decimals: ${amount}`);
  const cents = Number(m[2]) * 100 + Number((m[3] ?? '').padEnd(2, '0'));
  return m[1] === '-' ? -cents : cents;
}

/** Hundredths -> a two-decimal string such as `-11.19` (the BSS style). */
export function formatCents(cents: number): string {
  const abs = Math.abs(cents);
  return `${cents < 0 ? '-' : ''}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

/** TaskDetail numbering: 0 waiting, 1 executing, 2 success, 3 failure. */
export const STATUS_CODES = {
  WAITING_EXECUTE: 0,
  EXECUTING: 1,
  EXECUTE_SUCCESS: 2,
  EXECUTE_FAILURE: 3,
} as const satisfies Record<DetailStatus, 0 | 1 | 2 | 3>;
