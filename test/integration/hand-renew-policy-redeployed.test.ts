import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Sandbox, startSandbox } from '../../lib/sandbox';
import { type AwsStandIns, startAwsStandIns } from '../helpers/aws-standins';
import { runCliInProcess } from '../helpers/cli-process';
import { coldHandler, lambdaEnv } from '../helpers/lambda';
import { PROCESS_TEST_TIMEOUT_MS, START_HOOK_TIMEOUT_MS } from '../helpers/timeouts';

jest.setTimeout(PROCESS_TEST_TIMEOUT_MS);

const DAY_MS = 86_400_000;
const TABLE = 'aliyun-domain-autorenew-prod-ledger';
// The Lambda plans by the system clock; the sandbox (and so the CLI) starts there, frozen.
const NOW = Math.floor(Date.now() / 60_000) * 60_000;

/**
 * The refusal of e1ecf83 compares the hand run's policy with the one the stage's LAST RENEW RUN used. A renew run
 * comes once a day; a person who changes the policy and deploys it (serverless deploy) gets a stage whose functions
 * run by the new file at once (the hourly check run records its hash within the hour), while the renew record keeps
 * the old file's hash until the next daily run. In that window:
 *  - the deployed (new) file is refused as "not the one the stage was deployed with" (a false refusal when the person
 *    deployed precisely to buy by hand now), and
 *  - a colleague's stale copy of the OLD file passes and buys what the deployed policy now lets lapse (M5).
 */
describe('a hand renew on the stage table right after a policy redeploy', () => {
  let sandbox: Sandbox;
  let aws: AwsStandIns;
  const saved = { ...process.env };
  let dir = '';
  let logSpy: jest.SpyInstance;

  async function world(domains: { domainName: string; expiresAtMs: number }[]) {
    sandbox = await startSandbox({
      nowMs: NOW,
      freezeClock: true,
      taskMs: 60_000,
      fixture: { balance: 10_000, domains },
    });
    aws = await startAwsStandIns(
      {
        'autorenew/alibaba': JSON.stringify({
          accessKeyId: sandbox.accessKeyId,
          accessKeySecret: sandbox.accessKeySecret,
        }),
      },
      TABLE,
    );
    dir = await mkdtemp(join(tmpdir(), 'round8-redeploy-'));
  }
  function deploy(policy: string) {
    Object.assign(
      process.env,
      lambdaEnv({
        aws: aws.endpoints,
        registrar: sandbox.url,
        secretId: 'autorenew/alibaba',
        topicArn: aws.topicArn,
        policy,
        functionName: 'aliyun-domain-autorenew-prod-renew',
        table: TABLE,
      }),
    );
  }
  const laptopEnv = () => ({
    AUTORENEW_TABLE: TABLE,
    AUTORENEW_DYNAMODB_ENDPOINT: aws.endpoints.dynamodb,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    AUTORENEW_ENDPOINT: sandbox.url,
    ALIBABA_CLOUD_ACCESS_KEY_ID: sandbox.accessKeyId,
    ALIBABA_CLOUD_ACCESS_KEY_SECRET: sandbox.accessKeySecret,
  });
  const ctx = (id: string) => ({ awsRequestId: id, getRemainingTimeInMillis: () => 600_000 });

  beforeEach(() => {
    logSpy = jest.spyOn(console, 'log').mockImplementation(() => {});
  });
  afterEach(async () => {
    logSpy?.mockRestore();
    process.env = { ...saved };
    await aws?.stop();
    await sandbox?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  }, START_HOOK_TIMEOUT_MS);

  it("the file just deployed is not refused (the stage's hourly check already runs by it)", async () => {
    await world([{ domainName: 'old-brand.com', expiresAtMs: NOW + 10 * DAY_MS }]);
    const v1 = join(dir, 'prod-v1.json');
    const v2 = join(dir, 'prod-v2.json');
    await writeFile(
      v1,
      JSON.stringify({
        version: 1,
        window: { daysBeforeExpiry: 30 },
        rules: [{ name: 'let-lapse', match: ['old-brand.com'], renew: false }],
        notify: { advanceDays: 0 },
      }),
    );
    await writeFile(v2, JSON.stringify({ version: 1, window: { daysBeforeExpiry: 30 }, notify: { advanceDays: 0 } }));
    deploy(v1);
    await coldHandler('renew')({}, ctx('renew-1'));
    expect(sandbox.state().submissions).toEqual([]);

    // The person changes their mind about old-brand.com (10 days left), deploys v2; the hourly check runs by it.
    deploy(v2);
    await coldHandler('check')({}, ctx('check-1'));

    // ... and buys it by hand now, with the very file the stage was just deployed with, as docs/deploy.md says.
    const run = await runCliInProcess(['renew', '--yes', '--policy', v2], laptopEnv());
    expect({
      code: run.code,
      bought: sandbox.state().submissions.map((s) => s.domainName),
      refused: /is not the one the stage's renew runs/.test(run.stderr),
    }).toEqual({ code: 0, bought: ['old-brand.com'], refused: false });
  });

  it('a stale copy of the previous file does not buy what the deployed policy now lets lapse (M5)', async () => {
    // Not due at the stage's renew run (30 days 6 hours, window 30); due 12 hours later, before the next daily run.
    await world([{ domainName: 'old-brand.com', expiresAtMs: NOW + 30 * DAY_MS + 6 * 3_600_000 }]);
    const v1 = join(dir, 'prod-v1.json');
    const v2 = join(dir, 'prod-v2.json');
    await writeFile(v1, JSON.stringify({ version: 1, window: { daysBeforeExpiry: 30 }, notify: { advanceDays: 0 } }));
    await writeFile(
      v2,
      JSON.stringify({
        version: 1,
        window: { daysBeforeExpiry: 30 },
        rules: [{ name: 'let-lapse', match: ['old-brand.com'], renew: false }],
        notify: { advanceDays: 0 },
      }),
    );
    deploy(v1);
    await coldHandler('renew')({}, ctx('renew-1'));
    expect(sandbox.state().submissions).toEqual([]);

    // Decided: old-brand.com lapses. v2 deployed; the hourly check runs by it.
    deploy(v2);
    await coldHandler('check')({}, ctx('check-1'));

    // 12 hours on, before the next daily renew run, a colleague with the old file (not pulled) buys by hand.
    sandbox.setClock({ advanceMs: DAY_MS / 2 });
    const run = await runCliInProcess(['renew', '--yes', '--policy', v1], laptopEnv());
    expect({ code: run.code, bought: sandbox.state().submissions.map((s) => s.domainName) }).toEqual({
      code: 1,
      bought: [],
    });
  });
});
