import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateTopicCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import { OUTPUT, type StackSummary } from '../../lib/deployment/stack';
import { ensureTable } from '../../lib/ledger/create-table';
import { createDynamoLedger } from '../../lib/ledger/dynamodb';
import { policyHash } from '../../lib/policy/hash';
import { loadPolicyFile } from '../../lib/policy/load';
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

// Review 2026-12-07 (thirty-first session), read commands: `doctor --stage prod --policy FILE` is how a person checks that a stage is set up ("Pass --policy
// with the file that was deployed"). The stage's runs record the hash of the policy they run by (RunRecord.policyHash,
// which `renew` and `check` on the table already compare: stage-policy.ts), but doctor never compares it: it reports
// "policy: valid" and "rules: every rule matches", and exits 0 "nothing would stop a run", for a file the stage does
// not run. The person edits the policy (adds a rule renewing a TLD the deployed one opts out of), forgets to deploy,
// runs doctor against the stage, sees all green, and the domain lapses; or the other way, a domain the edit opts out
// is still bought.
jest.setTimeout(PROCESS_TEST_TIMEOUT_MS);

const lines = (text: string) => text.split('\n').filter((l) => l !== '');
const HOUR = 3_600_000;
const TABLE = 'aliyun-domain-autorenew-prod-ledger';

let sandbox: Sandbox;
let dynamo: LocalDynamo;
let sns: FauxqsHandle;
let secrets: FakeSecretsManager;
let cfn: FakeCloudFormation;
let events: FakeEventBridge;
let dir: string;
let env: Record<string, string>;

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
  const topicArn =
    (await client.send(new CreateTopicCommand({ Name: 'aliyun-domain-autorenew-prod-alerts' }))).TopicArn ?? '';
  await client.send(new SubscribeCommand({ TopicArn: topicArn, Protocol: 'email', Endpoint: 'ops@example.com' }));
  client.destroy();

  dir = await mkdtemp(join(tmpdir(), 'autorenew-readers-doctor-'));
  // What was deployed: everything opted out but .com. What the person now has (edited, never deployed): renew all.
  await writeFile(
    join(dir, 'deployed.json'),
    JSON.stringify({ version: 1, defaults: { renew: false }, rules: [{ name: 'com', match: ['*.com'], renew: true }] }),
  );
  await writeFile(join(dir, 'edited.json'), JSON.stringify({ version: 1 }));
  const deployed = await loadPolicyFile(join(dir, 'deployed.json'));
  const edited = await loadPolicyFile(join(dir, 'edited.json'));
  expect(policyHash(deployed)).not.toBe(policyHash(edited));

  const raw = new (await import('@aws-sdk/client-dynamodb')).DynamoDBClient({
    ...FAUXQS_CLIENT_CONFIG,
    endpoint: dynamo.endpoint,
  });
  await ensureTable(raw, TABLE);
  raw.destroy();
  const ledger = createDynamoLedger({
    tableName: TABLE,
    clientConfig: { ...FAUXQS_CLIENT_CONFIG, endpoint: dynamo.endpoint },
  });
  const now = Date.now();
  // The stage's Lambda runs, an hour ago, by the deployed policy (as lib/compose/lambda.ts records them).
  for (const job of ['renew', 'check'] as const) {
    await ledger.recordRun({
      job,
      runId: `${job}-1`,
      startedAtMs: now - HOUR,
      finishedAtMs: now - HOUR,
      ok: true,
      summary: {},
      accounts: [''],
      policyHash: policyHash(deployed),
    });
  }
  ledger.destroy();
  const stacks: StackSummary[] = [
    {
      name: 'aliyun-domain-autorenew-prod',
      status: 'UPDATE_COMPLETE',
      outputs: {
        [OUTPUT.table]: TABLE,
        [OUTPUT.topicArn]: topicArn,
        [OUTPUT.alertPathTopicArn]: topicArn,
        [OUTPUT.secretName]: 'autorenew/alibaba',
        [OUTPUT.endpoint]: sandbox.url,
        [OUTPUT.dryRun]: 'false',
        [OUTPUT.alibabaAccount]: '1234567890123456',
      },
    },
  ];
  cfn = await startFakeCloudFormation(stacks);
  events = await startFakeEventBridge({
    'aliyun-domain-autorenew-prod-renew-schedule': { state: 'ENABLED', schedule: 'cron(0 2 * * ? *)' },
    'aliyun-domain-autorenew-prod-check-schedule': { state: 'ENABLED', schedule: 'rate(1 hour)' },
  });
  env = {
    AWS_REGION: 'us-east-1',
    ...standinAwsEnv({
      cloudformation: cfn.endpoint,
      eventbridge: events.endpoint,
      sns: sns.endpoint,
      secretsManager: secrets.endpoint,
      dynamodb: dynamo.endpoint,
    }),
    AUTORENEW_LEDGER_DIR: join(dir, 'unused-embedded-ledger'),
  };
}, START_HOOK_TIMEOUT_MS);

afterAll(async () => {
  await Promise.all([sandbox?.close(), dynamo?.stop(), sns?.stop(), secrets?.stop(), cfn?.stop(), events?.stop()]);
  if (dir) await rm(dir, { recursive: true, force: true });
});

it('control: doctor --stage with the deployed policy file says nothing about the policy differing', async () => {
  const run = await runCli(['doctor', '--stage', 'prod', '--policy', join(dir, 'deployed.json')], env);
  expect(lines(run.stdout)).toContainEqual(expect.stringMatching(/^ok {4}policy: /));
  expect(run.stdout).not.toMatch(/not the (one|policy)|differs|other policy/i);
});

it("doctor --stage with a policy file the stage's runs do not use says so (not all green)", async () => {
  const run = await runCli(['doctor', '--stage', 'prod', '--policy', join(dir, 'edited.json')], env);
  const out = lines(run.stdout);
  // The checklist names the mismatch: the stage's last runs used another policy than the file given.
  const policyLines = out.filter((l) => /policy/i.test(l));
  expect({
    policyLines,
    mismatchNamed: out.some(
      (l) => /^(warn|FAIL)/.test(l) && /policy/i.test(l) && /(differ|not the|other|last used)/i.test(l),
    ),
  }).toEqual({ policyLines, mismatchNamed: true });
});
