/**
 * What each deployed job may call on AWS: the one table the two execution roles are generated from
 * (scripts/iam-facts.mjs writes dist/iam.json at packaging time, scripts/roles.cjs turns it into the roles of
 * serverless.yml). test/integration/iam-usage.test.ts runs both Lambda handlers against recording loopback stand-ins
 * and fails when a job makes a call its role lacks, or when a role holds an action its job never uses.
 *
 * To give a job a new ledger call:
 * 1. declare the DynamoDB requests of the new Ledger method in LEDGER_METHOD_ACCESS (tsc fails until every method of
 *    the Ledger port is declared there);
 * 2. list the method under the job in JOB_LEDGER_CALLS;
 * 3. if the method replaces a RESERVED_ACCESS entry, delete that entry (a unit test says so).
 */
import { claimPrefix, keyspaceOf, markPrefix, toHoldsKey } from './ledger/items';
import type { Ledger } from './ledger/port';

export const JOBS = ['renew', 'check'] as const;
export type Job = (typeof JOBS)[number];

export type DynamoAction =
  | 'GetItem'
  | 'BatchGetItem'
  | 'PutItem'
  | 'BatchWriteItem'
  | 'UpdateItem'
  | 'DeleteItem'
  | 'Query'
  | 'Scan';

/**
 * `table`: the ledger table's items; `openIndex`: the sparse `open-batches` index (TABLE.openIndex);
 * `claimPartitions`: the table, but only partitions of claims (`dynamodb:LeadingKeys` in CLAIM_PARTITION_PATTERNS),
 * for queries of one domain's claims: no query of batches, runs, budgets or marks; `markPartitions`: only partitions
 * of marks (MARK_PARTITION_PATTERNS), for BatchWriteItem, which carries deletes too (IAM has no separate grant for a
 * batch delete): on the whole table it let either role delete any claim, batch, hold or budget (review 2026-12-07,
 * thirty-first session).
 */
export type LedgerResource = 'table' | 'openIndex' | 'claimPartitions' | 'markPartitions';

/**
 * The partition keys of claim items (lib/ledger/items.ts toClaimKey), as IAM StringLike patterns: the unnamed
 * account's (`DOMAIN#*`) and every named account's (`ACCT#*#DOMAIN#*`).
 */
export const CLAIM_PARTITION_PATTERNS: readonly string[] = [
  `${claimPrefix(keyspaceOf(''))}*`,
  `${claimPrefix(keyspaceOf('*'))}*`,
];

/** The partition keys of mark items (lib/ledger/items.ts toMarkKey), the unnamed account's and every named one's. */
export const MARK_PARTITION_PATTERNS: readonly string[] = [
  `${markPrefix(keyspaceOf(''))}*`,
  `${markPrefix(keyspaceOf('*'))}*`,
];

/**
 * The partition keys of the holds item (lib/ledger/items.ts toHoldsKey), the unnamed account's and every named one's:
 * denied to both roles' writes. Holds are the operator's veto (`autorenew hold`, with the operator's credentials); the
 * roles' PutItem on the table could overwrite them (review 2026-12-07, thirty-first session).
 */
export const HOLD_PARTITION_PATTERNS: readonly string[] = [
  toHoldsKey(keyspaceOf('')).pk,
  toHoldsKey(keyspaceOf('*')).pk,
];

export interface LedgerAccess {
  readonly action: DynamoAction;
  readonly on: LedgerResource;
}

const onTable = (...actions: DynamoAction[]): LedgerAccess[] => actions.map((action) => ({ action, on: 'table' }));

/**
 * The DynamoDB requests each method of the DynamoDB ledger (lib/ledger/dynamodb.ts) sends. Every conditional write
 * re-reads its item (GetItem) after a refused condition, to tell its own retried write from a rival's.
 */
