import { findAccountByName, type ModelAccount } from './accounts';
import type { SimClock } from './clock';
import { toCents } from './model';
import type { NonceCache } from './nonces';
import type { Prng } from './prng';
import type { Sleeper } from './sleeper';
import type { SandboxFaultRecord, SandboxFaultSettings, SandboxRequestCounts, SandboxState } from './types';

/** Keep at most this many fault records in the state (the counters keep counting). */
const MAX_FAULT_RECORDS = 10_000;

/** Everything one running sandbox holds; shared by the API handler and the control routes. */
export interface Runtime {
  /** The primary account first, then options.accounts in order; each request is routed by its AccessKeyId. */
  accounts: ModelAccount[];
  /** Shared by every account's model. */
  clock: SimClock;
  nonces: NonceCache;
  /** Dice for faults (seeded, separate from generation). */
  rng: Prng;
  faults: SandboxFaultSettings;
  counts: SandboxRequestCounts;
  faultsInjected: SandboxFaultRecord[];
  sleeper: Sleeper;
  maxPageSize: number;
  maxBatch: number;
}

/** Moves the shared clock, then applies every account's task effects due by the new time. */
export function setSharedClock(rt: Runtime, c: { nowMs?: number; advanceMs?: number }): void {
  rt.clock.set(c);
  for (const account of rt.accounts) account.model.settle();
}

/** Sets (`set`) or tops up (`add`) an account's balance, never below 0 this way; returns the new balance. */
export function changeBalance(rt: Runtime, change: { set?: number; add?: number }, accountName?: string): number {
  const model = findAccountByName(rt.accounts, accountName).model;
  const cents = change.set !== undefined ? toCents(change.set) : model.balanceCents + toCents(change.add ?? 0);
  model.balanceCents = Math.max(0, cents);
  return model.balance;
}

/** Fresh counters. */
export function createCounts(): SandboxRequestCounts {
  return { total: 0, lost: 0, throttled: 0, errored: 0, authFailed: 0, executeThenFailed: 0 };
}

/** Adds one to a counter. */
export function countRequest(rt: Runtime, key: string): void {
  rt.counts[key] = (rt.counts[key] ?? 0) + 1;
}

/** Remembers an injected fault. */
export function recordFault(rt: Runtime, kind: SandboxFaultRecord['kind'], action: string): void {
  if (rt.faultsInjected.length >= MAX_FAULT_RECORDS) rt.faultsInjected.shift();
  rt.faultsInjected.push({ kind, action, atMs: rt.clock.now() });
}

/**
 * A JSON-serialisable snapshot of one account (absent or '': the primary), after applying every task effect due by
 * now. Request counters and faults are sandbox-wide. Throws UnknownAccountError for an unknown name.
 */
export function snapshotState(rt: Runtime, accountName?: string): SandboxState {
  const model = findAccountByName(rt.accounts, accountName).model;
  model.settle();
  return structuredClone({
    nowMs: model.now(),
    balance: model.balance,
    currency: model.currency,
    domains: model.snapshotDomains(),
    tasks: model.snapshotTasks(),
    submissions: model.submissions,
    renewals: model.renewals,
    requests: rt.counts,
    faultsInjected: rt.faultsInjected,
    faults: rt.faults,
  });
}
