import type { DoctorCheck } from '../commands/checklist';
import type { RunRecord } from '../ledger/port';
import type { TableFacts, TopicFacts } from './aws-resources';
import { expectedTable } from './aws-resources';
import {
  deployedDryRun,
  type StackSummary,
  type StageFacts,
  stackStatusLevel,
  stacksServingSameAccount,
} from './stack';

const DAY_MS = 86_400_000;

/**
 * How old the last run of each job may be before doctor warns: the heartbeat alarms' periods (renew daily, 2 days;
 * check hourly, 1 day).
 */
export const RECENT_RUN_MS = { renew: 2 * DAY_MS, check: DAY_MS } as const;

/** The stack exists and is in a settled, successful state. */
export function stackCheck(stage: string, region: string, stack: StackSummary | undefined): DoctorCheck {
  if (!stack) {
    return {
      status: 'FAIL',
      name: 'stack',
      detail: `no stack for stage "${stage}" in ${region}`,
      fix: `deploy it (npm run deploy -- --stage ${stage}), or set AWS_REGION to the region it is in`,
    };
  }
  const level = stackStatusLevel(stack.status);
  return {
    status: level,
    name: 'stack',
    detail: `${stack.name} in ${region}: ${stack.status}`,
    ...(level === 'ok'
      ? {}
      : {
          fix:
            stack.status === 'UPDATE_ROLLBACK_COMPLETE'
              ? 'the last deploy failed and was rolled back (the stage runs the deploy before it): read the stack events (aws cloudformation describe-stack-events) and deploy again'
              : level === 'warn'
                ? 'a deploy or rollback is in progress: run doctor again when it has finished'
                : 'the stack cannot run as deployed: read the stack events (aws cloudformation describe-stack-events) and deploy again',
        }),
  };
}

/** Outputs every stage deployed by this version has; a missing one means an older deploy. */
export function outputsCheck(facts: StageFacts): DoctorCheck {
  // A stack with the `accounts` param has the Accounts output in place of SecretName.
  const missing = (['table', 'topicArn', 'alertPathTopicArn', 'secretName', 'alibabaAccount'] as const).filter(
    (k) => facts[k] === undefined && !(k === 'secretName' && facts.accounts !== undefined),
  );
  if (missing.length === 0) {
    const schedules =
      facts.renewSchedule || facts.checkSchedule
        ? `; schedules: renew ${facts.renewSchedule ?? '?'}, check ${facts.checkSchedule ?? '?'}`
        : '';
    return { status: 'ok', name: 'stack outputs', detail: `table ${facts.table}, topic ${facts.topicArn}${schedules}` };
  }
  return {
    status: missing.includes('table') ? 'FAIL' : 'warn',
    name: 'stack outputs',
    detail: `the stack has no ${missing.join(', ')} output(s): deployed by an older version`,
    fix: 'deploy this version again (npm run deploy) so doctor can check everything',
  };
}

/** A stage deployed with dryRun=true buys nothing: right for a first deploy, worth saying. */
export function dryRunCheck(stage: string, facts: StageFacts): DoctorCheck {
  const dry = deployedDryRun(facts.dryRun);
  if (dry === 'invalid') {
    return {
      status: 'FAIL',
      name: 'dry run',
      detail: `deployed with dryRun=${JSON.stringify(facts.dryRun)}, which the functions refuse: every run stops with an error and nothing is bought`,
      fix: `deploy again with --param="dryRun=false" (or true): npm run deploy -- --stage ${stage}`,
    };
  }
  if (dry) {
    return {
      status: 'warn',
      name: 'dry run',
      detail: `deployed with dryRun=${facts.dryRun}: renew plans and sends the plan digest, and buys nothing`,
      fix: `when the plan digest is right, go live: npm run deploy -- --stage ${stage} --param="dryRun=false" (and your other params)`,
    };
  }
  return { status: 'ok', name: 'dry run', detail: `dryRun=${facts.dryRun ?? 'false'}: renew buys what is due` };
}

/** The table exists with the key schema and the open-batches index the code expects. */
export function tableCheck(name: string, table: TableFacts | undefined): DoctorCheck {
  if (!table) {
    return {
      status: 'FAIL',
      name: 'ledger table',
      detail: `table ${name} does not exist`,
      fix: 'the stack output names a missing table: deploy again, or import the retained table (docs/deploy.md)',
    };
  }
  const want = expectedTable();
  const index = table.indexes.find((i) => i.name === want.index.name);
  const problems = [
    ...(table.keys.join(',') === want.keys.join(',') ? [] : [`key schema is ${table.keys.join(', ')}`]),
    ...(!index
      ? [`index ${want.index.name} is missing`]
      : index.keys.join(',') === want.index.keys.join(',')
        ? []
        : [`index ${want.index.name} keys are ${index.keys.join(', ')}`]),
  ];
  if (problems.length > 0) {
    return {
      status: 'FAIL',
      name: 'ledger table',
      detail: `table ${name}: ${problems.join('; ')} (expected ${want.keys.join(', ')} and index ${want.index.name} on ${want.index.keys.join(', ')})`,
      fix: 'this is not a table this tool created: point the stack at its own ledger (deploy again)',
    };
  }
  return {
    status: 'ok',
    name: 'ledger table',
    detail: `table ${name} (${table.status}): keys and index ${want.index.name} as expected`,
  };
}

/** What each topic's silence costs, for the warning. */
const UNHEARD = {
  'alert topic': 'nobody hears of failed renewals',
  'alert path topic': 'nobody hears if the alert topic stops delivering',
} as const;