export const LEDGER_METHOD_ACCESS = {
  putBatchIntent: onTable('PutItem', 'GetItem'),
  saveBatch: onTable('PutItem', 'GetItem'),
  getBatch: onTable('GetItem'),
  // The index is KEYS_ONLY: it nominates open batches, BatchGetItem reads them from the table.
  listOpenBatches: [{ action: 'Query', on: 'openIndex' }, ...onTable('BatchGetItem')],
  listRecentBatches: onTable('Scan'),
  // A first claim is a conditional put; a key that holds an item is taken over by a conditional update.
  claim: onTable('PutItem', 'UpdateItem', 'GetItem'),
  saveClaim: onTable('PutItem', 'GetItem'),
  getClaims: onTable('BatchGetItem'),
  listClaimsForDomain: [{ action: 'Query', on: 'claimPartitions' }],
  listLiveClaims: onTable('Scan'),
  // A conditional counter update; a refused condition re-reads the item.
  takeBudget: onTable('UpdateItem', 'GetItem'),
  // A refused give-back re-reads the item: its own lost answer, applied already (the applied slots).
  returnBudget: onTable('UpdateItem', 'GetItem'),
  getMarks: onTable('BatchGetItem'),
  putMarks: [{ action: 'BatchWriteItem', on: 'markPartitions' }],
  recordRun: onTable('PutItem', 'GetItem'),
  lastRuns: onTable('Query'),
  lastRun: onTable('GetItem'),
  // Every hold lives in one item (lib/ledger/items.ts toHoldsKey): a consistent GetItem reads them all, so the renew
  // job needs no Query or Scan for them. Writes are versioned replacements of that item (re-read on a refusal).
  putHolds: onTable('PutItem', 'GetItem'),
  deleteHold: onTable('PutItem', 'GetItem'),
  listHolds: onTable('GetItem'),
  // One item, as the holds: a consistent GetItem, and versioned replacements (re-read on a refusal).
  readWatch: onTable('GetItem'),
  changeWatch: onTable('PutItem', 'GetItem'),
  // A head item (a consistent GetItem) and the chunks it names (BatchGetItem); puts of fresh chunks, then the head's
  // put conditional on its time (a refusal re-reads it).
  readInventory: onTable('GetItem', 'BatchGetItem'),
  readInventoryTakenAt: onTable('GetItem'),
  putInventory: onTable('PutItem', 'GetItem'),
} satisfies Record<keyof Ledger, readonly LedgerAccess[]>;

export type LedgerMethod = keyof typeof LEDGER_METHOD_ACCESS;

/**
 * THE TABLE: the ledger methods each job calls (lib/jobs/ and lib/renewal/*). Methods only the CLI calls
 * (`listRecentBatches` and `lastRuns` for `autorenew status`, `putHolds` and `deleteHold` for `autorenew hold` and
 * `unhold`) run with the operator's own credentials and are granted to no role: no role queries the table except
 * one domain's claims (check's reconciliation; renew's look at a just-finished task).
 */
export const JOB_LEDGER_CALLS: Record<Job, readonly LedgerMethod[]> = {
  renew: [
    'readWatch',
    'changeWatch',
    // About weekly, the whole account's names (lib/renewal/inventory.ts).
    'readInventoryTakenAt',
    'readInventory',
    'putInventory',
    'listOpenBatches',
    'getClaims',
    'takeBudget',
    'returnBudget',
    'claim',
    'putBatchIntent',
    'saveBatch',
    'getBatch',
    'saveClaim',
    'getMarks',
    'putMarks',
    'recordRun',
    // The planner never buys a held domain (`autorenew hold`): one GetItem per run, and one more per batch sent.
    'listHolds',
    // A just-finished renewal task of a domain the run would buy: ours if one of the domain's claims carries it.
    'listClaimsForDomain',
    // The last check run: the renew digest says when check stopped running (jobs/renew.ts describeCheckSilence); and
    // its own, whose last completed run a failed run's record carries (RunRecord.lastCompletedAtMs).
    'lastRun',
  ],
  // listLiveClaims: the orphan sweep; listClaimsForDomain: TaskNos known elsewhere when reconciling an UNKNOWN batch.
  check: [
    'listOpenBatches',
    'getBatch',
    'saveBatch',
    'getClaims',
    'saveClaim',
    'listLiveClaims',
    'listClaimsForDomain',
    // Per-target chat delivery marks (lib/notify/fanout.ts), only when the policy has notify.targets; the
    // once-a-day mark of "the renew job has not run"; reconcile's queued-task marks (a task seen unfinished, or one
    // that may have made the renewals it records); and the ran-task marks of our own tasks seen to run.
    'getMarks',
    'putMarks',
    'recordRun',
    // The last renew run: the hourly check says when renew stopped running (jobs/check.ts readRenewSilence); and its
    // own, whose last completed run a failed run's record carries (RunRecord.lastCompletedAtMs).
    'lastRun',
  ],
};

