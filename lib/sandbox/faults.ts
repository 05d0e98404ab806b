import { InputError } from '../errors';
import type { Prng } from './prng';
import type { SandboxFaultSettings, SandboxFaults, SandboxRefusal } from './types';

/** The outcome of one request's fault draw (executeThenFail is decided after it, see decideEffects). */
export type FaultDecision = 'throttle' | 'error' | 'lose' | 'none';

/** Every key of the fault settings, in the order the echo shows them. */
export const FAULT_KEYS = [
  'latencyMs',
  'throttleRate',
  'errorRate',
  'loseRate',
  'executeThenFailRate',
  'executeThenFailCode',
  'executeThenFailStatus',
  'taskQueueMs',
  'taskListLagMs',
  'taskJitterMs',
  'expiryTruncation',
  'nameFormFlipRate',
  'pageShiftRate',
  'refusals',
  'actions',
] as const satisfies readonly (keyof SandboxFaults)[];

// Compile-time check that FAULT_KEYS lists every key of SandboxFaults.
type MissingKeys = Exclude<keyof SandboxFaults, (typeof FAULT_KEYS)[number]>;
const allKeysListed: [MissingKeys] extends [never] ? true : MissingKeys = true;
void allKeysListed;

export const DEFAULT_EXECUTE_THEN_FAIL_CODE = 'InternalError.Backend';

/** The settings with nothing injected. */
export const NO_FAULTS: Readonly<SandboxFaultSettings> = Object.freeze({
  latencyMs: 0,
  throttleRate: 0,
  errorRate: 0,
  loseRate: 0,
  executeThenFailRate: 0,
  executeThenFailCode: DEFAULT_EXECUTE_THEN_FAIL_CODE,
  executeThenFailStatus: 400,
  taskQueueMs: 0,
  taskListLagMs: 0,
  taskJitterMs: 0,
  expiryTruncation: 'none',
  nameFormFlipRate: 0,
  pageShiftRate: 0,
  refusals: null,
  actions: null,
});

/** The ways a switched-off Action can refuse (SandboxFaults.refusals). */
export const REFUSALS: readonly SandboxRefusal[] = ['InvalidAction', 'Forbidden', 'SuccessFalse'];

/** The rates that share one draw per request (their sum must not exceed 1). */
const OUTCOME_RATE_KEYS = ['throttleRate', 'errorRate', 'loseRate'] as const;
/** Rates with a draw of their own. */
const OWN_RATE_KEYS = ['executeThenFailRate', 'nameFormFlipRate', 'pageShiftRate'] as const;
const MS_KEYS = ['latencyMs', 'taskQueueMs', 'taskListLagMs', 'taskJitterMs'] as const;
const TRUNCATIONS = ['none', 'day'] as const;
const CODE_RE = /^[A-Za-z][A-Za-z0-9]*(\.[A-Za-z0-9]+)*$/;
/** Codes that may carry a 5xx status. */
const SERVER_CODE_RE = /^(InternalError|ServiceUnavailable)/;

/** The Actions that create renewal tasks (taskQueueMs, taskListLagMs and taskJitterMs apply to them). */
export const TASK_ACTIONS: ReadonlySet<string> = new Set([
  'SaveBatchTaskForCreatingOrderRenew',
  'SaveSingleTaskForCreatingOrderRenew',
]);
/** The Actions that report a domain's expiry (expiryTruncation applies to them). */
const LOOKUP_ACTIONS: ReadonlySet<string> = new Set(['QueryDomainList', 'QueryDomainByDomainName']);
const LIST_ACTION = 'QueryDomainList';

/**
 * Checks fault settings and returns a clean copy of the keys given (`actions: null` = absent). Throws InputError
 * naming the key: unknown keys (listing the allowed ones), rates outside 0..1, throttle + error + lose rates over 1,
 * negative or non-numeric ms, a malformed code, a status outside 400-599 (5xx only with a code starting
 * InternalError or ServiceUnavailable), a truncation other than "none"/"day", actions that are not a list of names.
 */
