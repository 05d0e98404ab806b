import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { PROCESS_TEST_TIMEOUT_MS } from '../helpers/timeouts';

// Issue 14, deploy guardrails: `npm run package` refuses bad arguments before building anything, in one line.
jest.setTimeout(PROCESS_TEST_TIMEOUT_MS);

const ROOT = resolve(__dirname, '..', '..');

function packageWith(args: string[]) {
  const r = spawnSync(process.execPath, ['scripts/package.mjs', ...args], { cwd: ROOT, encoding: 'utf8' });
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
}

describe('packaging guardrails', () => {
  test.each([
    [
      'an unknown --param name',
      ['--param=alertEmail=ops@example.com'],
      'error: unknown --param "alertEmail": did you mean "alertEmails"? known parameters: ',
    ],
    [
      'a stage name past the IAM limit',
      ['--stage', 'customer-facing-production-eu'],
      'error: stage name "customer-facing-production-eu" is too long: the IAM role name aliyun-domain-autorenew-customer-facing-production-eu-us-east-1-renew would have 69 characters (at most 64); use a stage name of at most 24 characters',
    ],
    [
      'an invalid email',
      ['--param=alertEmails=ops@example.com,not-an-email'],
      'error: param "alertEmails" has 1 invalid entry ("not-an-email")',
    ],
    [
      'an AccessKeyId as the Alibaba account',
      ['--param=alibabaAccount=LTAI5tNOTAREALKEY000'],
      'error: param "alibabaAccount" looks like an AccessKeyId: never put a key in a stack parameter',
    ],
    [
      // The functions read "yes" as true, but doctor and the deploy's account check read the DryRun output as
      // written: a "yes" stage was reported as buying.
      'a dryRun other than true or false',
      ['--param=dryRun=yes'],
      'error: param "dryRun" is "yes": use true (plan and notify, buy nothing) or false (buy what is due)',
    ],
    [
      'a --region flag (osls would deploy there, the checks read the region param)',
      ['--region', 'eu-west-1'],
      'error: --region is not taken here: give the region as --param="region=<region>"',
    ],
    [
      // Review 2026-12-07: osls deployed the other file's stack while the policy bundled and every check came from
      // serverless.yml (policies/default.json went out with a prod stage).
      'a --config flag (osls would deploy another service file, the checks and the policy read serverless.yml)',
      ['--config', 'serverless.prod.yml'],
      'error: --config is not taken here: the checks before osls and the policy bundled read serverless.yml',
    ],
    ['its short form -c', ['-c', 'serverless.prod.yml'], 'error: -c is not taken here'],
    [
      'no alert email with --strict',
      ['--strict'],
      'error: no alert email: nobody hears of failed renewals; set --param="alertEmails=ops@example.com" (--strict)',
    ],
  ])('%s: exit 1, one clean line, nothing built', (_label, args, line) => {
    const run = packageWith(args);
    expect(run.code).toBe(1);
    const lines = run.out.split('\n').filter((l) => l.trim() !== '');
    expect(lines).toEqual([expect.stringContaining(line)]);
    expect(lines[0]?.startsWith(line)).toBe(true);
    expect(run.out).not.toMatch(/\n\s+at /);
    expect(run.out).not.toContain('> build handlers');
    expect(run.out).not.toContain('LTAI5t'); // a key-shaped value is never echoed
  });
});

// The `accounts` param is read after the summary and the policy check, before anything is built.
describe('packaging guardrails: the accounts param', () => {
  test.each([
    ['bad JSON', '[{"name": "cn-main", "secretId": "a/b",}]', 'error: param "accounts": accounts is not valid JSON ('],
    [
      'an account without secretId',
      '[{"name": "intl-shop", "site": "intl"}]',
      'error: param "accounts": account "intl-shop" (accounts[0]) has no secretId: in Lambda every account reads its key from Secrets Manager; add "secretId": "<secret name>"',
    ],
    [
      'key variables meant for local runs',
      '[{"name": "cn-main", "secretId": "a/b", "accessKeyIdEnv": "K", "accessKeySecretEnv": "S"}]',
      'error: param "accounts": account "cn-main" (accounts[0]) names key variables',
    ],
    [
      'an endpoint the Lambda would refuse',
      '[{"name": "cn-main", "secretId": "a/b", "endpoint": "https://example.com"}]',
      'error: param "accounts": accounts[0].endpoint="https://example.com" is not allowed in Lambda',
    ],
  ])('%s: exit 1, one clean error line, nothing built', (_label, accounts, line) => {
    const run = packageWith([`--param=accounts=${accounts}`]);
    expect(run.code).toBe(1);
    const errors = run.out.split('\n').filter((l) => l.startsWith('error: '));
    expect(errors).toEqual([expect.stringContaining(line)]);
    expect(errors[0]?.startsWith(line)).toBe(true);
    expect(run.out).not.toMatch(/\n\s+at /);
    expect(run.out).not.toContain('> build handlers');
  });

  test('alibabaAccount with accounts: one entry per account, else refused before the build', () => {
    const two = '[{"name": "", "secretId": "a/cn"}, {"name": "shop", "site": "intl", "secretId": "a/intl"}]';
    const run = packageWith([`--param=accounts=${two}`, '--param=alibabaAccount=1234567890123456']);
    expect(run.code).toBe(1);
    expect(run.out).toContain(
      'error: param "alibabaAccount" has 1 entry for 2 accounts: give one account UID (or label) per account',
    );
    expect(run.out).not.toContain('> build handlers');
  });
});
