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
   * The claims the other accounts of this deployment hold for these keys, and every claim they hold of
   * `wholeDomains` (their ledger keyspaces): a domain moved between accounts, or seen through two keys of one
   * account, is listed under the same (domain, expiry) in both, or the same date cut to the day in one of them
   * (whose precise time only a read of the whole domain finds). Absent with one account.
   */
  peerClaims?: (keys: readonly ClaimKey[], wholeDomains: readonly string[]) => Promise<Claim[]>;
  /**
   * Takes `entries` (domain and expiry) for this account in this run, across the run's accounts (the accounts room,
   * in memory): returns the claimKeys of those this account may buy, every one no other account took first (at the
   * same listed expiry: expiry.ts isSameListedExpiry). Called with claims durable and before the paid call. Absent
   * with one account.
   */
  takeRunClaims?: (entries: readonly ClaimKey[]) => ReadonlySet<string>;
  /** Milliseconds left before the platform kills the job (Lambda's getRemainingTimeInMillis); absent = unlimited. */
  remainingMs?: () => number;
}
