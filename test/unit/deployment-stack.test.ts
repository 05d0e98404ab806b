import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { mockClient } from 'aws-sdk-client-mock';
import { cloudFormationStackReader } from '../../lib/deployment/cloudformation';
import { OUTPUT, stackStatusLevel, stageEnv, stageFacts } from '../../lib/deployment/stack';
import {
  dryRunCheck,
  outputsCheck,
  sameAccountCheck,
  scheduleCheck,
  tableCheck,
} from '../../lib/deployment/stage-checks';
import { DeploymentReadError } from '../../lib/errors';

// The CloudFormation adapter at the SDK level (the CLI test drives it over the wire against a loopback stand-in),
// and the pure reading of a stack's outputs.

describe('cloudFormationStackReader', () => {
  const cfn = mockClient(CloudFormationClient);
  afterEach(() => cfn.reset());

  it('reads every page, with each stack outputs by key', async () => {
    cfn
      .on(DescribeStacksCommand, {})
      .resolves({
        Stacks: [
          {
            StackName: 'aliyun-domain-autorenew-prod',
            StackStatus: 'UPDATE_COMPLETE',
            CreationTime: new Date(0),
            Outputs: [{ OutputKey: OUTPUT.table, OutputValue: 'prod-ledger' }],
          },
        ],
        NextToken: 'page-2',
      })
      .on(DescribeStacksCommand, { NextToken: 'page-2' })
      .resolves({ Stacks: [{ StackName: 'other', StackStatus: 'CREATE_COMPLETE', CreationTime: new Date(0) }] });
    const reader = cloudFormationStackReader({ client: new CloudFormationClient({ region: 'us-east-1' }) });
    expect(await reader.listStacks()).toEqual([
      { name: 'aliyun-domain-autorenew-prod', status: 'UPDATE_COMPLETE', outputs: { LedgerTableName: 'prod-ledger' } },
      { name: 'other', status: 'CREATE_COMPLETE', outputs: {} },
    ]);
    expect(cfn.commandCalls(DescribeStacksCommand)).toHaveLength(2);
  });

  it('a refusal becomes a DeploymentReadError with the SDK error name and what to check', async () => {
    const denied = Object.assign(new Error('User is not authorized to perform: cloudformation:DescribeStacks'), {
      name: 'AccessDenied',
    });
    cfn.on(DescribeStacksCommand).rejects(denied);
    const reader = cloudFormationStackReader({ client: new CloudFormationClient({ region: 'us-east-1' }) });
    const err = await reader.listStacks().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DeploymentReadError);
    expect((err as Error).message).toBe(
      'cannot list CloudFormation stacks: AccessDenied (User is not authorized to perform: cloudformation:DescribeStacks); check the AWS credentials, AWS_REGION and cloudformation:DescribeStacks',
    );
  });
});

