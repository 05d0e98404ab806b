import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ensureTable } from '../../lib/ledger/create-table';
import { type Sandbox, startSandbox } from '../../lib/sandbox';
import { type AwsRecorder, startAwsRecorder } from '../helpers/aws-recorder';
import { coldHandler, lambdaEnv } from '../helpers/lambda';
import { type LocalDynamo, startDynalite } from '../helpers/ledger-dynalite';
import { START_HOOK_TIMEOUT_MS } from '../helpers/timeouts';

const DAY_MS = 86_400_000;
const MAIN = 'autorenew/alibaba';
const READ_ONLY = 'autorenew/alibaba-readonly';

const context = (id: string) => ({ awsRequestId: id, getRemainingTimeInMillis: () => 600_000 });

/** Sandbox + dynalite + recording AWS stand-ins, with the main and the read-only key as two secrets. */
interface World {
  sandbox: Sandbox;
  dynamo: LocalDynamo;
  recorder: AwsRecorder;
  dir: string;
  env: Record<string, string>;
}

async function startWorld(): Promise<World> {
  const now = Date.now();
  const sandbox = await startSandbox({
    taskMs: 50,
    fixture: {
      domains: [
        { domainName: 'due-one.com', expiresAtMs: now + 3 * DAY_MS },
        { domainName: 'due-two.cn', expiresAtMs: now + 9 * DAY_MS },
      ],
    },
  });
  const dynamo = await startDynalite();
  const recorder = await startAwsRecorder({
    dynamodb: dynamo.endpoint,
    secrets: {
      [MAIN]: JSON.stringify({ accessKeyId: sandbox.accessKeyId, accessKeySecret: sandbox.accessKeySecret }),
      [READ_ONLY]: JSON.stringify({
        accessKeyId: sandbox.readOnlyAccessKeyId,
        accessKeySecret: sandbox.readOnlyAccessKeySecret,
      }),
    },
  });
  const ddb = new DynamoDBClient({
    region: 'us-east-1',
    endpoint: dynamo.endpoint,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
  await ensureTable(ddb, 'ledger');
  ddb.destroy();
  const dir = await mkdtemp(join(tmpdir(), 'readonly-'));
  await writeFile(
    join(dir, 'policy.json'),
    JSON.stringify({ version: 1, window: { daysBeforeExpiry: 30 }, notify: { advanceDays: 0 } }),
  );
  const env = lambdaEnv({
    aws: { dynamodb: recorder.endpoint, secretsManager: recorder.endpoint, sns: recorder.endpoint },
    registrar: sandbox.url,
    secretId: MAIN,
    topicArn: 'arn:aws:sns:us-east-1:000000000000:alerts',
    policy: join(dir, 'policy.json'),
    functionName: 'autorenew-readonly-test',
  });
  return { sandbox, dynamo, recorder, dir, env };
}

async function stopWorld(world: World | undefined): Promise<void> {
  if (!world) return;
  await world.recorder.stop();
  await world.dynamo.stop();
  await world.sandbox.close();
  await rm(world.dir, { recursive: true, force: true });
}

describe('a read-only Alibaba key for check (AUTORENEW_READONLY_SECRET_ID)', () => {
  const saved = { ...process.env };
  let logs: string[] = [];
  let logSpy: jest.SpyInstance;

  beforeEach(() => {
    logs = [];
    logSpy = jest.spyOn(console, 'log').mockImplementation((line: unknown) => {
      logs.push(String(line));
    });
  });
  afterEach(() => {
    logSpy.mockRestore();
    process.env = { ...saved };
  });

  /** Secrets read by the calls recorded from `from` on. */
  const secretsRead = (world: World, from: number) =>
    world.recorder.calls
      .slice(from)
      .filter((c) => c.action === 'secretsmanager:GetSecretValue')
      .map((c) => c.resource);

  describe('end to end on the sandbox', () => {
    let world: World;
    beforeAll(async () => {
      world = await startWorld();
    }, START_HOOK_TIMEOUT_MS);
    afterAll(() => stopWorld(world));

    test('renew buys with the main key; check confirms with the read-only key only', async () => {
      Object.assign(process.env, world.env);
      await expect(coldHandler('renew')({}, context('ro-renew-1'))).resolves.toMatchObject({ submitted: 2 });
      // From here on the main key no longer works: check can only succeed with the read-only one.
      world.recorder.secrets.set(MAIN, JSON.stringify({ accessKeyId: 'revoked', accessKeySecret: 'revoked' }));
      world.sandbox.setClock({ advanceMs: 60_000 });
      const from = world.recorder.calls.length;
      process.env.AUTORENEW_READONLY_SECRET_ID = READ_ONLY;
      await expect(coldHandler('check')({}, context('ro-check-1'))).resolves.toMatchObject({
        renewed: 2,
        errors: 0,
      });
      expect(secretsRead(world, from)).toEqual([READ_ONLY]);
      expect(logs.join('\n')).not.toContain('can buy renewals');
      expect(world.sandbox.state().requests.forbidden ?? 0).toBe(0);
    });
  });

  describe('the read-only key cannot buy (the protection, switched on in the sandbox)', () => {
    let world: World;
    beforeAll(async () => {
      world = await startWorld();
    }, START_HOOK_TIMEOUT_MS);
    afterAll(() => stopWorld(world));

    test('renew given the read-only key is refused with Forbidden.RAM and buys nothing', async () => {
      // Misconfigured on purpose: the buying job pointed at the read-only secret.
      Object.assign(process.env, world.env, { AUTORENEW_SECRET_ID: READ_ONLY });
      // The registrar refused the paid call (Forbidden.RAM: an authorisation refusal, proven not executed): the run
      // stops with that error (and alerts), and nothing is bought.
      await expect(coldHandler('renew')({}, context('ro-renew-bad'))).rejects.toThrow(/Forbidden\.RAM/);
      const state = world.sandbox.state();
      expect(state.submissions).toEqual([]);
      expect(state.renewals).toEqual([]);
      expect(state.requests.forbidden).toBeGreaterThanOrEqual(1);
      expect(state.requests.SaveBatchTaskForCreatingOrderRenew).toBeGreaterThanOrEqual(1);
    });
  });

  describe('one secret only (the old deployment shape)', () => {
    let world: World;
    beforeAll(async () => {
      world = await startWorld();
    }, START_HOOK_TIMEOUT_MS);
    afterAll(() => stopWorld(world));

    test('check keeps working on the main key and warns once per container that it can spend', async () => {
      Object.assign(process.env, world.env);
      delete process.env.AUTORENEW_READONLY_SECRET_ID;
      await expect(coldHandler('renew')({}, context('one-renew'))).resolves.toMatchObject({ submitted: 2 });
      world.sandbox.setClock({ advanceMs: 60_000 });
      const from = world.recorder.calls.length;
      const check = coldHandler('check');
      await expect(check({}, context('one-check-1'))).resolves.toMatchObject({ renewed: 2 });
      await expect(check({}, context('one-check-2'))).resolves.toMatchObject({ errors: 0 });
      expect(secretsRead(world, from)).toEqual([MAIN]);
      const warnings = logs.filter((l) => l.includes('can buy renewals'));
      expect(warnings).toHaveLength(1);
      expect(JSON.parse(warnings[0] ?? '{}')).toMatchObject({ level: 'warn', job: 'check' });
    });
  });
});