export function normalizeFaults(input: SandboxFaults, where = 'faults'): SandboxFaults {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new InputError(`${where} must be an object of fault settings`);
  }
  const f = input as Record<string, unknown>;
  const unknown = Object.keys(f).filter((k) => !(FAULT_KEYS as readonly string[]).includes(k));
  if (unknown.length > 0) {
    const names = unknown.map((k) => `"${k}"`).join(', ');
    throw new InputError(
      `${where}: unknown fault key${unknown.length > 1 ? 's' : ''} ${names}; allowed keys: ${FAULT_KEYS.join(', ')}`,
    );
  }
  const out: SandboxFaults = {};
  for (const key of MS_KEYS) {
    const v = f[key];
    if (v === undefined) continue;
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) {
      throw new InputError(`${where}.${key} must be a number of ms >= 0, got ${JSON.stringify(v)}`);
    }
    out[key] = v;
  }
  for (const key of [...OUTCOME_RATE_KEYS, ...OWN_RATE_KEYS]) {
    const v = f[key];
    if (v === undefined) continue;
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || v > 1) {
      throw new InputError(`${where}.${key} must be a fraction between 0 and 1, got ${JSON.stringify(v)}`);
    }
    out[key] = v;
  }
  const sum = OUTCOME_RATE_KEYS.reduce((s, k) => s + (out[k] ?? 0), 0);
  if (sum > 1) throw new InputError(`${where}: throttleRate + errorRate + loseRate must not exceed 1, got ${sum}`);
  const code = f.executeThenFailCode;
  if (code !== undefined) {
    if (typeof code !== 'string' || code.length > 64 || !CODE_RE.test(code)) {
      throw new InputError(
        `${where}.executeThenFailCode must be an error code such as "InternalError.Backend", got ${JSON.stringify(code)}`,
      );
    }
    out.executeThenFailCode = code;
  }
  const status = f.executeThenFailStatus;
  if (status !== undefined) {
    if (typeof status !== 'number' || !Number.isInteger(status) || status < 400 || status > 599) {
      throw new InputError(
        `${where}.executeThenFailStatus must be an HTTP status from 400 to 599, got ${JSON.stringify(status)}`,
      );
    }
    out.executeThenFailStatus = status;
  }
  const effectiveCode = out.executeThenFailCode ?? DEFAULT_EXECUTE_THEN_FAIL_CODE;
  if ((out.executeThenFailStatus ?? 400) >= 500 && !SERVER_CODE_RE.test(effectiveCode)) {
    throw new InputError(
      `${where}.executeThenFailStatus ${out.executeThenFailStatus} (5xx) is only allowed with an executeThenFailCode starting with InternalError or ServiceUnavailable, got "${effectiveCode}"`,
    );
  }
  const truncation = f.expiryTruncation;
  if (truncation !== undefined) {
    if (!(TRUNCATIONS as readonly unknown[]).includes(truncation)) {
      throw new InputError(`${where}.expiryTruncation must be "none" or "day", got ${JSON.stringify(truncation)}`);
    }
    out.expiryTruncation = truncation as NonNullable<SandboxFaults['expiryTruncation']>;
  }
  const refusals = f.refusals;
  if (refusals !== undefined && refusals !== null) {
    if (typeof refusals !== 'object' || Array.isArray(refusals)) {
      throw new InputError(`${where}.refusals must be an object such as {"CheckDomain": "InvalidAction"} (or null)`);
    }
    for (const [action, how] of Object.entries(refusals)) {
      if (!(REFUSALS as readonly unknown[]).includes(how)) {
        throw new InputError(
          `${where}.refusals.${action} must be one of ${REFUSALS.map((r) => `"${r}"`).join(', ')}, got ${JSON.stringify(how)}`,
        );
      }
    }
    out.refusals = { ...(refusals as Record<string, SandboxRefusal>) };
  }
  const actions = f.actions;
  if (actions !== undefined && actions !== null) {
    if (!Array.isArray(actions) || actions.some((a) => typeof a !== 'string')) {
      throw new InputError(`${where}.actions must be a list of Action names (or null for all)`);
    }
    out.actions = [...actions];
  }
  return out;
}

