/**
 * The ledger port: the durable record of every renewal attempt (claim) and every submission (batch).
 * It is the guard of money-safety invariants M1 (at most once) and M2 (no lost TaskNo), see docs/design.md.
 * All times are epoch milliseconds (UTC). Domain names are stored lower-cased.
 *
 * Every write is conditional: new items on non-existence, updates on `version` (optimistic concurrency). Each write
 * carries a fresh `writeId`, so when an SDK retry of a write that did succeed reports a condition failure, the
 * adapter re-reads the item and recognises its own write instead of reporting a conflict.
 */

import type { Money } from '../money';

/**
 * CLAIMED covers "claimed, and possibly submitted": the renew job does not write each claim again after the submit,
 * because the batch record (status, TaskNo) already says so and a CLAIMED claim is just as live. SUBMITTED is set
 * when reconciliation adopts a lost submit's task; RENEWED/FAILED by the check job; UNKNOWN on an ambiguous submit.
 */
export type ClaimStatus = 'CLAIMED' | 'SUBMITTED' | 'RENEWED' | 'FAILED' | 'UNKNOWN';

/** One renewal attempt key: a domain and the expiry it had when we decided to renew it. */
export interface ClaimKey {
  domain: string;
  expiryMs: number;
}

export interface Claim extends ClaimKey {
  status: ClaimStatus;
  /** Batch that holds (or last held) this claim. */
  batchId: string;
  /** Attempt id of the run that holds the claim. */
  attemptId: string;
  /** Submissions of this key that the registrar reported failed (or that were released as failed). */
  attempts: number;
  years: number;
  claimedAtMs: number;
  updatedAtMs: number;
  /** FAILED only: not claimable again before this time. */
  nextEligibleAtMs?: number;
  taskNo?: string;
  /** TaskNos of earlier, failed submissions of this key (kept across a takeover; reconciliation must not adopt them). */
  previousTaskNos?: string[];
  /** RENEWED only: the expiry confirmed from the registrar after renewal. */
  newExpiryMs?: number;
  /** Registrar code or our reason for the last failure, e.g. `InsufficientBalance` or `not-submitted`. */
  code?: string;
  message?: string;
  /**
   * Refused with the rest of a batch of several: whose fault it was is not known, so the next submit of this key
   * goes in a batch of its own (and that one counts an attempt if refused).
   */
  alone?: boolean;
  /** Optimistic-concurrency version; set by the adapter. */
  version: number;
}

export interface ClaimRequest extends ClaimKey {
  batchId: string;
  attemptId: string;
  years: number;
  nowMs: number;
  /** A FAILED claim is re-claimable only while `attempts < maxAttempts` and its backoff has passed. */
  maxAttempts: number;
}

export type ClaimResult = { ok: true; claim: Claim } | { ok: false; existing: Claim };

export type BatchStatus = 'INTENT' | 'SUBMITTED' | 'UNKNOWN' | 'CLOSED';

export type EntryOutcome = 'RENEWED' | 'FAILED' | 'NOT_SUBMITTED';

export interface BatchEntry extends ClaimKey {
  years: number;
  permitPremium: boolean;
  /** What this renewal was quoted to cost (price x years), when a source priced it. */
  price?: Money;
  /** `price` is no quote: unpriced, counted at limits.maxPricePerDomain (money.unpriced "renew"). */
  priceAssumed?: true;
  outcome?: EntryOutcome;
  /**
   * The last instant (epoch ms) the renew planner still buys it, from the policy when it was planned (plan.ts
   * lastBuyMsOf): check names a failure whose retry backoff ends later as not retried. Absent on older entries.
   */
  lastBuyMs?: number;
  newExpiryMs?: number;
  message?: string;
  /**
   * A FAILED entry whose line a published digest already carried (a failure goes out at once, while batch-mates
   * still run): the close's whole-result notice leaves it out, so the same failure is not told twice.
   */
  announced?: true;
}

