import type { Billing } from '../../lib/billing/port';
import { fixedClock } from '../../lib/clock';
import { RejectedFinalError } from '../../lib/errors';
import { createLogger } from '../../lib/log';
import { type Money, parseMoney } from '../../lib/money';
import type { Notifier, RenderedMessage } from '../../lib/notify/port';
import { parsePolicyText } from '../../lib/policy/load';
import type { Policy } from '../../lib/policy/schema';
import type { ListedDomain } from '../../lib/registrar/port';
import type { CheckSummary } from '../../lib/renewal/check';
import type { JobDeps } from '../../lib/renewal/deps';
import type { SettleRules } from '../../lib/renewal/reconcile';
import { type RenewRun, runRenew } from '../../lib/renewal/run-renew';
import { domainKey } from '../../lib/sandbox/tld';
import { checkOnce } from './check-once';
import { createMemoryLedger, type MemoryLedger } from './memory-ledger';
import { createMemoryRegistrar, type FakeDomain, type MemoryRegistrar } from './memory-registrar';

/**
 * The fast layer's builder: a portfolio, a policy and a clock in one line, on the in-memory registrar and ledger.
 *
 *   const t = await given({ domains: ['a.com+10d', 'b.com+40d'], policy: { limits: { maxBatchSize: 8 } } });
 *   await t.renew(); t.advance('3m'); await t.check();
 *
 * Domains are `name+<n><unit>` (expires that long after `now`; `-` for the past; units d, h, m) with optional
 * words after a space: `premium`, `redemption`, `autorenew` (Alibaba's own auto-renew on). Objects (FakeDomain) are taken as they are.
 */

const UNIT_MS = { d: 86_400_000, h: 3_600_000, m: 60_000, s: 1_000 } as const;
export const DEFAULT_NOW = '2026-11-29T06:00:00Z';

/** `3d`, `-2h`, `90m`, `10s`, or a number of ms. */
export function duration(text: string | number): number {
  if (typeof text === 'number') return text;
  const m = /^([+-]?\d+(?:\.\d+)?)([dhms])$/.exec(text.trim());
  if (!m) throw new Error(`builder: bad duration "${text}" (use e.g. 10d, -2h, 90m)`);
  return Math.round(Number(m[1]) * UNIT_MS[m[2] as keyof typeof UNIT_MS]);
}

export function parseDomain(spec: string | FakeDomain, nowMs: number): FakeDomain {
  if (typeof spec !== 'string') return spec;
  const m = /^(\S+?)([+-]\d+(?:\.\d+)?[dhms])((?:\s+\w+)*)$/.exec(spec.trim());
  if (!m) throw new Error(`builder: bad domain "${spec}" (use e.g. a.com+10d premium)`);
  const words = new Set((m[3] ?? '').trim().split(/\s+/).filter(Boolean));
  for (const w of words) {
    if (w !== 'premium' && w !== 'redemption' && w !== 'autorenew')
      throw new Error(`builder: unknown domain flag "${w}" in "${spec}"`);
  }
  return {
    domainName: m[1] as string,
    expiresAtMs: nowMs + duration(m[2] as string),
    ...(words.has('premium') ? { premium: true } : {}),
    ...(words.has('redemption') ? { standing: 'redemption' as const } : {}),
    ...(words.has('autorenew') ? { autoRenewEnabled: true } : {}),
  };
}

/**
 * A validated policy from `fields` over `{ version: 1 }`. The advance notice is off unless the test sets
 * `notify.advanceDays`: tests about buying buy on the first run; tests about the notice say so.
 */
/** A listed domain as the registrar port returns it: normal standing, not premium, unless `extra` says otherwise. */
export function listedDomain(domainName: string, expiresAtMs: number, extra: Partial<ListedDomain> = {}): ListedDomain {
  return { domainName, instanceId: `S-${domainName}`, expiresAtMs, standing: 'normal', premium: false, ...extra };
}

export function policyOf(fields: Record<string, unknown> = {}): Policy {
  const notify = { advanceDays: 0, ...((fields.notify as Record<string, unknown> | undefined) ?? {}) };
  return parsePolicyText(JSON.stringify({ version: 1, ...fields, notify }), 'test-policy.json');
}

export interface Given {
  policy: Policy;
  clock: ReturnType<typeof fixedClock>;
  registrar: MemoryRegistrar;
  ledger: MemoryLedger;
  /** Records what it publishes; `failNext` makes the next publishes throw (an SNS outage). */
  notifier: Notifier & { sent: RenderedMessage[]; failNext: number };
  logs: string[];
  /** Job deps on the fakes; overrides win. */
  deps(overrides?: Partial<JobDeps>): JobDeps;
  /** Moves the clock forward (`3d`, `2h`, `90m` or ms). */
  advance(by: string | number): void;
  /** A renew run (not dry) with the policy; run ids are numbered r1, r2, ... */
  renew(options?: {
    dryRun?: boolean;
    policy?: Policy;
    deps?: Partial<JobDeps>;
    timeMarginMs?: number;
  }): Promise<RenewRun>;
  /** A check run with the policy; run ids c1, c2, ... (`safeDelayMs` as in production unless given). */
  check(options?: {
    policy?: Policy;
    safeDelayMs?: number;
    deps?: Partial<JobDeps>;
    /** TEST-ONLY weaker settle rules, to show a test catches the hole they reopen. */
    rules?: SettleRules;
  }): Promise<CheckSummary & { notified: boolean }>;
  /** Current expiry of a domain at the registrar. */
  expiry(domainName: string): number | undefined;
  /** Present when `balance` was given. */
  billing?: MemoryBilling;
}

