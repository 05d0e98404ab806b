import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateTopicCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import { EXIT } from '../../lib/commands/io';
import { OUTPUT, type StackSummary } from '../../lib/deployment/stack';
import { ensureTable } from '../../lib/ledger/create-table';
import { createDynamoLedger } from '../../lib/ledger/dynamodb';
import { type Sandbox, startSandbox } from '../../lib/sandbox';
import { standinAwsEnv } from '../helpers/aws-standin';
import { runCliInRepo as runCli } from '../helpers/cli-process';
import { type FakeCloudFormation, startFakeCloudFormation } from '../helpers/fake-cloudformation';
import { type FakeEventBridge, startFakeEventBridge } from '../helpers/fake-eventbridge';
import { type FakeSecretsManager, startFakeSecretsManager } from '../helpers/fake-secrets-manager';
import { FAUXQS_CLIENT_CONFIG, type FauxqsHandle, startFauxqs } from '../helpers/fauxqs';
import { type LocalDynamo, startDynalite } from '../helpers/ledger-dynalite';
import { createTestFixture, SANDBOX_NOW_MS } from '../helpers/sandbox-fixture';
import { PROCESS_TEST_TIMEOUT_MS, START_HOOK_TIMEOUT_MS } from '../helpers/timeouts';

// `autorenew doctor --stage NAME` (issue 14): the stage's stack is read from a loopback CloudFormation stand-in
// (DescribeStacks over the SDK's own wire format, two stacks a page), its outputs name a ledger table in dynalite, an
// alert topic in fauxqs, a secret in the Secrets Manager stand-in and the sandbox as endpoint. Everything on 127.0.0.1.
jest.setTimeout(PROCESS_TEST_TIMEOUT_MS);

const lines = (text: string) => text.split('\n').filter((l) => l !== '');
const HOUR = 3_600_000;

