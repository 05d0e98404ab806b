import type { Billing } from '../billing/port';
import type { Clock } from '../clock';
import type { Claim, ClaimKey, Ledger } from '../ledger/port';
import type { Logger } from '../log';
import type { MetricName } from '../metrics';
import type { Notifier } from '../notify/port';
import type { Registrar } from '../registrar/port';

/** Everything the jobs touch of the outside world; handlers and the CLI build it, tests inject their own. */
export interface JobDeps {
  registrar: Registrar;
  /** The account's balance (BSS). Absent only in tests that do not exercise money; every real run builds it. */
  billing?: Billing;
  ledger: Ledger;
  notifier: Notifier;
  clock: Clock;
  log: Logger;
  /** Emits metric counts (EMF in Lambda, nothing locally). */
  metrics: (values: Partial<Record<MetricName, number>>) => void;
  newId: () => string;
  sleep: (ms: number) => Promise<void>;
  /**
   * The claims the other accounts of this deployment hold for these keys (their ledger keyspaces): a domain moved
   * between accounts is listed under the same (domain, expiry) in the new one. Absent with one account.
   */
  peerClaims?: (keys: readonly ClaimKey[]) => Promise<Claim[]>;
  /**
   * Takes `keys` (claimKey: domain and expiry) for this account in this run, across the run's accounts (the
   * accounts room, in memory): returns those this account may buy, every key no other account took first. Called
   * with claims durable and before the paid call. Absent with one account.
   */
  takeRunClaims?: (keys: readonly string[]) => ReadonlySet<string>;
  /** Milliseconds left before the platform kills the job (Lambda's getRemainingTimeInMillis); absent = unlimited. */
  remainingMs?: () => number;
}
