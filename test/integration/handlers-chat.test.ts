import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateTopicCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import { CreateQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { handler as checkHandler } from '../../handlers/check';
import { handler as renewHandler } from '../../handlers/renew';
import { ensureTable } from '../../lib/ledger/create-table';
import { TARGET_KINDS } from '../../lib/policy/schema';
import { type Sandbox, startSandbox } from '../../lib/sandbox';
import { type StandIn, startStandIn } from '../helpers/chat-standins';
import { type FakeSecretsManager, startFakeSecretsManager } from '../helpers/fake-secrets-manager';
import { FAUXQS_CLIENT_CONFIG, type FauxqsHandle, startFauxqs } from '../helpers/fauxqs';
import { lambdaEnv } from '../helpers/lambda';
import { type LocalDynamo, startDynalite } from '../helpers/ledger-dynalite';
import { START_HOOK_TIMEOUT_MS } from '../helpers/timeouts';

const DAY_MS = 86_400_000;

/**
 * Issue 17 acceptance: the Lambda handlers as deployed, with one chat target of each kind (loopback stand-ins that
 * check format and signature); URLs and secrets come from the job's Secrets Manager secret (`notifyTargets`).
 * The Lambda handlers exactly as deployed (composition roots, default AWS clients), with every AWS service pointed at
 * a loopback stand-in through the SDK's standard AWS_ENDPOINT_URL_<SERVICE> variables: DynamoDB -> dynalite,
 * Secrets Manager -> a GetSecretValue fake, SNS -> fauxqs; the registrar is the sandbox.
 */
describe('Lambda handlers with chat targets', () => {
  const standIns = new Map<string, StandIn>();
  let sandbox: Sandbox;
  let dynamo: LocalDynamo;
  let sm: FakeSecretsManager;
  let fauxqs: FauxqsHandle;
  let sqs: SQSClient;
  let queueUrl: string;
  const saved = { ...process.env };
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
    const notifyTargets: Record<string, { url: string; secret?: string }> = {};
    for (const kind of TARGET_KINDS) {
      const secret = kind === 'wecom' || kind === 'slack' ? undefined : `chat-secret-${kind}-0001`;
      const s = await startStandIn(kind, secret ? { secret } : {});
      standIns.set(kind, s);
      notifyTargets[`team-${kind}`] = { url: s.url, ...(secret ? { secret } : {}) };
    }
    sm = await startFakeSecretsManager({
      'autorenew/alibaba': JSON.stringify({
        accessKeyId: sandbox.accessKeyId,
        accessKeySecret: sandbox.accessKeySecret,
        notifyTargets,
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
    const policyPath = join(dir, 'policy.json');
    await writeFile(
      policyPath,
      JSON.stringify({
        version: 1,
        window: { daysBeforeExpiry: 30 },
        notify: { advanceDays: 0, targets: TARGET_KINDS.map((kind) => ({ name: `team-${kind}`, kind })) },
      }),
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
    for (const s of standIns.values()) await s.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const context = (id: string) => ({ awsRequestId: id, getRemainingTimeInMillis: () => 600_000 });
  const counts = () => TARGET_KINDS.map((k) => standIns.get(k)?.accepted.length ?? -1);
  const subjects = async () => {
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10 }),
    );
    return Messages.map((m) => (JSON.parse(m.Body ?? '{}') as { Subject: string }).Subject).sort();
  };

  it('each digest reaches SNS and every target once; a failed target gets it on the next run, SNS not again', async () => {
    await renewHandler({}, context('req-renew-1'));
    expect(await subjects()).toEqual(['[autorenew] 2 submitted (renew)']);
    expect(counts()).toEqual([1, 1, 1, 1, 1]);
    for (const s of standIns.values()) expect(JSON.stringify(s.accepted[0])).toContain('2 submitted (renew)');

    const feishu = standIns.get('feishu') as StandIn;
    feishu.mode = 'down';
    sandbox.setClock({ advanceMs: 60_000 });
    const check = await checkHandler({}, context('req-check-1'));
    expect(check).toMatchObject({ renewed: 2, errors: 0, notified: true });
    expect(await subjects()).toEqual(['[autorenew] 2 renewed (check)']);
    expect(counts()).toEqual([2, 1, 2, 2, 2]);

    feishu.mode = 'ok';
    const retry = await checkHandler({}, context('req-check-2'));
    expect(retry).toMatchObject({ errors: 0, notified: true });
    expect(await subjects()).toEqual([]);
    expect(counts()).toEqual([2, 2, 2, 2, 2]);
    expect(JSON.stringify(feishu.accepted[1])).toContain('2 renewed (check)');

    // A third run has nothing left to send anywhere.
    await checkHandler({}, context('req-check-3'));
    expect(counts()).toEqual([2, 2, 2, 2, 2]);
    expect(await subjects()).toEqual([]);

    // Neither URLs (tokens) nor signing secrets reach the logs.
    const text = logs.join('\n');
    for (const s of standIns.values()) {
      expect(text).not.toContain(new URL(s.url).pathname + new URL(s.url).search);
      if (s.secret) expect(text).not.toContain(s.secret);
    }
  });
});