/**
 * A topic of the stage exists, and someone confirmed an email subscription (else nobody hears of anything): the
 * alert topic, and the second alarm path that says when the first stops delivering (its KMS key disabled).
 */
export function topicCheck(
  arn: string,
  topic: TopicFacts | undefined,
  name: keyof typeof UNHEARD = 'alert topic',
): DoctorCheck {
  if (!topic) {
    return {
      status: 'FAIL',
      name,
      detail: `topic ${arn} does not exist`,
      fix: 'deploy the stage again: the stack creates it',
    };
  }
  if (topic.emailConfirmed === 0) {
    return {
      status: 'warn',
      name,
      detail: `no confirmed email subscription (${topic.emailPending} pending): ${UNHEARD[name]}`,
      fix:
        topic.emailPending > 0
          ? 'confirm the subscription emails (docs/deploy.md, "Confirm the email subscriptions")'
          : 'deploy with --param="alertEmails=you@example.com" and confirm the email',
    };
  }
  return {
    status: 'ok',
    name,
    detail: `${topic.emailConfirmed} confirmed email subscription(s)${topic.emailPending ? `, ${topic.emailPending} pending` : ''}`,
  };
}

/** The last run of each job finished recently (the heartbeat alarms' periods), and its outcome. */
export function recentRunsCheck(stage: string, runs: readonly RunRecord[], nowMs: number): DoctorCheck[] {
  return (['renew', 'check'] as const).map((job) => {
    const last = runs
      .filter((r) => r.job === job)
      .sort((a, b) => b.finishedAtMs - a.finishedAtMs)
      .at(0);
    const name = `last ${job} run`;
    const invoke = `aws lambda invoke --function-name aliyun-domain-autorenew-${stage}-${job} --invocation-type Event /dev/null`;
    if (!last) {
      return {
        status: 'warn',
        name,
        detail: 'none recorded yet',
        fix: `wait for the schedule, or run it once: ${invoke}`,
      };
    }
    const hours = Math.floor((nowMs - last.finishedAtMs) / 3_600_000);
    const when = `${new Date(last.finishedAtMs).toISOString()} (${hours} h ago)`;
    if (nowMs - last.finishedAtMs > RECENT_RUN_MS[job]) {
      return {
        status: 'warn',
        name,
        detail: `finished ${when}: longer ago than its schedule allows`,
        fix: `check that the schedule rule is enabled and the function does not fail (its log), or run it once: ${invoke}`,
      };
    }
    if (!last.ok) {
      return {
        status: 'warn',
        name,
        detail: `finished ${when} with an error: ${last.error ?? 'see its digest'}`,
        fix: 'read the error digest and the function log; fix it before the next run',
      };
    }
    return { status: 'ok', name, detail: `finished ${when}` };
  });
}

/** Two stacks of this AWS account and region serving one Alibaba account: each ledger guards only its own buys. */
export function sameAccountCheck(facts: StageFacts, all: readonly StackSummary[]): DoctorCheck {
  if (facts.alibabaAccount === undefined) {
    return {
      status: 'warn',
      name: 'alibaba account',
      detail: 'the stack does not say which Alibaba account it serves',
      fix: 'deploy this version again (the AlibabaAccount output); set --param="alibabaAccount=<account UID>"',
    };
  }
  const others = stacksServingSameAccount(facts, all);
  const label = (o: { name: string; dryRun: boolean }) => `${o.name}${o.dryRun ? ' (dry run)' : ''}`;
  // Two stacks can buy the same renewal only when both buy: a dry-run stage never submits.
  const buying = deployedDryRun(facts.dryRun) === true ? [] : others.filter((o) => !o.dryRun);
  if (buying.length === 0) {
    return {
      status: 'ok',
      name: 'alibaba account',
      detail: `serves ${facts.alibabaAccount}; ${others.length ? `also served by ${others.map(label).join(', ')}, and at most one of them buys` : 'no other stack in this region serves it'}`,
    };
  }
  return {
    status: 'warn',
    name: 'alibaba account',
    detail: `${buying.map(label).join(', ')} also buy(s) for ${facts.alibabaAccount}: each stack has its own ledger, so at most once holds per stack, not per account`,
    fix: 'keep one buying stage per Alibaba account: remove the other stack, or deploy one of them with dryRun=true (docs/deploy.md, "Two stacks, one Alibaba account")',
  };
}

/** A job's schedule rule exists and is enabled (a disabled rule never runs the job; nothing else says so). */
export function scheduleCheck(
  job: 'renew' | 'check',
  name: string,
  rule: { state: string; schedule?: string } | undefined,
  facts: StageFacts,
): DoctorCheck {
  const check = `${job} schedule`;
  if (!rule) {
    // Stacks deployed before the rules were named (no AlibabaAccount output either) have generated names.
    const older = facts.alibabaAccount === undefined;
    return {
      status: older ? 'warn' : 'FAIL',
      name: check,
      detail: older
        ? `no rule named ${name}: the stack was deployed by an older version, which did not name its rules`
        : `rule ${name} does not exist: ${job} never runs`,
      fix: 'deploy the stage again (npm run deploy): the stack creates and names the rule',
    };
  }
  if (rule.state !== 'ENABLED') {
    return {
      status: 'FAIL',
      name: check,
      detail: `rule ${name} is ${rule.state}: ${job} does not run`,
      fix: `enable it: aws events enable-rule --name ${name}`,
    };
  }
  return { status: 'ok', name: check, detail: `rule ${name} enabled${rule.schedule ? `: ${rule.schedule}` : ''}` };
}
