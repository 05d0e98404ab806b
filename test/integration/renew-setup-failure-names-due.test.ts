import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Sandbox, startSandbox } from '../../lib/sandbox';
import { type AwsStandIns, startAwsStandIns } from '../helpers/aws-standins';
import { coldHandler, lambdaEnv } from '../helpers/lambda';
import { START_HOOK_TIMEOUT_MS } from '../helpers/timeouts';

const NOW = Date.UTC(2026, 11, 8, 2, 0, 0);
const HOUR = 3_600_000;

/**
 * Review 2026-12-07 (thirty-first session), deployment review. A renew run that failed in the function's setup (its
 * policy file gone after a hand edit of AUTORENEW_POLICY) sent a bare error alert: it named none of the renewals in
 * flight due within two days, counted no JobErrors and recorded no failed run, unlike a run failing after its setup
 * (report-run.ts reportRunFailure, which it now goes through).
 */
describe('a deployed renew whose policy file is gone, the day after it bought', () => {
  let sandbox: Sandbox;
  let aws: AwsStandIns;
  const saved = { ...process.env };
  let logSpy: jest.SpyInstance;
  let dir: string | undefined;
  let policy = '';

  beforeAll(async () => {
    sandbox = await startSandbox({
      nowMs: NOW,
      freezeClock: true,
      // The order waits in the registrar's queue: the domain stays at its old expiry, in flight.
      taskMs: 72 * HOUR,
      fixture: { balance: 10_000, domains: [{ domainName: 'due-soon.com', expiresAtMs: NOW + 30 * HOUR }] },
    });
    aws = await startAwsStandIns({
      'autorenew/alibaba': JSON.stringify({
        accessKeyId: sandbox.accessKeyId,
        accessKeySecret: sandbox.accessKeySecret,
      }),
    });
    dir = await mkdtemp(join(tmpdir(), 'renew-setup-failure-'));
    policy = join(dir, 'policy.json');
    await writeFile(policy, JSON.stringify({ version: 1, notify: { advanceDays: 0 } }));
    Object.assign(
      process.env,
      lambdaEnv({
        aws: aws.endpoints,
        registrar: sandbox.url,
        secretId: 'autorenew/alibaba',
        topicArn: aws.topicArn,
        policy,
        functionName: 'autorenew-renew-setup-failure',
      }),
    );
    logSpy = jest.spyOn(console, 'log').mockImplementation(() => {});
  }, START_HOOK_TIMEOUT_MS);

  afterAll(async () => {
    logSpy?.mockRestore();
    process.env = saved;
    await aws?.stop();
    await sandbox?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('names the renewal in flight due within two days in its alert', async () => {
    await coldHandler('renew')({}, { awsRequestId: 'r-1', getRemainingTimeInMillis: () => 900_000 });
    expect(sandbox.state().submissions.map((s) => s.domainName)).toEqual(['due-soon.com']);
    await aws.received(); // the first run's digest
    await rm(policy);
    await expect(
      coldHandler('renew')({}, { awsRequestId: 'r-2', getRemainingTimeInMillis: () => 900_000 }),
    ).rejects.toThrow();
    const alerts = await aws.received();
    const text = alerts.map((m) => m.Message ?? '').join('\n');
    expect(text).toMatch(/due-soon\.com/);
    expect(text).toMatch(/the renew run failed before it could plan/);
  });
});
