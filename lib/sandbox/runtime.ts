import type { Credentials } from './auth';
import type { SandboxModel } from './model';
import type { NonceCache } from './nonces';
import type { Prng } from './prng';
import type { Sleeper } from './sleeper';
import type { SandboxFaultRecord, SandboxFaultSettings, SandboxRequestCounts, SandboxState } from './types';

/** Keep at most this many fault records in the state (the counters keep counting). */
const MAX_FAULT_RECORDS = 10_000;

/** Everything one running sandbox holds; shared by the API handler and the control routes. */
export interface Runtime {
  model: SandboxModel;
  creds: Credentials;
  /** The read-only key pair: authenticates like `creds`, refused for paid actions. */
  readOnlyCreds: Credentials;
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
  rt.faultsInjected.push({ kind, action, atMs: rt.model.now() });
}

/** A JSON-serialisable snapshot, after applying every task effect due by now. */
export function snapshotState(rt: Runtime): SandboxState {
  rt.model.settle();
  return structuredClone({
    nowMs: rt.model.now(),
    balance: rt.model.balance,
    currency: rt.model.currency,
    domains: rt.model.snapshotDomains(),
    tasks: rt.model.snapshotTasks(),
    submissions: rt.model.submissions,
    renewals: rt.model.renewals,
    requests: rt.counts,
    faultsInjected: rt.faultsInjected,
    faults: rt.faults,
  });
}
