import { InputError } from '../errors';
import type { Prng } from './prng';
import type { SandboxFaults } from './types';

export type FaultDecision = 'throttle' | 'error' | 'lose' | 'none';

const RATE_KEYS = ['throttleRate', 'errorRate', 'loseRate'] as const;

/** Checks fault settings (rates in 0..1 summing to at most 1, latency >= 0) and returns a clean copy. */
export function normalizeFaults(f: SandboxFaults, where = 'faults'): SandboxFaults {
  const out: SandboxFaults = {};
  if (f.latencyMs !== undefined) {
    if (!Number.isFinite(f.latencyMs) || f.latencyMs < 0) {
      throw new InputError(`${where}.latencyMs must be a number of ms >= 0, got ${String(f.latencyMs)}`);
    }
    out.latencyMs = f.latencyMs;
  }
  let sum = 0;
  for (const key of RATE_KEYS) {
    const v = f[key];
    if (v === undefined) continue;
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || v > 1) {
      throw new InputError(`${where}.${key} must be a fraction between 0 and 1, got ${String(v)}`);
    }
    out[key] = v;
    sum += v;
  }
  if (sum > 1) throw new InputError(`${where}: throttleRate + errorRate + loseRate must not exceed 1, got ${sum}`);
  if (f.actions !== undefined) {
    if (!Array.isArray(f.actions) || f.actions.some((a) => typeof a !== 'string')) {
      throw new InputError(`${where}.actions must be a list of Action names`);
    }
    out.actions = [...f.actions];
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

/** Whether latency applies to this action. */
export function appliesTo(faults: SandboxFaults, action: string): boolean {
  return !faults.actions || faults.actions.includes(action);
}
