import { readFileSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Sandbox, startSandbox } from '../../lib/sandbox';
import { type AwsStandIns, type SnsEnvelope, startAwsStandIns } from '../helpers/aws-standins';
import { coldHandler, lambdaEnv } from '../helpers/lambda';
import { START_HOOK_TIMEOUT_MS } from '../helpers/timeouts';

const NOW = Date.UTC(2026, 11, 6, 6, 0, 0);
const DAY_MS = 86_400_000;
/** serverless.yml: the check function's timeout (300 s): what getRemainingTimeInMillis says at its start. */
function checkTimeoutMs(): number {
  const yaml = createRequire(createRequire(`${process.cwd()}/package.json`).resolve('osls/package.json'))(
    'js-yaml',
  ) as {
    load(text: string): { functions: { check: { timeout: number } } };
  };
  return yaml.load(readFileSync('serverless.yml', 'utf8')).functions.check.timeout * 1000;
}

/**
 * The room's wait limit (time-margin.ts computeRoomWaitLimitMs) was two of the jobs' margins with the deployed
 * client, 2 x 200 s = 400 s, before the deadline. The check function has 300 s in all (serverless.yml), so for every
 * hourly check run with several accounts the limit was 0: the room never waited, each account's digest went out as
 * its own message, and the first said the others were "Still running when the others reported, close to the time
 * limit" at the start of a 5-minute run (review 2026-12-06). Without a global cap the room waits one margin.
 */
describe('the deployed check handler, two accounts, a fresh 300 s invocation', () => {
  let sandbox: Sandbox;
  let aws: AwsStandIns;
  const saved = { ...process.env };

  beforeAll(async () => {
    sandbox = await startSandbox({
      nowMs: NOW,
      freezeClock: true,
      taskMs: 60_000,
      fixture: { balance: 1000, domains: [{ domainName: 'main-due.com', expiresAtMs: NOW + 5 * DAY_MS }] },
      accounts: [
        {
          name: 'second',
          accessKeyId: 'second-key-id',
          accessKeySecret: 'second-key-secret',
          balance: 1000,
          fixture: { domains: [{ domainName: 'second-due.com', expiresAtMs: NOW + 6 * DAY_MS }] },
        },
      ],
    });
    aws = await startAwsStandIns({
      'autorenew/main': JSON.stringify({ accessKeyId: sandbox.accessKeyId, accessKeySecret: sandbox.accessKeySecret }),
      'autorenew/second': JSON.stringify({ accessKeyId: 'second-key-id', accessKeySecret: 'second-key-secret' }),
    });
    const dir = await mkdtemp(join(tmpdir(), 'check-wait-'));
    const policy = join(dir, 'policy.json');
    await writeFile(
      policy,
      JSON.stringify({ version: 1, window: { daysBeforeExpiry: 30 }, notify: { advanceDays: 0 } }),
    );
    const env: Record<string, string | undefined> = lambdaEnv({
      aws: aws.endpoints,
      registrar: sandbox.url,
      secretId: 'unused',
      topicArn: aws.topicArn,
      policy,
      functionName: 'autorenew-check-wait',
    });
    delete env.AUTORENEW_ENDPOINT;
    delete env.AUTORENEW_SECRET_ID;
    Object.assign(process.env, env, {
      // A global cap is shared by renew only: check's room must not wait as if it shared one.
      AUTORENEW_GLOBAL_MAX_DOMAINS: '10',
      AUTORENEW_ACCOUNTS: JSON.stringify([
        { name: 'main', secretId: 'autorenew/main', endpoint: sandbox.url },
        { name: 'second', secretId: 'autorenew/second', endpoint: sandbox.url },
      ]),
    });
    delete process.env.AUTORENEW_ENDPOINT;
    delete process.env.AUTORENEW_SECRET_ID;
  }, START_HOOK_TIMEOUT_MS);

  afterAll(async () => {
    process.env = saved;
    await aws?.stop();
    await sandbox?.close();
  });

  it('check confirms both accounts\' renewals in one digest, not one per account with "still running ... close to the time limit"', async () => {
    // Renew with ten minutes left: both buy, one combined digest (as test/integration/accounts.test.ts).
    await coldHandler('renew')({}, { awsRequestId: 'renew-1', getRemainingTimeInMillis: () => 600_000 });
    expect(sandbox.state().submissions.map((s) => s.domainName)).toEqual(['main-due.com']);
    expect(sandbox.state('second').submissions.map((s) => s.domainName)).toEqual(['second-due.com']);
    expect(await aws.received()).toHaveLength(1);

    sandbox.setClock({ advanceMs: 10 * 60_000 });
    // The hourly check, fresh: its whole 300 s ahead of it.
    const timeout = checkTimeoutMs();
    expect(timeout).toBe(300_000);
    await coldHandler('check')({}, { awsRequestId: 'check-1', getRemainingTimeInMillis: () => timeout });
    const emails = ((await aws.received()) as SnsEnvelope[]).map(
      (m) => (JSON.parse(m.Message) as { email: string }).email,
    );
    const all = emails.join('\n');
    expect(all).toContain('main-due.com');
    expect(all).toContain('second-due.com');
    expect(all).not.toContain('close to the time limit');
    expect(emails).toHaveLength(1);
  });
});
