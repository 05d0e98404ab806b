/**
 * A deployed stage as `autorenew doctor --stage` sees it: the CloudFormation stack osls creates for a stage
 * (`aliyun-domain-autorenew-<stage>`) and the outputs serverless.yml and scripts/outputs.cjs give it. Pure: the
 * port (`StackReader`) is implemented by lib/deployment/cloudformation.ts and by tests.
 */

import { parseBoolText } from '../config';

/** The osls service name (serverless.yml `service:`); the stack of stage S is `<SERVICE>-<S>`. */
export const SERVICE = 'aliyun-domain-autorenew';

/** The ledger table a stage's stack creates (serverless.yml `TableName`). */
export function isStageTableName(table: string): boolean {
  return new RegExp(`^${SERVICE}-[A-Za-z0-9-]+-ledger$`).test(table);
}

/** The stack osls deploys for a stage. */
export function stackNameFor(stage: string): string {
  return `${SERVICE}-${stage}`;
}

/** The EventBridge rule that schedules a job (serverless.yml names it). */
export function scheduleRuleName(stage: string, job: 'renew' | 'check'): string {
  return `${stackNameFor(stage)}-${job}-schedule`;
}

/** Output names of a deployed stack (serverless.yml `Outputs` and scripts/outputs.cjs). */
export const OUTPUT = {
  table: 'LedgerTableName',
  topicArn: 'AlertTopicArn',
  /** The second alarm path (alert delivery failures): serverless.yml AlertFallbackTopic. */
  alertPathTopicArn: 'AlertPathTopicArn',
  secretName: 'SecretName',
  readOnlySecretName: 'ReadOnlySecretName',
  endpoint: 'Endpoint',
  bssEndpoint: 'BssEndpoint',
  dryRun: 'DryRun',
  renewSchedule: 'RenewSchedule',
  checkSchedule: 'CheckSchedule',
  alibabaAccount: 'AlibabaAccount',
  /** With the `accounts` param: the accounts' JSON (no policies), in place of the four single-account outputs. */
  accounts: 'Accounts',
} as const;

/** One stack of the account and region, as DescribeStacks lists it. */
export interface StackSummary {
  name: string;
  /** e.g. CREATE_COMPLETE, UPDATE_ROLLBACK_COMPLETE. */
  status: string;
  outputs: Readonly<Record<string, string>>;
}

/** Read-only access to the stacks of one AWS account and region. */
export interface StackReader {
  /** Every stack of the region (DescribeStacks, all pages); deleted stacks are not listed. */
  listStacks(): Promise<StackSummary[]>;
}

/** What doctor needs from a deployed stage; a field is absent when the stack has no such output. */
export type StageFacts = { stackName: string; status: string } & Partial<Record<keyof typeof OUTPUT, string>>;

/** Reads a stack's outputs into named facts. */
export function stageFacts(stack: StackSummary): StageFacts {
  const facts: StageFacts = { stackName: stack.name, status: stack.status };
  for (const [key, output] of Object.entries(OUTPUT) as [keyof typeof OUTPUT, string][]) {
    const value = stack.outputs[output];
    if (value !== undefined && value !== '') facts[key] = value;
  }
  return facts;
}

/**
 * The environment a deployed function runs with, as far as the outputs tell it (serverless.yml `environment`):
 * doctor runs its local checks with these over the caller's environment. The policy is not an output; doctor
 * uses `--policy` (the file that was packaged).
 */
export function stageEnv(facts: StageFacts): Record<string, string> {
  const env: Record<string, string> = {};
  const set = (name: string, value: string | undefined) => {
    if (value !== undefined) env[name] = value;
  };
  set('AUTORENEW_TABLE', facts.table);
  set('AUTORENEW_TOPIC_ARN', facts.topicArn);
  set('AUTORENEW_SECRET_ID', facts.secretName);
  set('AUTORENEW_READONLY_SECRET_ID', facts.readOnlySecretName);
  set('AUTORENEW_ENDPOINT', facts.endpoint);
  set('AUTORENEW_BSS_ENDPOINT', facts.bssEndpoint);
  set('AUTORENEW_ACCOUNTS', facts.accounts);
  return env;
}

/**
 * A stack being changed, or whose last update was rolled back (it runs the deploy before), is a warning; one that
 * failed to create, failed to roll back or is being deleted cannot run as deployed.
 */
export function stackStatusLevel(status: string): 'ok' | 'warn' | 'FAIL' {
  if (/_IN_PROGRESS$/.test(status) || status === 'UPDATE_ROLLBACK_COMPLETE') return 'warn';
  if (status === 'CREATE_COMPLETE' || status === 'UPDATE_COMPLETE' || status === 'IMPORT_COMPLETE') return 'ok';
  return 'FAIL';
}

/**
 * A stack's `DryRun` output read as its functions read AUTORENEW_DRY_RUN (absent: false); 'invalid' for a value they
 * refuse, which fails every run. Packaging now writes only true or false, but a stack deployed before could hold
 * `yes` or `1`: a dry run that doctor reported as buying (review 2026-12-05).
 */
export function deployedDryRun(output: string | undefined): boolean | 'invalid' {
  return parseBoolText(output ?? '') ?? 'invalid';
}

/** The entries of an `AlibabaAccount` output: one account, or a comma list with one entry per account (`accounts`). */
export function accountEntries(output: string | undefined): string[] {
  return (output ?? '')
    .split(',')
    .map((e) => e.trim())
    .filter((e) => e !== '');
}

/**
 * What says which Alibaba accounts a stage buys for: its `AlibabaAccount` entries, and `secret:<name>` of every
 * secret holding a key it buys with (`SecretName`, each account's `secretId` in `Accounts`). Two stacks on one secret
 * hold one key, whatever labels they were given: a prod labelled with the account UID and a `--stage test` on the
 * default secret both bought (review 2026-12-05, round 4, helper G). A stack deployed before the `AlibabaAccount`
 * output existed is known by its secret too.
 */
function servedKeys(facts: Pick<StageFacts, 'alibabaAccount' | 'secretName' | 'accounts'>): Set<string> {
  const keys = new Set(accountEntries(facts.alibabaAccount));
  if (facts.secretName) keys.add(`secret:${facts.secretName}`);
  let accounts: unknown;
  try {
    accounts = facts.accounts ? JSON.parse(facts.accounts) : [];
  } catch {
    accounts = [];
  }
  for (const a of Array.isArray(accounts) ? accounts : []) {
    const id = (a as { secretId?: unknown } | null)?.secretId;
    if (typeof id === 'string' && id !== '') keys.add(`secret:${id}`);
  }
  return keys;
}

/**
 * Other stacks of the region that buy for one of the accounts this one does ({@link servedKeys}: an
 * `AlibabaAccount` entry or a secret in common), sorted by name, and whether each is a dry run.
 */
export function stacksServingSameAccount(
  ours: StageFacts,
  all: readonly StackSummary[],
): { name: string; dryRun: boolean }[] {
  const mine = servedKeys(ours);
  if (mine.size === 0) return [];
  return all
    .filter((s) => s.name !== ours.stackName && [...servedKeys(stageFacts(s))].some((e) => mine.has(e)))
    .map((s) => ({ name: s.name, dryRun: deployedDryRun(s.outputs[OUTPUT.dryRun]) === true }))
    .sort((a, b) => a.name.localeCompare(b.name));
}
