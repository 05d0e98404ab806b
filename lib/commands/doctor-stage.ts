import { describeLedgerTable, describeScheduleRule, describeTopic } from '../deployment/aws-resources';
import { cloudFormationStackReader } from '../deployment/cloudformation';
import {
  type StackReader,
  type StageFacts,
  scheduleRuleName,
  stackNameFor,
  stageEnv,
  stageFacts,
} from '../deployment/stack';
import {
  dryRunCheck,
  outputsCheck,
  recentRunsCheck,
  sameAccountCheck,
  scheduleCheck,
  stackCheck,
  tableCheck,
  topicCheck,
} from '../deployment/stage-checks';
import { InputError } from '../errors';
import type { RunRecord } from '../ledger/port';
import { redact } from '../redact';
import type { DoctorCheck } from './checklist';
import type { CliIO } from './io';

/** What `doctor --stage` learnt from the stack: its checks, and the environment the functions run with. */
export interface StageView {
  stage: string;
  checks: DoctorCheck[];
  /** Absent when the stack could not be read: the local checks would then test the wrong things. */
  facts?: StageFacts;
  env?: Record<string, string>;
}

const message = (err: unknown) => redact(err instanceof Error ? err.message : String(err));

/** The region doctor reads the stack in: AWS_REGION, else AWS_DEFAULT_REGION, else serverless.yml's us-east-1. */
export function stageRegion(env: CliIO['env']): string {
  return env.AWS_REGION?.trim() || env.AWS_DEFAULT_REGION?.trim() || 'us-east-1';
}

/**
 * Reads the stage's stack (DescribeStacks, read-only) and checks what the stack itself says: it exists and is
 * settled, its outputs, dry run, and whether another stack of the region serves the same Alibaba account.
 */
export async function readStage(io: CliIO, stage: string, reader?: StackReader): Promise<StageView> {
  if (!/^[A-Za-z0-9-]{1,64}$/.test(stage)) {
    throw new InputError(`--stage ${JSON.stringify(stage)}: a stage name has letters, digits and hyphens only`);
  }
  const region = stageRegion(io.env);
  const stacks = reader ?? cloudFormationStackReader({ region });
  let all: Awaited<ReturnType<StackReader['listStacks']>>;
  try {
    all = await stacks.listStacks();
  } catch (err) {
    return {
      stage,
      checks: [
        {
          status: 'FAIL',
          name: 'stack',
          detail: message(err),
          fix: 'run doctor with AWS credentials of the account (AWS_PROFILE or AWS_ACCESS_KEY_ID) and AWS_REGION of the stage',
        },
      ],
    };
  }
  const stack = all.find((s) => s.name === stackNameFor(stage));
  const checks = [stackCheck(stage, region, stack)];
  if (!stack) return { stage, checks };
  const facts = stageFacts(stack);
  checks.push(outputsCheck(facts), dryRunCheck(stage, facts), sameAccountCheck(facts, all));
  return { stage, checks, facts, env: stageEnv(facts) };
}

/**
 * The stage's own resources, read-only: the two schedule rules' state, the ledger table's schema and index, the
 * subscriptions of both alert topics (the alert topic and the second alarm path).
 */
export async function stageResourceChecks(view: StageView, env: CliIO['env']): Promise<DoctorCheck[]> {
  const checks: DoctorCheck[] = [];
  for (const job of ['renew', 'check'] as const) {
    const name = scheduleRuleName(view.stage, job);
    try {
      const rule = await describeScheduleRule(stageRegion(env), name);
      if (view.facts) checks.push(scheduleCheck(job, name, rule, view.facts));
    } catch (err) {
      checks.push({ status: 'warn', name: `${job} schedule`, detail: message(err), fix: 'see the message' });
    }
  }
  const { table, topicArn, alertPathTopicArn } = view.facts ?? {};
  if (table) checks.push(await ledgerTableCheck(env, table));
  for (const [arn, name] of [
    [topicArn, 'alert topic'],
    [alertPathTopicArn, 'alert path topic'],
  ] as const) {
    if (!arn) continue;
    try {
      checks.push(topicCheck(arn, await describeTopic(arn), name));
    } catch (err) {
      checks.push({ status: 'warn', name, detail: message(err), fix: 'see the message' });
    }
  }
  return checks;
}

/**
 * The ledger table's key schema and open-batches index (DescribeTable), read-only: a FAIL when the jobs cannot use
 * it. `unreadable`: what a DescribeTable that fails (not a missing table) is: a FAIL for `--stage`, which documents
 * the permission; a warning for plain doctor, whose caller may hold only the ledger's reads (review 2026-12-07).
 */
export async function ledgerTableCheck(
  env: CliIO['env'],
  table: string,
  unreadable: 'FAIL' | 'warn' = 'FAIL',
): Promise<DoctorCheck> {
  try {
    return tableCheck(table, await describeLedgerTable(env, table));
  } catch (err) {
    return unreadable === 'FAIL'
      ? { status: 'FAIL', name: 'ledger table', detail: message(err), fix: 'see the message' }
      : {
          status: 'warn',
          name: 'ledger table',
          detail: `its keys and index were not checked: ${message(err)}`,
          fix: 'allow dynamodb:DescribeTable on the table to check them',
        };
  }
}

/** The last renew and check runs recorded in the stage's ledger. */
export function stageRunChecks(view: StageView, runs: readonly RunRecord[], nowMs: number): DoctorCheck[] {
  return recentRunsCheck(view.stage, runs, nowMs);
}