export interface GivenOptions {
  domains?: readonly (string | FakeDomain)[];
  /** Policy fields merged over `{ version: 1 }` and validated (a hand-built Policy goes to renew/check instead). */
  policy?: Record<string, unknown>;
  /** ISO time or epoch ms (default 2026-11-29T06:00Z). */
  now?: string | number;
  /** Simulated ms a task waits and then executes (default 60 s each). */
  taskMs?: number;
  /** The account's cash balance in CNY (e.g. "4455.00"): adds a billing port; absent = no balance check. */
  balance?: string | number;
  /**
   * false: the registrar executes an order whose CurrentExpirationDate is stale (whether Alibaba refuses one is
   * UNCONFIRMED), so a second purchase of one expiry shows as a second renewal. Default true.
   */
  rejectStaleExpiry?: boolean;
}

/** An in-memory billing port: the balance as set; `failing` makes reads throw (BSS refused or down). */
export interface MemoryBilling extends Billing {
  cash: Money;
  failing: boolean;
  reads: number;
}

export async function given(options: GivenOptions = {}): Promise<Given> {
  const nowMs = typeof options.now === 'number' ? options.now : Date.parse(options.now ?? DEFAULT_NOW);
  if (Number.isNaN(nowMs)) throw new Error(`builder: bad time "${String(options.now)}"`);
  const clock = fixedClock(nowMs);
  const policy = policyOf(options.policy);
  const registrar = createMemoryRegistrar({
    clock,
    domains: (options.domains ?? []).map((d) => parseDomain(d, nowMs)),
    ...(options.taskMs !== undefined ? { taskMs: options.taskMs } : {}),
    ...(options.rejectStaleExpiry !== undefined ? { rejectStaleExpiry: options.rejectStaleExpiry } : {}),
  });
  const ledger = createMemoryLedger();
  const billing = options.balance === undefined ? undefined : createMemoryBilling(options.balance);
  const sent: RenderedMessage[] = [];
  const notifier = {
    sent,
    failNext: 0,
    publish: async (message: RenderedMessage) => {
      if (notifier.failNext > 0) {
        notifier.failNext -= 1;
        throw new Error('SNS unavailable (test outage)');
      }
      sent.push(message);
      return { messageId: String(sent.length) };
    },
  };
  const logs: string[] = [];
  let ids = 0;
  let renews = 0;
  let checks = 0;
  const deps = (overrides: Partial<JobDeps> = {}): JobDeps => ({
    registrar,
    ledger,
    ...(billing ? { billing } : {}),
    notifier,
    clock,
    log: createLogger({ level: 'debug', sink: (l) => logs.push(l), now: clock.now }),
    metrics: () => {},
    newId: () => `id-${++ids}`,
    sleep: async () => {},
    ...overrides,
  });
  return {
    policy,
    clock,
    registrar,
    ledger,
    notifier,
    logs,
    deps,
    advance: (by) => clock.advance(duration(by)),
    renew: (o = {}) =>
      runRenew(deps(o.deps), {
        policy: o.policy ?? policy,
        dryRun: o.dryRun ?? false,
        runId: `r${++renews}`,
        ...(o.timeMarginMs !== undefined ? { timeMarginMs: o.timeMarginMs } : {}),
      }),
    check: (o = {}) =>
      checkOnce(deps(o.deps), {
        policy: o.policy ?? policy,
        runId: `c${++checks}`,
        ...(o.safeDelayMs !== undefined ? { safeDelayMs: o.safeDelayMs } : {}),
        ...(o.rules ? { rules: o.rules } : {}),
      }),
    expiry: (name) => registrar.domains.get(domainKey(name))?.expiresAtMs,
    ...(billing ? { billing } : {}),
  };
}

export function createMemoryBilling(balance: string | number, currency = 'CNY'): MemoryBilling {
  const billing: MemoryBilling = {
    cash: parseMoney(balance, currency, 'test balance'),
    failing: false,
    reads: 0,
    async readBalance() {
      billing.reads += 1;
      if (billing.failing)
        throw new RejectedFinalError('QueryAccountBalance refused (test)', { code: 'NotAuthorized' });
      return { availableCash: billing.cash, requestId: `bal-${billing.reads}` };
    },
  };
  return billing;
}

/**
 * A billing port that charges as the registrar executes: `startMinor` (CNY minor units) less 69 CNY a year for every
 * renewal whose task has run by the clock (a .com at the memory registrar's list price); `reads` counts the reads.
 */
export function createChargingBilling(t: Given, startMinor: number): Billing & { reads: number } {
  const billing = {
    reads: 0,
    async readBalance() {
      billing.reads += 1;
      const charged = t.registrar.tasks
        .filter((task) => task.doneAtMs <= t.clock.now())
        .reduce((sum, task) => sum + task.request.items.reduce((s, i) => s + 6900 * i.years, 0), 0);
      return { availableCash: { minor: startMinor - charged, currency: 'CNY' } };
    },
  };
  return billing;
}