describe('a stack read as a stage', () => {
  const stack = (name: string, outputs: Record<string, string>) => ({ name, status: 'CREATE_COMPLETE', outputs });

  it('outputs become the functions environment; empty outputs are absent', () => {
    const facts = stageFacts(
      stack('s', { LedgerTableName: 't', AlertTopicArn: 'arn:aws:sns:eu-west-1:1:x', SecretName: 'k', Endpoint: '' }),
    );
    expect(stageEnv(facts)).toEqual({
      AUTORENEW_TABLE: 't',
      AUTORENEW_TOPIC_ARN: 'arn:aws:sns:eu-west-1:1:x',
      AUTORENEW_SECRET_ID: 'k',
    });
  });

  it('stack states: settled ok; in progress or an update rolled back warn; failed creation or rollback FAIL', () => {
    expect(['CREATE_COMPLETE', 'UPDATE_COMPLETE'].map(stackStatusLevel)).toEqual(['ok', 'ok']);
    expect(['UPDATE_IN_PROGRESS', 'UPDATE_ROLLBACK_COMPLETE'].map(stackStatusLevel)).toEqual(['warn', 'warn']);
    expect(['ROLLBACK_COMPLETE', 'CREATE_FAILED', 'UPDATE_ROLLBACK_FAILED'].map(stackStatusLevel)).toEqual([
      'FAIL',
      'FAIL',
      'FAIL',
    ]);
  });

  it('two buying stacks on one Alibaba account warn; a dry-run one does not', () => {
    const ours = stageFacts(stack('a', { AlibabaAccount: '42', DryRun: 'false' }));
    const all = [stack('a', { AlibabaAccount: '42' }), stack('b', { AlibabaAccount: '42', DryRun: 'true' })];
    expect(sameAccountCheck(ours, all).status).toBe('ok');
    expect(sameAccountCheck(ours, [...all, stack('c', { AlibabaAccount: '42' })])).toMatchObject({
      status: 'warn',
      detail: expect.stringMatching(/^c also buy\(s\) for 42: /),
    });
    expect(sameAccountCheck(stageFacts(stack('a', {})), all).status).toBe('warn');
  });

  it('DryRun is read as the functions read it: "yes" is a dry run, a value they refuse is a FAIL', () => {
    // Packaging took any dryRun text; the functions read "yes" or "1" as true, but doctor compared with "true" and
    // reported such a dry-run stage as buying: the operator believed renewals were being bought (review 2026-12-05).
    const facts = (dryRun: string) => stageFacts(stack('a', { AlibabaAccount: '42', DryRun: dryRun }));
    expect(dryRunCheck('prod', facts('yes'))).toMatchObject({
      status: 'warn',
      detail: 'deployed with dryRun=yes: renew plans and sends the plan digest, and buys nothing',
    });
    expect(dryRunCheck('prod', facts(' 1 ')).status).toBe('warn');
    expect(dryRunCheck('prod', facts('FALSE'))).toMatchObject({ status: 'ok' });
    expect(dryRunCheck('prod', facts('maybe'))).toMatchObject({
      status: 'FAIL',
      detail: expect.stringContaining('which the functions refuse: every run stops with an error'),
    });
    // The same reading decides whether another stack buys.
    expect(sameAccountCheck(facts('false'), [stack('b', { AlibabaAccount: '42', DryRun: 'Yes' })]).status).toBe('ok');
    expect(sameAccountCheck(facts('1'), [stack('b', { AlibabaAccount: '42' })]).status).toBe('ok');
  });

  it('a stack with several accounts (comma list) shares an account with any stack naming one of its entries', () => {
    const ours = stageFacts(
      stack('a', { AlibabaAccount: 'secret:svc/cn,secret:svc/intl', Accounts: '[{"name":""}]', DryRun: 'false' }),
    );
    const single = stack('b', { AlibabaAccount: 'secret:svc/intl' });
    const other = stack('c', { AlibabaAccount: 'secret:svc/cn-other' });
    expect(sameAccountCheck(ours, [other]).status).toBe('ok');
    expect(sameAccountCheck(ours, [other, single])).toMatchObject({
      status: 'warn',
      detail: expect.stringMatching(/^b also buy\(s\) for /),
    });
    // Its accounts reach doctor's local checks; no SecretName output is expected of it.
    expect(stageEnv(ours)).toEqual({ AUTORENEW_ACCOUNTS: '[{"name":""}]' });
    expect(outputsCheck({ ...ours, table: 't', topicArn: 'x', alertPathTopicArn: 'y' }).status).toBe('ok');
    const { accounts: _accounts, ...withoutAccounts } = ours;
    expect(outputsCheck({ ...withoutAccounts, table: 't', topicArn: 'x', alertPathTopicArn: 'y' }).status).toBe('warn');
  });

  it('a missing schedule rule FAILs, unless the stack predates named rules (then a warning)', () => {
    const current = stageFacts(stack('a', { AlibabaAccount: '42' }));
    const older = stageFacts(stack('a', {}));
    expect(scheduleCheck('renew', 'r', undefined, current).status).toBe('FAIL');
    expect(scheduleCheck('renew', 'r', undefined, older).status).toBe('warn');
    expect(scheduleCheck('renew', 'r', { state: 'DISABLED' }, current).status).toBe('FAIL');
    expect(scheduleCheck('renew', 'r', { state: 'ENABLED', schedule: 'rate(1 day)' }, current)).toEqual({
      status: 'ok',
      name: 'renew schedule',
      detail: 'rule r enabled: rate(1 day)',
    });
  });

  it('a table with another key schema or without the open-batches index is not a ledger', () => {
    const good = {
      status: 'ACTIVE',
      keys: ['pk HASH', 'sk RANGE'],
      indexes: [{ name: 'open-batches', keys: ['openPk HASH', 'openSk RANGE'] }],
    };
    expect(tableCheck('t', good).status).toBe('ok');
    expect(tableCheck('t', { ...good, indexes: [] })).toMatchObject({
      status: 'FAIL',
      detail: expect.stringContaining('index open-batches is missing'),
    });
    expect(tableCheck('t', { ...good, keys: ['id HASH'] })).toMatchObject({
      status: 'FAIL',
      detail: expect.stringContaining('key schema is id HASH'),
    });
  });
});
