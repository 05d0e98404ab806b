import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Sandbox, startSandbox } from '../../lib/sandbox';
import { type AwsStandIns, startAwsStandIns } from '../helpers/aws-standins';
import { coldHandler, lambdaEnv } from '../helpers/lambda';
import { START_HOOK_TIMEOUT_MS } from '../helpers/timeouts';

const HOUR = 3_600_000;
/** 03:05 UTC: inside a six-hour block, not its first hour (report-run.ts pagesCheckFailure). */
const START = Date.UTC(2026, 11, 8, 3, 5, 0);

/**
 * Review 2026-12-07 (thirty-first session). The hourly check that fails as a whole pages the first failure of a streak, then once per six-hour block (the
 * thirty-first session's fix: twelve SMS in twelve hours). A check that fails in prepareLambdaJob (its policy file
 * missing or invalid at the cold start, a setting refused, AUTORENEW_TABLE lost in a hand edit of the function's
 * environment) calls notifyJobError directly: no streak rule, no run record, so every hourly run pages (severity
 * `alert`, an SMS by default): 24 SMS a day until someone fixes it, which also uses up the account's SMS
 * MonthlySpendLimit that docs/deploy.md asks to set, after which the real will-lapse SMS are not sent.
 */
describe('a deployed check whose policy file is missing, hour after hour', () => {
  let sandbox: Sandbox;
  let aws: AwsStandIns;
  const saved = { ...process.env };
  let logSpy: jest.SpyInstance;
  let nowSpy: jest.SpyInstance;
  let dir: string | undefined;
  let nowMs = START;

  beforeAll(async () => {
    sandbox = await startSandbox({ nowMs: START, freezeClock: true, fixture: { domains: [] } });
    aws = await startAwsStandIns({
      'autorenew/alibaba': JSON.stringify({
        accessKeyId: sandbox.accessKeyId,
        accessKeySecret: sandbox.accessKeySecret,
      }),
    });
    dir = await mkdtemp(join(tmpdir(), 'deploy-missing-policy-'));
    Object.assign(
      process.env,
      lambdaEnv({
        aws: aws.endpoints,
        registrar: sandbox.url,
        secretId: 'autorenew/alibaba',
        topicArn: aws.topicArn,
        // The function's AUTORENEW_POLICY names a file that is not there (a hand edit, a bundle without it).
        policy: join(dir, 'policy.json'),
        functionName: 'autorenew-missing-policy',
      }),
    );
    logSpy = jest.spyOn(console, 'log').mockImplementation(() => {});
  }, START_HOOK_TIMEOUT_MS);

  afterAll(async () => {
    nowSpy?.mockRestore();
    logSpy?.mockRestore();
    process.env = saved;
    await aws?.stop();
    await sandbox?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('pages once for the streak within a six-hour block, as any other check failure, not every hour', async () => {
    const realNow = Date.now.bind(Date);
    const offset = START - realNow();
    // The jobs' clock (lib/clock.ts systemClock) at 03:05, 04:05, 05:05 UTC; real time still passes for the sockets.
    nowSpy = jest.spyOn(Date, 'now').mockImplementation(() => realNow() + offset + (nowMs - START));
    const severities: string[] = [];
    for (const hour of [0, 1, 2]) {
      nowMs = START + hour * HOUR;
      await coldHandler('check')({}, { awsRequestId: `c-${hour}`, getRemainingTimeInMillis: () => 300_000 }).catch(
        () => undefined,
      );
      for (const m of await aws.received()) severities.push(m.MessageAttributes?.severity?.Value ?? '');
    }
    // Every hour told (an email), the failure paged once (the first of the streak).
    expect(severities).toHaveLength(3);
    expect(severities.filter((s) => s === 'alert')).toHaveLength(1);
  });
});
