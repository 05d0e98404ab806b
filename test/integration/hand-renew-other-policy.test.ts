import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Sandbox, startSandbox } from '../../lib/sandbox';
import { type AwsStandIns, startAwsStandIns } from '../helpers/aws-standins';
import { runCliInProcess } from '../helpers/cli-process';
import { coldHandler, lambdaEnv } from '../helpers/lambda';
import { PROCESS_TEST_TIMEOUT_MS, START_HOOK_TIMEOUT_MS } from '../helpers/timeouts';

jest.setTimeout(PROCESS_TEST_TIMEOUT_MS);

const NOW = Date.UTC(2026, 11, 6, 6, 0, 0);
const DAY_MS = 86_400_000;
const TABLE = 'aliyun-domain-autorenew-prod-ledger';

/**
 * `renew` by hand from a laptop against the deployed stage's table (docs/deploy.md: "plan and buy with the stage's own
 * ledger table"), with the policy file the laptop has (the guide's own example passes policies/default.json), not the
 * one the stage was deployed with. The stage's policy lets old-brand.com lapse (`"renew": false`); the laptop's buys
 * every due domain. Nothing compares the two: the gate (refuseUnreadKeyspace) checks only that a renew run and the
 * stage's accounts are recorded, so the laptop buys, non-refundably, the renewal the deployed policy vetoes (M5: a
 * wrong policy file buys). The stage's run record could carry its policy's hash (policyHash, as plan files do) and a
 * buying hand run on the stage's table refuse another policy unless told (--policy-differs).
 */
describe("a hand renew on the stage's table with another policy than the stage's", () => {
  let sandbox: Sandbox;
  let aws: AwsStandIns;
  const saved = { ...process.env };
  let dir: string | undefined;
  let laptopPolicy = '';
  let stagePolicy = '';
  let logSpy: jest.SpyInstance;
  /** The laptop's shell: the stage's table and key, a sandbox registrar. */
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

  beforeAll(async () => {
    sandbox = await startSandbox({
      nowMs: NOW,
      freezeClock: true,
      taskMs: 60_000,
      fixture: {
        balance: 10_000,
        domains: [
          { domainName: 'keep.com', expiresAtMs: NOW + 40 * DAY_MS },
          { domainName: 'old-brand.com', expiresAtMs: NOW + 10 * DAY_MS },
        ],
      },
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
    dir = await mkdtemp(join(tmpdir(), 'cmds30-policy-'));
    stagePolicy = join(dir, 'prod.json');
    await writeFile(
      stagePolicy,
      JSON.stringify({
        version: 1,
        window: { daysBeforeExpiry: 30 },
        rules: [{ name: 'let-lapse', match: ['old-brand.com'], renew: false }],
        notify: { advanceDays: 0 },
      }),
    );
    laptopPolicy = join(dir, 'default.json');
    await writeFile(
      laptopPolicy,
      JSON.stringify({ version: 1, window: { daysBeforeExpiry: 30 }, notify: { advanceDays: 0 } }),
    );
    Object.assign(
      process.env,
      lambdaEnv({
        aws: aws.endpoints,
        registrar: sandbox.url,
        secretId: 'autorenew/alibaba',
        topicArn: aws.topicArn,
        policy: stagePolicy,
        functionName: 'aliyun-domain-autorenew-prod-renew',
        table: TABLE,
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

  it('does not buy the renewal the deployed policy lets lapse', async () => {
    // The stage's scheduled renew run: old-brand.com is opted out, keep.com not due yet.
    await coldHandler('renew')({}, { awsRequestId: 'stage-1', getRemainingTimeInMillis: () => 600_000 });
    expect(sandbox.state().submissions).toEqual([]);

    // The laptop: the stage's table and key, its own policy file, --yes (a pipe: no question).
    const env = laptopEnv;
    const run = await runCliInProcess(['renew', '--yes', '--policy', laptopPolicy], env());
    // Refused (exit 1), nothing bought (before the fix: exit 0 and old-brand.com renewed).
    expect({ code: run.code, bought: sandbox.state().submissions.map((s) => s.domainName) }).toEqual({
      code: 1,
      bought: [],
    });
    expect(run.stderr).toMatch(/is not the one the stage's runs .* last used .*--policy-differs/);

    // The stage's own file: no refusal, and what the stage's policy says (nothing due to buy).
    const same = await runCliInProcess(['renew', '--yes', '--policy', stagePolicy], env());
    expect({ code: same.code, bought: sandbox.state().submissions.length }).toEqual({ code: 0, bought: 0 });

    // Told: the person's own file buys by its rules.
    const told = await runCliInProcess(['renew', '--yes', '--policy-differs', '--policy', laptopPolicy], env());
    expect({ code: told.code, bought: sandbox.state().submissions.map((s) => s.domainName) }).toEqual({
      code: 0,
      bought: ['old-brand.com'],
    });
  });

  it("refuses a hand check by another policy too (it releases unknown orders by that file's releaseAfterHours)", async () => {
    const env = laptopEnv();
    const other = await runCliInProcess(['check', '--policy', laptopPolicy], env);
    expect(other.code).toBe(1);
    expect(other.stderr).toMatch(/is not the one the stage's runs .* last used .*settle by rules .*--policy-differs/);
    const same = await runCliInProcess(['check', '--policy', stagePolicy], env);
    expect(same.code).toBe(0);
    const told = await runCliInProcess(['check', '--policy-differs', '--policy', laptopPolicy], env);
    expect(told.code).toBe(0);
  });

  it("takes a copy of the stage's file that differs only in its comments", async () => {
    // The laptop's copy of the deployed file, with its comments edited ($schema, description at the top, in a rule):
    // the same rules. Refused before (the hash covered the comments), which taught people --policy-differs, the flag
    // that also lets a file with other rules through.
    const commented = join(dir as string, 'prod-commented.json');
    await writeFile(
      commented,
      JSON.stringify({
        $schema: '../policy.schema.json',
        description: 'production, copied to the laptop on 2026-12-08',
        version: 1,
        window: { daysBeforeExpiry: 30 },
        rules: [{ name: 'let-lapse', description: 'the old brand goes', match: ['old-brand.com'], renew: false }],
        notify: { advanceDays: 0 },
      }),
    );
    const env = laptopEnv();
    const copy = await runCliInProcess(['check', '--policy', commented], env);
    expect({ code: copy.code, stderr: copy.stderr }).toEqual({ code: 0, stderr: expect.any(String) });
    // A rule changed as well: still refused.
    const changed = join(dir as string, 'prod-changed.json');
    await writeFile(
      changed,
      JSON.stringify({
        description: 'production, copied to the laptop on 2026-12-08',
        version: 1,
        window: { daysBeforeExpiry: 30 },
        rules: [{ name: 'let-lapse', match: ['old-brand.com'], renew: true }],
        notify: { advanceDays: 0 },
      }),
    );
    const other = await runCliInProcess(['check', '--policy', changed], env);
    expect(other.code).toBe(1);
    expect(other.stderr).toMatch(/is not the one the stage's runs .* last used/);
  });
});
