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
  /** What the accounts of one run share about claims (the accounts room, in memory). Absent with one account. */
  runClaims?: RunClaims;
  /** Milliseconds left before the platform kills the job (Lambda's getRemainingTimeInMillis); absent = unlimited. */
  remainingMs?: () => number;
}

/** The claims state the accounts of one run share (lib/jobs/accounts.ts AccountsRoom.claimsFor). */
export interface RunClaims {
  /**
   * Takes `entries` (domain and expiry) for this account: returns the claimKeys of those it may buy, every one no
   * other account of the run took first (at the same listed expiry: expiry.ts isSameListedExpiry). Called with
   * claims durable and before the paid call.
   */
  take(entries: readonly ClaimKey[]): ReadonlySet<string>;
  /** Records an attempt id (`runId/batchId`) under which an account of this run writes claims, before it writes. */
  noteAttempt(attemptId: string): void;
  /**
   * Whether claims under `attemptId` were written by an account of this run: the room decides between them, so the
   * peer read leaves them out. By the ids written in this process, not by run id: Lambda may deliver one event
   * twice under one request id, and the second invocation ignored the first's claims (review 2026-12-06).
   */
  isRunAttempt(attemptId: string): boolean;
  /**
   * Gives back what this account took of `entries` and then did not send (a failure before its paid call, or a
   * refusal that proves nothing executed): an account of the run that takes them after this may buy them. The
   * account that had left one to this one before stays as it is (it does not wait).
   */
  giveBack(entries: readonly ClaimKey[]): void;
}