describe('autorenew doctor --stage (subprocess, every AWS service a loopback stand-in)', () => {
  let sandbox: Sandbox;
  let dynamo: LocalDynamo;
  let sns: FauxqsHandle;
  let secrets: FakeSecretsManager;
  let cfn: FakeCloudFormation;
  let events: FakeEventBridge;
  let dir: string;
  let env: Record<string, string>;
  let topicArn: string;
  let pendingTopicArn: string;
  let pathTopicArn: string;

  const outputs = (over: Record<string, string>): Record<string, string> => ({
    [OUTPUT.table]: 'aliyun-domain-autorenew-prod-ledger',
    [OUTPUT.topicArn]: topicArn,
    [OUTPUT.alertPathTopicArn]: pathTopicArn,
    [OUTPUT.secretName]: 'autorenew/alibaba',
    [OUTPUT.endpoint]: sandbox.url,
    [OUTPUT.dryRun]: 'false',
    [OUTPUT.renewSchedule]: 'cron(0 2 * * ? *)',
    [OUTPUT.checkSchedule]: 'rate(1 hour)',
    [OUTPUT.alibabaAccount]: '1234567890123456',
    ...over,
  });

  beforeAll(async () => {
    [sandbox, dynamo, sns, secrets] = await Promise.all([
      startSandbox({ fixture: createTestFixture(), nowMs: SANDBOX_NOW_MS }),
      startDynalite(),
      startFauxqs(),
      startFakeSecretsManager(),
    ]);
    secrets.secrets.set(
      'autorenew/alibaba',
      JSON.stringify({ accessKeyId: sandbox.accessKeyId, accessKeySecret: sandbox.accessKeySecret }),
    );
    const client = new SNSClient({ ...FAUXQS_CLIENT_CONFIG, endpoint: sns.endpoint });
    topicArn =
      (await client.send(new CreateTopicCommand({ Name: 'aliyun-domain-autorenew-prod-alerts' }))).TopicArn ?? '';
    await client.send(new SubscribeCommand({ TopicArn: topicArn, Protocol: 'email', Endpoint: 'ops@example.com' }));
    pendingTopicArn =
      (await client.send(new CreateTopicCommand({ Name: 'aliyun-domain-autorenew-qa-alerts' }))).TopicArn ?? '';
    // prod's second alarm path: its email subscription was never confirmed (review: doctor did not look at it).
    pathTopicArn =
      (await client.send(new CreateTopicCommand({ Name: 'aliyun-domain-autorenew-prod-alert-path' }))).TopicArn ?? '';
    client.destroy();
    // The prod ledger: the real table schema, a renew run an hour ago, a check run three days ago.
    const ledger = createDynamoLedger({
      tableName: 'aliyun-domain-autorenew-prod-ledger',
      clientConfig: { ...FAUXQS_CLIENT_CONFIG, endpoint: dynamo.endpoint },
    });
    const { DynamoDBClient } = await import('@aws-sdk/client-dynamodb');
    const raw = new DynamoDBClient({ ...FAUXQS_CLIENT_CONFIG, endpoint: dynamo.endpoint });
    await ensureTable(raw, 'aliyun-domain-autorenew-prod-ledger');
    raw.destroy();
    const now = Date.now();
    await ledger.recordRun({
      job: 'renew',
      runId: 'r1',
      startedAtMs: now - HOUR,
      finishedAtMs: now - HOUR,
      ok: true,
      summary: {},
    });
    await ledger.recordRun({
      job: 'check',
      runId: 'c1',
      startedAtMs: now - 72 * HOUR,
      finishedAtMs: now - 72 * HOUR,
      ok: true,
      summary: {},
    });
    ledger.destroy();
    const stacks: StackSummary[] = [
      { name: 'unrelated-app', status: 'UPDATE_COMPLETE', outputs: {} },
      { name: 'aliyun-domain-autorenew-prod', status: 'UPDATE_COMPLETE', outputs: outputs({}) },
      // A second stage buying for the same Alibaba account, and a dry-run one (harmless).
      { name: 'aliyun-domain-autorenew-eu', status: 'CREATE_COMPLETE', outputs: outputs({}) },
      { name: 'aliyun-domain-autorenew-try', status: 'CREATE_COMPLETE', outputs: outputs({ [OUTPUT.dryRun]: 'true' }) },
      // qa: dry run, a table that does not exist, a topic with no confirmed email; its own label, prod's secret.
      {
        name: 'aliyun-domain-autorenew-qa',
        status: 'ROLLBACK_COMPLETE',
        outputs: outputs({
          [OUTPUT.table]: 'aliyun-domain-autorenew-qa-ledger',
          [OUTPUT.topicArn]: pendingTopicArn,
          [OUTPUT.dryRun]: 'true',
          [OUTPUT.alibabaAccount]: 'secret:autorenew/alibaba',
        }),
      },
    ];
    cfn = await startFakeCloudFormation(stacks);
    // prod's rules are enabled; qa's renew rule was disabled by hand and its check rule is gone.
    events = await startFakeEventBridge({
      'aliyun-domain-autorenew-prod-renew-schedule': { state: 'ENABLED', schedule: 'cron(0 2 * * ? *)' },
      'aliyun-domain-autorenew-prod-check-schedule': { state: 'ENABLED', schedule: 'rate(1 hour)' },
      'aliyun-domain-autorenew-qa-renew-schedule': { state: 'DISABLED', schedule: 'cron(0 2 * * ? *)' },
    });
    dir = await mkdtemp(join(tmpdir(), 'autorenew-doctor-stage-'));
    await writeFile(join(dir, 'policy.json'), JSON.stringify({ version: 1 }));
    env = {
      AWS_REGION: 'us-east-1',
      ...standinAwsEnv({
        cloudformation: cfn.endpoint,
        eventbridge: events.endpoint,
        sns: sns.endpoint,
        secretsManager: secrets.endpoint,
        dynamodb: dynamo.endpoint,
      }),
      AUTORENEW_POLICY: join(dir, 'policy.json'),
      AUTORENEW_LEDGER_DIR: join(dir, 'unused-embedded-ledger'),
    };
  }, START_HOOK_TIMEOUT_MS);

  afterAll(async () => {
    await Promise.all([sandbox?.close(), dynamo?.stop(), sns?.stop(), secrets?.stop(), cfn?.stop(), events?.stop()]);
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('prod: checks run against the stack outputs; warns of a second buying stack and an old check run; exit 0', async () => {
    const run = await runCli(['doctor', '--stage', 'prod'], env);
    expect(run.stderr).toBe('');
    const out = lines(run.stdout);
    expect(out.slice(0, 4)).toEqual([
      'ok    stack: aliyun-domain-autorenew-prod in us-east-1: UPDATE_COMPLETE',
      `ok    stack outputs: table aliyun-domain-autorenew-prod-ledger, topic ${topicArn}; schedules: renew cron(0 2 * * ? *), check rate(1 hour)`,
      'ok    dry run: dryRun=false: renew buys what is due',
      'warn  alibaba account: aliyun-domain-autorenew-eu also buy(s) for 1234567890123456: each stack has its own ledger, so at most once holds per stack, not per account',
    ]);
    expect(out).toContainEqual(expect.stringMatching(/^ {6}fix: keep one buying stage per Alibaba account/));
    // The local checks ran with the outputs' settings: the secret, the endpoint, the table.
    expect(out).toContainEqual('ok    credentials: resolved from Secrets Manager secret autorenew/alibaba');
    expect(out).toContainEqual(`ok    endpoint: ${sandbox.url} (loopback sandbox: nothing real is bought)`);
    expect(out).toContainEqual(
      'ok    ledger table: table aliyun-domain-autorenew-prod-ledger (ACTIVE): keys and index open-batches as expected',
    );
    expect(out).toContainEqual(
      'ok    renew schedule: rule aliyun-domain-autorenew-prod-renew-schedule enabled: cron(0 2 * * ? *)',
    );
    expect(out).toContainEqual(
      'ok    check schedule: rule aliyun-domain-autorenew-prod-check-schedule enabled: rate(1 hour)',
    );
    expect(out).toContainEqual('ok    alert topic: 1 confirmed email subscription(s)');
    expect(out).toContainEqual(
      'warn  alert path topic: no confirmed email subscription (0 pending): nobody hears if the alert topic stops delivering',
    );
    expect(out).toContainEqual(expect.stringMatching(/^ok {4}last renew run: finished \S+ \(1 h ago\)$/));
    expect(out).toContainEqual(
      expect.stringMatching(/^warn {2}last check run: finished \S+ \(72 h ago\): longer ago than its schedule allows$/),
    );
    expect(out).toContainEqual('ok    ledger: table aliyun-domain-autorenew-prod-ledger readable (2 recorded run(s))');
    expect(out.at(-1)).toMatch(/^doctor: \d+ ok, \d+ warning\(s\), 0 failed$/);
    expect(run.code).toBe(EXIT.ok);
    expect(cfn.requests.every((a) => a === 'DescribeStacks')).toBe(true);
    expect(sandbox.state().requests.SaveBatchTaskForCreatingOrderRenew ?? 0).toBe(0);
    expect(run.stdout).not.toContain(sandbox.accessKeyId);
  });

  it('qa: a failed creation, a disabled and a missing schedule, a missing table, no confirmed email, dry run: FAIL with fixes, exit 1, no table made', async () => {
    const run = await runCli(['doctor', '--stage', 'qa'], env);
    const out = lines(run.stdout);
    expect(out).toContainEqual('FAIL  stack: aliyun-domain-autorenew-qa in us-east-1: ROLLBACK_COMPLETE');
    expect(out).toContainEqual(
      'warn  dry run: deployed with dryRun=true: renew plans and sends the plan digest, and buys nothing',
    );
    expect(out).toContainEqual(
      '      fix: when the plan digest is right, go live: npm run deploy -- --stage qa --param="dryRun=false" (and your other params)',
    );
    // Labelled apart, but on the secret prod and eu read: one key, one account (compared since review round 4, G).
    expect(out).toContainEqual(
      'ok    alibaba account: serves secret:autorenew/alibaba; also served by aliyun-domain-autorenew-eu, aliyun-domain-autorenew-prod, aliyun-domain-autorenew-try (dry run), and at most one of them buys',
    );
    expect(out).toContainEqual('FAIL  ledger table: table aliyun-domain-autorenew-qa-ledger does not exist');
    expect(out).toContainEqual(
      'FAIL  renew schedule: rule aliyun-domain-autorenew-qa-renew-schedule is DISABLED: renew does not run',
    );
    expect(out).toContainEqual(
      '      fix: enable it: aws events enable-rule --name aliyun-domain-autorenew-qa-renew-schedule',
    );
    expect(out).toContainEqual(
      'FAIL  check schedule: rule aliyun-domain-autorenew-qa-check-schedule does not exist: check never runs',
    );
    expect(out).toContainEqual(
      'warn  alert topic: no confirmed email subscription (0 pending): nobody hears of failed renewals',
    );
    expect(out.some((l) => l.startsWith('ok    ledger:'))).toBe(false);
    expect(run.code).toBe(EXIT.invalidInput);
    const { DynamoDBClient, ListTablesCommand } = await import('@aws-sdk/client-dynamodb');
    const raw = new DynamoDBClient({ ...FAUXQS_CLIENT_CONFIG, endpoint: dynamo.endpoint });
    expect((await raw.send(new ListTablesCommand({}))).TableNames).toEqual(['aliyun-domain-autorenew-prod-ledger']);
    raw.destroy();
  });

  it('a stage with no stack, and CloudFormation unreachable: FAIL naming what to do, nothing else checked', async () => {
    const [missing, unreachable] = await Promise.all([
      runCli(['doctor', '--stage', 'nope'], env),
      runCli(['doctor', '--stage', 'prod'], { ...env, AWS_ENDPOINT_URL_CLOUDFORMATION: 'http://127.0.0.1:9' }),
    ]);
    expect(lines(missing.stdout)).toEqual([
      'FAIL  stack: no stack for stage "nope" in us-east-1',
      '      fix: deploy it (npm run deploy -- --stage nope), or set AWS_REGION to the region it is in',
      'doctor: 0 ok, 0 warning(s), 1 failed; a run would stop',
    ]);
    expect(missing.code).toBe(EXIT.invalidInput);
    expect(lines(unreachable.stdout)[0]).toMatch(
      /^FAIL {2}stack: cannot list CloudFormation stacks: \w+ \(.*ECONNREFUSED.*\); check the AWS credentials, AWS_REGION and cloudformation:DescribeStacks$/,
    );
    expect(unreachable.code).toBe(EXIT.invalidInput);
  });
});
