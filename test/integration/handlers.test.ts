import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateTopicCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import { CreateQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { handler as checkHandler } from '../../handlers/check';
import { handler as renewHandler } from '../../handlers/renew';
import { ensureTable } from '../../lib/ledger/create-table';
import { type Sandbox, startSandbox } from '../../lib/sandbox';
import { type FakeSecretsManager, startFakeSecretsManager } from '../helpers/fake-secrets-manager';
import { FAUXQS_CLIENT_CONFIG, type FauxqsHandle, startFauxqs } from '../helpers/fauxqs';
import { coldHandler, lambdaEnv } from '../helpers/lambda';
import { type LocalDynamo, startDynalite } from '../helpers/ledger-dynalite';
import { START_HOOK_TIMEOUT_MS } from '../helpers/timeouts';

const DAY_MS = 86_400_000;

/**
 * The Lambda handlers exactly as deployed (composition roots, default AWS clients), with every AWS service pointed at
 * a loopback stand-in through the SDK's standard AWS_ENDPOINT_URL_<SERVICE> variables: DynamoDB -> dynalite,
 * Secrets Manager -> a GetSecretValue fake, SNS -> fauxqs; the registrar is the sandbox.
 */
describe('Lambda handlers end to end (loopback AWS stand-ins + sandbox)', () => {
  let sandbox: Sandbox;
  let dynamo: LocalDynamo;
  let sm: FakeSecretsManager;
  let fauxqs: FauxqsHandle;
  let sqs: SQSClient;
  let queueUrl: string;
  const saved = { ...process.env };
  let policyPath = '';
  const logs: string[] = [];
  let logSpy: jest.SpyInstance;
  let dir: string | undefined;

  beforeAll(async () => {
    const now = Date.now();
    sandbox = await startSandbox({
      taskMs: 50,
      fixture: {
        domains: [
          { domainName: 'due-one.com', expiresAtMs: now + 3 * DAY_MS },
          { domainName: 'due-two.cn', expiresAtMs: now + 9 * DAY_MS },
          { domainName: 'later.net', expiresAtMs: now + 200 * DAY_MS },
        ],
      },
    });
    dynamo = await startDynalite();
    sm = await startFakeSecretsManager({
      'autorenew/alibaba': JSON.stringify({
        accessKeyId: sandbox.accessKeyId,
        accessKeySecret: sandbox.accessKeySecret,
      }),
    });
    fauxqs = await startFauxqs();
    const awsConfig = { region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } };
    const ddb = new DynamoDBClient({ ...awsConfig, endpoint: dynamo.endpoint });
    await ensureTable(ddb, 'ledger');
    ddb.destroy();
    const sns = new SNSClient({ ...FAUXQS_CLIENT_CONFIG, endpoint: fauxqs.endpoint });
    sqs = new SQSClient({ ...FAUXQS_CLIENT_CONFIG, endpoint: fauxqs.endpoint });
    const topicArn = (await sns.send(new CreateTopicCommand({ Name: 'alerts' }))).TopicArn ?? '';
    queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: 'mail' }))).QueueUrl ?? '';
    const { Attributes } = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }),
    );
    await sns.send(new SubscribeCommand({ TopicArn: topicArn, Protocol: 'sqs', Endpoint: Attributes?.QueueArn ?? '' }));
    sns.destroy();

    dir = await mkdtemp(join(tmpdir(), 'handlers-'));
    policyPath = join(dir, 'policy.json');
    await writeFile(
      policyPath,
      JSON.stringify({ version: 1, window: { daysBeforeExpiry: 30 }, notify: { advanceDays: 0 } }),
    );
    Object.assign(
      process.env,
      lambdaEnv({
        aws: { dynamodb: dynamo.endpoint, secretsManager: sm.endpoint, sns: fauxqs.endpoint },
        registrar: sandbox.url,
        secretId: 'autorenew/alibaba',
        topicArn: topicArn,
        policy: policyPath,
        functionName: 'autorenew-test',
      }),
    );
    logSpy = jest.spyOn(console, 'log').mockImplementation((line: unknown) => {
      logs.push(String(line));
    });
  }, START_HOOK_TIMEOUT_MS);

  afterAll(async () => {
    logSpy?.mockRestore();
    process.env = saved;
    sqs?.destroy();
    await fauxqs?.stop();
    await sm?.stop();
    await dynamo?.stop();
    await sandbox?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const context = (id: string) => ({ awsRequestId: id, getRemainingTimeInMillis: () => 600_000 });

  it('renew submits the due domains, check confirms them; both publish to SNS and emit EMF metrics', async () => {
    const renew = await renewHandler({}, context('req-renew-1'));
    expect(renew).toMatchObject({ runId: 'req-renew-1', planned: 2, submitted: 2, unknown: 0 });
    expect(
      sandbox
        .state()
        .submissions.map((s) => s.domainName)
        .sort(),
    ).toEqual(['due-one.com', 'due-two.cn']);

    // Both tasks finish 2 x taskMs after their submit on the sandbox's clock: move it on rather than sleep.
    sandbox.setClock({ advanceMs: 60_000 });
    const check = await checkHandler({}, context('req-check-1'));
    expect(check).toMatchObject({ renewed: 2, failed: 0, errors: 0, notified: true });

    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10 }),
    );
    const subjects = Messages.map((m) => (JSON.parse(m.Body ?? '{}') as { Subject: string }).Subject).sort();
    expect(subjects).toEqual(['[autorenew] 2 renewed (check)', '[autorenew] 2 submitted (renew)']);

    const emf = logs.filter((l) => l.includes('"_aws"')).map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(emf.some((m) => m.RenewRuns === 1 && m.Job === 'renew')).toBe(true);
    expect(emf.some((m) => m.RenewalsConfirmed === 2 && m.Job === 'check')).toBe(true);
    // Secrets never reach the logs.
    expect(logs.join('\n')).not.toContain(sandbox.accessKeySecret);
    expect(sm.requests).toEqual(['autorenew/alibaba']);
  });

  it('a second renew delivery submits nothing (the ledger is the guard)', async () => {
    const again = await renewHandler({}, context('req-renew-2'));
    expect(again).toMatchObject({ submitted: 0 });
    expect(sandbox.state().submissions).toHaveLength(2);
  });

  it('an invalid policy stops the run before any registrar call and publishes an error notice', async () => {
    const bad = join(dir ?? '', 'bad-policy.json');
    await writeFile(bad, JSON.stringify({ version: 1, defaults: { yeras: 2 } }));
    process.env.AUTORENEW_POLICY = bad;
    const before = sandbox.state().requests.total;
    try {
      await expect(renewHandler({}, context('req-bad'))).rejects.toThrow(/yeras/);
    } finally {
      // Unset again, not set empty: an empty policy setting is refused (review 2026-12-05, round 4).
      if (saved.AUTORENEW_POLICY === undefined) delete process.env.AUTORENEW_POLICY;
      else process.env.AUTORENEW_POLICY = saved.AUTORENEW_POLICY;
    }
    expect(sandbox.state().requests.total).toBe(before);
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10 }),
    );
    const envelope = JSON.parse(Messages[0]?.Body ?? '{}') as {
      Subject: string;
      MessageAttributes: Record<string, { Value: string }>;
    };
    expect(envelope.Subject).toMatch(/error/i);
    expect(envelope.MessageAttributes.severity?.Value).toBe('alert');
  });

  it('an account without a secret stops the run before any call: in Lambda the key comes from Secrets Manager only', async () => {
    process.env.AUTORENEW_SECRET_ID = '';
    process.env.ALIBABA_CLOUD_ACCESS_KEY_ID = 'LTAI5tSANDBOXKEY00000000';
    process.env.ALIBABA_CLOUD_ACCESS_KEY_SECRET = 'not-used';
    const before = sandbox.state().requests.total;
    try {
      await expect(renewHandler({}, context('req-nosecret'))).rejects.toThrow(/no secret for its Alibaba key/);
    } finally {
      process.env.AUTORENEW_SECRET_ID = saved.AUTORENEW_SECRET_ID ?? 'autorenew/alibaba';
      delete process.env.ALIBABA_CLOUD_ACCESS_KEY_ID;
      delete process.env.ALIBABA_CLOUD_ACCESS_KEY_SECRET;
    }
    expect(sandbox.state().requests.total).toBe(before);
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10 }),
    );
    const envelope = JSON.parse(Messages[0]?.Body ?? '{}') as { Subject: string; Message: string };
    expect(envelope.Subject).toMatch(/error/i);
    expect(envelope.Message).toContain('AUTORENEW_SECRET_ID');
    expect(envelope.Message).not.toContain('LTAI5tSANDBOXKEY');
  });

  it('dryRun=true: the renew Lambda publishes the plan digest marked DRY RUN (info) and submits nothing', async () => {
    Object.assign(process.env, { AUTORENEW_DRY_RUN: 'true', AUTORENEW_POLICY: policyPath });
    const submissions = sandbox.state().submissions.length;
    try {
      const run = await renewHandler({}, context('req-dry'));
      expect(run).toMatchObject({ dryRun: true, submitted: 0 });
    } finally {
      delete process.env.AUTORENEW_DRY_RUN;
    }
    expect(sandbox.state().submissions).toHaveLength(submissions);
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10 }),
    );
    const dry = Messages.map(
      (m) =>
        JSON.parse(m.Body ?? '{}') as {
          Subject: string;
          Message: string;
          MessageAttributes: Record<string, { Value: string }>;
        },
    ).filter((e) => e.Subject.startsWith('[autorenew] DRY RUN:'));
    expect(dry).toHaveLength(1);
    expect(dry[0]?.MessageAttributes.severity?.Value).toBe('info');
    expect(dry[0]?.Message).toContain('DRY RUN: nothing was bought');
    expect(dry[0]?.Message).toContain('run req-dry');
  });
  it('a function loads no AWS SDK: a cold renew reads its secret and publishes with every SDK client unloadable', async () => {
    const sdks = ['@aws-sdk/client-sns', '@aws-sdk/client-secrets-manager', '@aws-sdk/client-dynamodb'];
    for (const name of [...sdks, '@aws-sdk/lib-dynamodb']) {
      jest.doMock(name, () => {
        throw new Error(`${name} was loaded by a handler`);
      });
    }
    Object.assign(process.env, { AUTORENEW_DRY_RUN: 'true' });
    const reads = sm.requests.length;
    try {
      const run = await coldHandler('renew')({}, context('req-no-sdk'));
      expect(run).toMatchObject({ dryRun: true });
    } finally {
      delete process.env.AUTORENEW_DRY_RUN;
      for (const name of [...sdks, '@aws-sdk/lib-dynamodb']) jest.dontMock(name);
    }
    // A fresh container: the secret was read again, over the functions' own client.
    expect(sm.requests.length).toBe(reads + 1);
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10 }),
    );
    const published = Messages.map((m) => JSON.parse(m.Body ?? '{}') as { Message: string });
    expect(published.filter((e) => e.Message.includes('run req-no-sdk'))).toHaveLength(1);
  });
});
