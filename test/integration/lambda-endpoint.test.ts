import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Sandbox, startSandbox } from '../../lib/sandbox';
import { type AwsRecorder, startAwsRecorder } from '../helpers/aws-recorder';
import { type Handler, lambdaEnv } from '../helpers/lambda';
import { type LocalDynamo, startDynalite } from '../helpers/ledger-dynalite';
import { START_HOOK_TIMEOUT_MS } from '../helpers/timeouts';

/** In a real Lambda (AWS_LAMBDA_RUNTIME_API set), a non-Alibaba endpoint stops the run at cold start. */
describe('the registrar endpoint inside Lambda', () => {
  let sandbox: Sandbox;
  let dynamo: LocalDynamo;
  let recorder: AwsRecorder;
  let dir: string;
  const saved = { ...process.env };
  let logSpy: jest.SpyInstance;

  beforeAll(async () => {
    sandbox = await startSandbox({ domains: 5 });
    dynamo = await startDynalite();
    recorder = await startAwsRecorder({
      dynamodb: dynamo.endpoint,
      secrets: { key: JSON.stringify({ accessKeyId: sandbox.accessKeyId, accessKeySecret: sandbox.accessKeySecret }) },
    });
    dir = await mkdtemp(join(tmpdir(), 'lambda-endpoint-'));
    await writeFile(join(dir, 'policy.json'), '{ "version": 1 }');
    Object.assign(process.env, {
      ...lambdaEnv({
        aws: { dynamodb: recorder.endpoint, secretsManager: recorder.endpoint, sns: recorder.endpoint },
        registrar: sandbox.url,
        secretId: 'key',
        topicArn: 'arn:aws:sns:us-east-1:000000000000:alerts',
        policy: join(dir, 'policy.json'),
        functionName: 'autorenew-endpoint-test',
      }),
      AWS_LAMBDA_RUNTIME_API: '127.0.0.1:9001',
    });
    logSpy = jest.spyOn(console, 'log').mockImplementation(() => {});
  }, START_HOOK_TIMEOUT_MS);

  afterAll(async () => {
    logSpy?.mockRestore();
    process.env = saved;
    await recorder?.stop();
    await dynamo?.stop();
    await sandbox?.close();
    await rm(dir, { recursive: true, force: true });
  });

  test.each(['renew', 'check'])('%s refuses a loopback http endpoint before any call, and alerts', async (job) => {
    const from = recorder.calls.length;
    const { handler } = require(`../../handlers/${job}`) as { handler: Handler };
    await expect(handler({}, { awsRequestId: `ep-${job}`, getRemainingTimeInMillis: () => 60_000 })).rejects.toThrow(
      /AUTORENEW_ENDPOINT=.*not allowed in Lambda/,
    );
    expect(sandbox.state().requests.total).toBe(0);
    // No secret read, no ledger write but the failed run's record: the error notice published, reported as a failed
    // run (the last run and, for renew, the watch list read: review 2026-12-07, thirty-first session).
    const actions = recorder.calls.slice(from).map((c) => c.action);
    expect(actions.filter((a) => !a.startsWith('dynamodb:Get'))).toEqual(['sns:Publish', 'dynamodb:PutItem']);
    expect(actions.some((a) => a.startsWith('secretsmanager:'))).toBe(false);
  });

  // review 2026-12-03: a value readConfig refuses stopped the run before any notifier existed: no error notice.
  test.each(['renew', 'check'])('%s with a malformed setting (AUTORENEW_DRY_RUN=ture) alerts too', async (job) => {
    const from = recorder.calls.length;
    process.env.AUTORENEW_DRY_RUN = 'ture';
    try {
      const { handler } = require(`../../handlers/${job}`) as { handler: Handler };
      await expect(handler({}, { awsRequestId: `cfg-${job}`, getRemainingTimeInMillis: () => 60_000 })).rejects.toThrow(
        /AUTORENEW_DRY_RUN/,
      );
    } finally {
      delete process.env.AUTORENEW_DRY_RUN;
    }
    expect(sandbox.state().requests.total).toBe(0);
    // The error notice, to the topic the stack set (the only call: nothing else could be built).
    expect(recorder.calls.slice(from)).toEqual([
      { action: 'sns:Publish', resource: 'arn:aws:sns:us-east-1:000000000000:alerts' },
    ]);
  });
});