/** A grant held ahead of the code that will use it, with the reason; the usage test exempts exactly these. */
export interface ReservedAccess extends LedgerAccess {
  readonly for: string;
}

/**
 * Grants for ledger work in progress (claim sweep, repairs, per-day budget counter, notice markers). Each entry must
 * name its purpose; once a Ledger method that needs it is listed in JOB_LEDGER_CALLS, the entry must go.
 */
export const RESERVED_ACCESS: Record<Job, readonly ReservedAccess[]> = {
  renew: [],
  check: [],
};

/** Non-DynamoDB actions every job needs: its Alibaba secret and the alert topic (logs are written by Lambda). */
export const SERVICE_ACTIONS = {
  readSecret: 'secretsmanager:GetSecretValue',
  publish: 'sns:Publish',
  logs: ['logs:CreateLogStream', 'logs:PutLogEvents'],
} as const;

/** `dynamodb:<Action>` names a job's role holds, per ledger resource, sorted. */
export interface LedgerGrants {
  table: string[];
  openIndex: string[];
  claimPartitions: string[];
  markPartitions: string[];
}

function sortedUnique(values: Iterable<string>): string[] {
  return [...new Set(values)].sort();
}

/** The DynamoDB accesses a job's declared ledger calls need (no reserved grants). */
export function usedLedgerAccess(job: Job): LedgerAccess[] {
  return JOB_LEDGER_CALLS[job].flatMap((method) => LEDGER_METHOD_ACCESS[method]);
}

/** What the job's role is granted on the ledger: its calls' accesses plus its reserved ones. */
export function ledgerGrants(job: Job): LedgerGrants {
  const all: LedgerAccess[] = [...usedLedgerAccess(job), ...RESERVED_ACCESS[job]];
  const on = (resource: LedgerResource) =>
    sortedUnique(all.filter((a) => a.on === resource).map((a) => `dynamodb:${a.action}`));
  return {
    table: on('table'),
    openIndex: on('openIndex'),
    claimPartitions: on('claimPartitions'),
    markPartitions: on('markPartitions'),
  };
}

/** The facts scripts/roles.cjs renders (written to dist/iam.json by scripts/iam-facts.mjs). */
export function describeIamFacts(openIndexName: string) {
  return {
    openIndexName,
    claimPartitionPatterns: [...CLAIM_PARTITION_PATTERNS],
    markPartitionPatterns: [...MARK_PARTITION_PATTERNS],
    holdPartitionPatterns: [...HOLD_PARTITION_PATTERNS],
    service: SERVICE_ACTIONS,
    jobs: Object.fromEntries(JOBS.map((job) => [job, ledgerGrants(job)])) as Record<Job, LedgerGrants>,
  };
}

/** `<service>:<Action>@<where>` strings, the form the usage test compares observed requests in. */
export function grantKeys(job: Job): string[] {
  const { table, openIndex, claimPartitions, markPartitions } = ledgerGrants(job);
  return sortedUnique([
    ...table.map((a) => `${a}@table`),
    ...openIndex.map((a) => `${a}@openIndex`),
    ...claimPartitions.map((a) => `${a}@claimPartitions`),
    ...markPartitions.map((a) => `${a}@markPartitions`),
    `${SERVICE_ACTIONS.readSecret}@secret`,
    `${SERVICE_ACTIONS.publish}@topic`,
  ]);
}

/** Reserved grants in the same key form. */
export function reservedKeys(job: Job): string[] {
  return sortedUnique(RESERVED_ACCESS[job].map((a) => `dynamodb:${a.action}@${a.on}`));
}

/**
 * Compares what a job did with what its role holds: `ungranted` would be AccessDenied in AWS; `unused` is
 * privilege the job does not need (reserved grants are exempt).
 */
export function compareGrants(
  observed: Iterable<string>,
  granted: readonly string[],
  reserved: readonly string[] = [],
): { ungranted: string[]; unused: string[] } {
  const seen = new Set(observed);
  return {
    ungranted: sortedUnique([...seen].filter((key) => !granted.includes(key))),
    unused: granted.filter((key) => !seen.has(key) && !reserved.includes(key)),
  };
}