/**
 * Events a batch still has to be notified for (kept until the publish succeeded). `resolved`: an earlier unknown
 * or stuck batch settled; `expiry-moved`: an expiry moved but not to old + years; `orphaned`: check repaired live
 * claims this batch had left behind; `lapse-risk`: a domain of an unsettled batch expires before release is allowed.
 */
export const PENDING_NOTICES = [
  'submitted',
  'final',
  'unknown',
  'stuck',
  'resolved',
  'expiry-moved',
  'orphaned',
  'lapse-risk',
] as const;
export type PendingNotice = (typeof PENDING_NOTICES)[number];

export interface Batch {
  batchId: string;
  runId: string;
  attemptId: string;
  status: BatchStatus;
  createdAtMs: number;
  updatedAtMs: number;
  couponNo?: string;
  promotionNo?: string;
  /**
   * INTENT: the planned domains (some may end up held by another run's claim); from the submit start on: exactly
   * the domains this batch claimed and sent.
   */
  entries: BatchEntry[];
  /** Set when the submit call was about to be sent; reconciliation looks for tasks from here on. */
  submitStartedAtMs?: number;
  /**
   * The budgets the send took for `entries` (renewal/budgets.ts), written with the submit start: the UTC day (the
   * domain count, and the day's money with `daySpend`) and month (money, with `monthSpend`). An UNKNOWN submit that
   * check releases as never created gives back exactly these (reconcile.ts giveBackUnbought); absent on older items.
   */
  budgetTaken?: { day: string; month: string; currency: string; daySpend?: true; monthSpend?: true };
  taskNo?: string;
  requestId?: string;
  submittedAtMs?: number;
  closedAtMs?: number;
  error?: { code?: string; message: string; requestId?: string };
  /**
   * Empty QueryTaskList reads made while settling an UNKNOWN batch (epoch ms of each read whose range covered the
   * submit time and found no ORDER_RENEW task with any of the batch's domains). The release rule needs two, 1 h apart.
   */
  emptyTaskReadsAtMs?: number[];
  /** Domains whose expiry moved to something other than old + years, with what was read (epoch ms). */
  movedExpiries?: { domain: string; expiryMs: number }[];
  /** Domains whose live claims check repaired (see `orphaned`). */
  repaired?: string[];
  /** When the stuck notice was last queued; it is repeated daily while the batch stays open. */
  stuckNotifiedAtMs?: number;
  /** `lapse-risk`: when the batch may be released (epoch ms); the alert names the entries expiring before it. */
  lapseRiskBeforeMs?: number;
  /** Notices not yet delivered. The batch stays in the open index while this is non-empty. */
  pendingNotices: PendingNotice[];
  /** Notices delivered, so none is sent twice. */
  sentNotices: PendingNotice[];
  version: number;
}

export interface BudgetRequest {
  /** Budget name, e.g. `domains`. */
  name: string;
  /** Period the budget is for, e.g. the UTC day `2026-12-02`. */
  period: string;
  amount: number;
  cap: number;
  nowMs: number;
  /** The one budget every account of the ledger shares (the global cap), instead of this account's own. */
  shared?: boolean;
}

/**
 * A person's veto on one domain (`autorenew hold`): the planner never buys a held domain while the hold lasts.
 * Keyed by the domain (normalised: lower case, punycode); one hold per domain, a new one replaces it.
 */
export interface Hold {
  domain: string;
  /** The hold ends at this instant (epoch ms); absent = until `unhold`. */
  untilMs?: number;
  /** Why, in the operator's words (bounded, redacted before storing). */
  reason?: string;
  createdAtMs: number;
}