/** Validates like {@link normalizeFaults} and returns the complete settings (defaults for absent keys). */
export function resolveFaults(input: SandboxFaults, where = 'faults'): SandboxFaultSettings {
  const given = normalizeFaults(input, where);
  const out: SandboxFaultSettings = { ...NO_FAULTS };
  for (const key of FAULT_KEYS) {
    if (given[key] !== undefined) Object.assign(out, { [key]: given[key] });
  }
  return out;
}

/** Rolls the dice once for a request: one draw decides throttle, error, lose or nothing. */
export function decideFault(faults: SandboxFaults, action: string, rng: Prng): FaultDecision {
  if (faults.actions && !faults.actions.includes(action)) return 'none';
  const t = faults.throttleRate ?? 0;
  const e = faults.errorRate ?? 0;
  const l = faults.loseRate ?? 0;
  if (t + e + l === 0) return 'none';
  const r = rng.next();
  if (r < t) return 'throttle';
  if (r < t + e) return 'error';
  if (r < t + e + l) return 'lose';
  return 'none';
}

/** Whether the faults apply to this action. */
export function appliesTo(faults: SandboxFaults, action: string): boolean {
  return !faults.actions || faults.actions.includes(action);
}

/** What the faults do to one request beyond throttle/error/lose (handed to the operation). */
export interface RequestEffects {
  /** Execute, then answer the executeThenFail error instead of the result. */
  executeThenFail: boolean;
  /** Extra simulated ms a task created by this request waits before executing (taskQueueMs + its jitter). */
  taskDelayMs: number;
  /** Simulated ms after creation before a task created by this request shows in QueryTaskList. */
  taskListLagMs: number;
  /**
   * Whether a task created now accepts a CurrentExpirationDate at 00:00:00Z of the expiry's UTC day as current
   * (set while expiryTruncation is "day", whatever `actions` says: the client got that date from a look-up).
   */
  acceptDayExpiry: boolean;
  /** Report expiries cut down to the start of their UTC day. */
  truncateExpiry: boolean;
  /** Give IDNs in the other form (QueryDomainList). */
  flipNames: boolean;
  /** Add a domain before listing (QueryDomainList). */
  shiftDomains: boolean;
}

/**
 * Decides the effects for a request that {@link decideFault} let through (not throttled or errored; a lost one
 * included, its answer is dropped anyway). Draws from `rng` only for a rate or jitter that is set and applies, in
 * a fixed order (executeThenFail, jitter, page shift, name flip), so runs are reproducible per seed and settings
 * that leave these at 0 keep a seed's earlier sequence.
 */
export function decideEffects(
  faults: SandboxFaultSettings,
  action: string,
  rng: Prng,
  outcome: FaultDecision,
): RequestEffects {
  const applies = appliesTo(faults, action);
  const createsTask = applies && TASK_ACTIONS.has(action);
  const lists = applies && action === LIST_ACTION;
  const roll = (rate: number) => rate > 0 && rng.next() < rate;
  const executeThenFail = applies && outcome === 'none' && roll(faults.executeThenFailRate);
  const jitter = createsTask && faults.taskJitterMs > 0 ? rng.int(0, Math.floor(faults.taskJitterMs)) : 0;
  return {
    executeThenFail,
    taskDelayMs: createsTask ? faults.taskQueueMs + jitter : 0,
    taskListLagMs: createsTask ? faults.taskListLagMs : 0,
    acceptDayExpiry: TASK_ACTIONS.has(action) && faults.expiryTruncation === 'day',
    truncateExpiry: applies && LOOKUP_ACTIONS.has(action) && faults.expiryTruncation === 'day',
    shiftDomains: lists && roll(faults.pageShiftRate),
    flipNames: lists && roll(faults.nameFormFlipRate),
  };
}
