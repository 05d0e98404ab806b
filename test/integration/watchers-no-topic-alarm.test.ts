import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Sandbox, startSandbox } from '../../lib/sandbox';
import { type AwsStandIns, startAwsStandIns } from '../helpers/aws-standins';
import { coldHandler, lambdaEnv } from '../helpers/lambda';
import { START_HOOK_TIMEOUT_MS } from '../helpers/timeouts';

const NOW = Date.UTC(2026, 11, 6, 6, 0, 0);
const DAY_MS = 86_400_000;

/**
 * Review 2026-12-07. A deployed function without AUTORENEW_TOPIC_ARN (the variable lost in a hand edit: `aws lambda
 * update-function-configuration --environment` replaces every variable): every notice went to the function's log
 * only and stayed pending, and the run succeeded: no Lambda Errors, no JobErrors, no alarm. The alarms do not need the
 * variable (CloudWatch publishes to the topic itself), so the run counts JobErrors.
 */
describe('a deployed function without AUTORENEW_TOPIC_ARN is an alarm, not only a log line', () => {
  let sandbox: Sandbox;
  let aws: AwsStandIns;
  const saved = { ...process.env };
  const logs: string[] = [];
  let logSpy: jest.SpyInstance;

  beforeAll(async () => {
    sandbox = await startSandbox({
      nowMs: NOW,
      freezeClock: true,
      taskMs: 60_000,
      fixture: { balance: 1000, domains: [{ domainName: 'due-one.com', expiresAtMs: NOW + 5 * DAY_MS }] },
    });
    aws = await startAwsStandIns({
      'autorenew/alibaba': JSON.stringify({
        accessKeyId: sandbox.accessKeyId,
        accessKeySecret: sandbox.accessKeySecret,
      }),
    });
    const dir = await mkdtemp(join(tmpdir(), 'no-topic-alarm-'));
    const policy = join(dir, 'policy.json');
    await writeFile(
      policy,
      JSON.stringify({ version: 1, window: { daysBeforeExpiry: 30 }, notify: { advanceDays: 0 } }),
    );
    Object.assign(
      process.env,
      lambdaEnv({
        aws: aws.endpoints,
        registrar: sandbox.url,
        secretId: 'autorenew/alibaba',
        topicArn: 'unused',
        policy,
        functionName: 'autorenew-no-topic-alarm',
      }),
    );
    delete process.env.AUTORENEW_TOPIC_ARN;
    logSpy = jest.spyOn(console, 'log').mockImplementation((line: unknown) => {
      logs.push(String(line));
    });
  }, START_HOOK_TIMEOUT_MS);

  afterAll(async () => {
    logSpy?.mockRestore();
    process.env = saved;
    await aws?.stop();
    await sandbox?.close();
  });

  const jobErrors = (job: string) =>
    logs
      .filter((l) => l.includes('"_aws"'))
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .filter((m) => m.Job === job)
      .reduce((sum, m) => sum + (typeof m.JobErrors === 'number' ? m.JobErrors : 0), 0);

  it.each([
    ['renew', 600_000],
    ['check', 300_000],
  ] as const)('%s: counts JobErrors (an alarm reaches the topic through CloudWatch)', async (job, ms) => {
    await coldHandler(job)({}, { awsRequestId: `nt-${job}`, getRemainingTimeInMillis: () => ms }).catch(() => {});
    // The notices really reached nobody.
    expect(await aws.received()).toEqual([]);
    expect(jobErrors(job)).toBeGreaterThan(0);
  });
});