/** The last run of a job, for `autorenew status`. */
export interface RunRecord {
  job: 'renew' | 'check';
  runId: string;
  startedAtMs: number;
  finishedAtMs: number;
  ok: boolean;
  summary: Record<string, number>;
  error?: string;
  /**
   * The registrar endpoint the run worked against, written by a CLI run on the embedded ledger: `hold` there counts
   * only a run against its own account's endpoint (a trial run against the sandbox proved nothing about the real
   * account's renew runs: review 2026-12-06, round 6). Absent on the Lambda's records and older ones.
   */
  endpoint?: string;
  /**
   * The deployment's account names ('' the unnamed one), written by the Lambda's runs: a CLI read from a shell that
   * configures fewer accounts is told which it does not see (review 2026-12-07). Absent on CLI and older records.
   */
  accounts?: string[];
  /**
   * When the job last completed a run, epoch ms: this record's `finishedAtMs` for a run that went through its report
   * (failures or not); for a run that failed as a whole or was stopped, carried from the record before it, 0 when
   * none is known. The other job's silence line counts from it (review 2026-12-07, twenty-ninth session: a renew job
   * failing every day before its plan counted as running). Absent on older records: read as their `finishedAtMs`.
   */
  lastCompletedAtMs?: number;
  /**
   * The hash of the policy the run used (policy/hash.ts policyHash), written by the Lambda's runs: a buying CLI run on
   * the stage's table with another policy is refused unless told (review 2026-12-07, thirtieth session: a laptop's
   * policy file bought a renewal the deployed policy let lapse). Absent on CLI and older records.
   */
  policyHash?: string;
  /**
   * The hash of what that policy decides, without its comments (policy/hash.ts policyRulesHash): compared instead of
   * `policyHash` when present, so a copy of the deployed file with other comments is not refused. Absent on CLI
   * records and on records of versions before 2026-12-08.
   */
  policyRulesHash?: string;
}

export interface Ledger {
  /** Create a new batch (version 1). Fails with LedgerError if the id exists and is not our own write. */
  putBatchIntent(batch: Omit<Batch, 'version'>): Promise<Batch>;
  /** Replace a batch if its stored version still equals `batch.version`; returns it with the new version. */
  saveBatch(batch: Batch): Promise<Batch>;
  /** Strongly consistent read. */
  getBatch(batchId: string): Promise<Batch | undefined>;
  /** Batches in the open index (not CLOSED, or with pending notices), oldest first, re-read consistently. */
  listOpenBatches(): Promise<Batch[]>;
  /** Most recent batches (any status), newest first. */
  listRecentBatches(limit: number): Promise<Batch[]>;

  /** Take the claim for (domain, expiry), see ClaimRequest for when an existing claim may be taken over. */
  claim(request: ClaimRequest): Promise<ClaimResult>;
  /** Replace a claim if its stored version still equals `claim.version`; returns it with the new version. */
  saveClaim(claim: Claim): Promise<Claim>;
  /** Strongly consistent reads of the given keys; missing keys are absent from the result. */
  getClaims(keys: readonly ClaimKey[]): Promise<Claim[]>;
  /** Every claim of one domain, newest expiry first. */
  listClaimsForDomain(domain: string): Promise<Claim[]>;

  /** Every live claim (CLAIMED, SUBMITTED, UNKNOWN), for check's orphan sweep. A full read of the claims. */
  listLiveClaims(): Promise<Claim[]>;

  /**
   * Takes up to `amount` from the budget `name` for `period` (e.g. a UTC day), never letting its use pass `cap`,
   * with a conditional update so overlapping runs share one budget. Returns how much was granted (0..amount).
   */
  takeBudget(request: BudgetRequest): Promise<number>;
  /** Gives back `amount` taken but not used (best effort: a failure only under-spends). */
  returnBudget(request: Omit<BudgetRequest, 'cap'>): Promise<void>;

  /** Which of these one-time marks (e.g. a will-lapse notice already sent) exist, with when each was put (ms). */
  getMarks(keys: readonly string[]): Promise<Map<string, number>>;
  /** Records one-time marks; kept for the retention period. */
  putMarks(keys: readonly string[], nowMs: number): Promise<void>;

