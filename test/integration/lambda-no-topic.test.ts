import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Sandbox, startSandbox } from '../../lib/sandbox';
import { type AwsStandIns, startAwsStandIns } from '../helpers/aws-standins';
import { coldHandler, lambdaEnv } from '../helpers/lambda';
import { START_HOOK_TIMEOUT_MS } from '../helpers/timeouts';

const NOW = Date.UTC(2026, 11, 6, 6, 0, 0);
const DAY_MS = 86_400_000;

/**
 * A deployed function without AUTORENEW_TOPIC_ARN (a stack edited by hand, a template that lost the variable): its
 * notices go to the function's log, which nobody reads, and were marked sent all the same, so the SNS topic set
 * later never got them and the next run had nothing to say. Now the log says what is wrong, every run, and the
 * notices stay pending (not marked sent) until a run can publish them. And each run counts JobErrors (review
 * 2026-12-07: the log line reached no one and no alarm fired; the alarms need no variable, CloudWatch publishes them).
 */
describe('a deployed function without AUTORENEW_TOPIC_ARN', () => {
  let sandbox: Sandbox;
  let aws: AwsStandIns;
  const saved = { ...process.env };
  const logs: string[] = [];
  let logSpy: jest.SpyInstance;
  let dir: string | undefined;

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
    dir = await mkdtemp(join(tmpdir(), 'no-topic-'));
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
        functionName: 'autorenew-no-topic',
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
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('logs an error naming the variable, and keeps the notices pending: the check run shows them again', async () => {
    const submittedLines = () => logs.join('\n').match(/- due-one\.com: expiry [^\n]*TaskNo/g) ?? [];
    await coldHandler('renew')({}, { awsRequestId: 'nt-1', getRemainingTimeInMillis: () => 600_000 });
    expect(sandbox.state().submissions.map((s) => s.domainName)).toEqual(['due-one.com']);
    expect(submittedLines()).toHaveLength(1);
    expect(logs.join('\n')).toMatch(/"level":"error".*AUTORENEW_TOPIC_ARN is not set/);

    // The hourly check sends what is still pending: the submitted line again, as it was never marked sent.
    await coldHandler('check')({}, { awsRequestId: 'nt-2', getRemainingTimeInMillis: () => 300_000 });
    expect(sandbox.state().submissions).toHaveLength(1); // nothing bought twice
    expect(submittedLines()).toHaveLength(2);
    expect(await aws.received()).toEqual([]);
    expect({ renew: jobErrors('renew'), check: jobErrors('check') }).toEqual({ renew: 1, check: 1 });
  });

  const jobErrors = (job: string) =>
    logs
      .filter((l) => l.includes('"_aws"'))
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .filter((m) => m.Job === job)
      .reduce((sum, m) => sum + (typeof m.JobErrors === 'number' ? m.JobErrors : 0), 0);
});