  recordRun(run: RunRecord): Promise<void>;
  lastRuns(): Promise<RunRecord[]>;
  /** The last recorded run of `job` (one consistent GetItem: the check role has no Query on the table). */
  lastRun(job: RunRecord['job']): Promise<RunRecord | undefined>;

  /**
   * Stores holds in one write, each replacing any hold of the same domain: all or none (`autorenew hold a b` whose
   * second hold did not fit kept the first, and said nothing was written: review 2026-12-07, thirty-first session).
   */
  putHolds(holds: readonly Hold[]): Promise<void>;
  /** Removes a domain's hold; true when there was one. */
  deleteHold(domain: string): Promise<boolean>;
  /** Every hold, expired ones included (the caller compares `untilMs` with its clock), sorted by domain. */
  listHolds(): Promise<Hold[]>;

  /** The renewals the renew job watches for (lib/renewal/watch.ts): one consistent read of one item. */
  readWatch(): Promise<WatchEntry[]>;
  /**
   * Replaces the watch list with `change(current)` (a versioned write of its one item, re-read and re-applied when a
   * rival wrote in between); `change` returns undefined for "no change".
   */
  changeWatch(change: (current: readonly WatchEntry[]) => WatchEntry[] | undefined): Promise<void>;

  /**
   * The last whole-account listing (lib/renewal/inventory.ts): its head item and the chunks it names, read
   * consistently; undefined when none is stored, or when a chunk of it is gone (expired: a new one is taken).
   */
  readInventory(): Promise<Inventory | undefined>;
  /** When the last whole-account listing was taken (epoch ms; its head item alone), undefined when none is stored. */
  readInventoryTakenAt(): Promise<number | undefined>;
  /**
   * Stores a whole-account listing: its chunks under a new generation, then the head that names them, unless one
   * taken later is stored already (then the head is not written, and the chunks expire unread). The chunks are kept
   * 60 days from `nowMs` (epoch ms, the write's time): a run that cannot retake it writes it again.
   */
  putInventory(inventory: Inventory, nowMs: number): Promise<void>;
}

/**
 * The names a whole-account listing showed (lib/renewal/inventory.ts), taken about weekly: a domain that left the
 * listing before its renew window opened was on no watch list, and lapsed unnamed (thirty-second session).
 */
export interface Inventory {
  /** When its listing was read (epoch ms). */
  takenAtMs: number;
  /** Every name listed (normalised) at its listed expiry (epoch ms), with its group. */
  entries: InventoryEntry[];
}

export interface InventoryEntry {
  domain: string;
  expiryMs: number;
  /** Its resource group as listed (a policy's `groups` rules match it). */
  groupName?: string;
  /** The listing could not say its group (ListedDomain.groupUnstated). */
  groupUnstated?: true;
}

/**
 * A renewal a renew run found due or announced (lib/renewal/watch.ts): kept until the listing shows it renewed, the
 * registrar says the domain left the account, or its grace period is over, so a domain the listing stops showing is
 * still named (review 2026-12-07).
 */
export interface WatchEntry {
  /** Normalised (lower case, punycode). */
  domain: string;
  /** The expiry it was listed at (epoch ms). */
  expiryMs: number;
  /** When a run first found it (epoch ms). */
  seenAtMs: number;
  /** When a run last looked it up, not listed (epoch ms): the look-ups go round, the longest unlooked first. */
  lookedAtMs?: number;
  /** The group it was last listed in (a name that left the whole-account listing: renewal/inventory.ts). */
  groupName?: string;
  /** The listing that last showed it could not say its group. */
  groupUnstated?: true;
  /**
   * It left the whole-account listing (renewal/inventory.ts) and the account may still hold it: found renewed, it is
   * watched at its new expiry rather than dropped (a domain moved out of the listing after its renewal lapsed a year
   * later, unnamed), until the whole listing shows it again, the registrar no longer finds it, or its grace is over.
   */
  hidden?: true;
}
