import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Sandbox, startSandbox } from '../../lib/sandbox';
import { runCliInProcess } from '../helpers/cli-process';
import { PROCESS_TEST_TIMEOUT_MS } from '../helpers/timeouts';

jest.setTimeout(PROCESS_TEST_TIMEOUT_MS);

const NOW = Date.UTC(2026, 11, 3, 6, 0, 0);
const DAY_MS = 86_400_000;

/**
 * The global cap (AUTORENEW_GLOBAL_MAX_DOMAINS) over accounts run concurrently: shared max-min fairly, so the first
 * account in the list, with far more due, cannot take the whole day's cap; and it holds across runs of the day.
 */
describe('several accounts on the CLI (global cap, doctor)', () => {
  let sandbox: Sandbox;
  let dir: string;

  beforeAll(async () => {
    const due = (prefix: string, n: number) =>
      Array.from({ length: n }, (_, i) => ({ domainName: `${prefix}-${i}.com`, expiresAtMs: NOW + (3 + i) * DAY_MS }));
    sandbox = await startSandbox({
      nowMs: NOW,
      freezeClock: true,
      fixture: { balance: 100_000, domains: due('big', 20) },
      accounts: [
        {
          name: 'small',
          accessKeyId: 'small-id',
          accessKeySecret: 'small-secret',
          fixture: { domains: due('small', 4) },
        },
        {
          name: 'third',
          accessKeyId: 'third-id',
          accessKeySecret: 'third-secret',
          fixture: { domains: due('third', 1) },
        },
        {
          name: 'twice',
          accessKeyId: 'twice-id',
          accessKeySecret: 'twice-secret',
          fixture: { domains: due('twice', 2) },
        },
      ],
    });
    dir = await mkdtemp(join(tmpdir(), 'accounts-cap-'));
    await writeFile(
      join(dir, 'policy.json'),
      JSON.stringify({ version: 1, window: { daysBeforeExpiry: 30 }, notify: { advanceDays: 0 } }),
    );
  });

  afterAll(async () => {
    await sandbox?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('doctor checks each account on its own, naming it: a wrong key in one fails only its lines', async () => {
    // big's key comes from an Alibaba Cloud CLI profile file, small's from named variables (with a wrong secret).
    const profileFile = join(dir, 'aliyun-config.json');
    await writeFile(
      profileFile,
      JSON.stringify({
        profiles: [
          { name: 'big', mode: 'AK', access_key_id: sandbox.accessKeyId, access_key_secret: sandbox.accessKeySecret },
        ],
      }),
    );
    const run = await runCliInProcess(['doctor'], {
      AUTORENEW_LEDGER_DIR: join(dir, 'doctor-ledger'),
      AUTORENEW_POLICY: join(dir, 'policy.json'),
      AUTORENEW_ACCOUNTS: JSON.stringify([
        { name: 'big', endpoint: sandbox.url, profile: 'big', profileFile },
        { name: 'small', endpoint: sandbox.url, accessKeyIdEnv: 'SMALL_ID', accessKeySecretEnv: 'SMALL_SECRET' },
      ]),
      SMALL_ID: 'small-id',
      SMALL_SECRET: 'not-the-secret',
    });
    const lines = run.stdout.split('\n');
    expect(run.code).toBe(1);
    expect(lines).toContain('ok    [big] credentials: resolved from Alibaba Cloud CLI profile big');
    expect(lines).toContainEqual(
      expect.stringMatching(/^ok {4}\[big\] QueryDomainList: .*20 domain\(s\) in the account$/),
    );
    expect(lines).toContainEqual(expect.stringMatching(/^FAIL {2}\[small\] QueryDomainList: /));
    expect(lines.filter((l) => l.startsWith('FAIL')).every((l) => l.includes('[small]'))).toBe(true);
    expect(run.stdout).not.toContain('not-the-secret');
  });

  it('the first account does not take the whole cap; leftovers go to who needs them; the next run buys none', async () => {
    const env = {
      AUTORENEW_LEDGER_DIR: join(dir, 'ledger'),
      AUTORENEW_POLICY: join(dir, 'policy.json'),
      AUTORENEW_GLOBAL_MAX_DOMAINS: '9',
      AUTORENEW_ACCOUNTS: JSON.stringify([
        { name: 'big', endpoint: sandbox.url, accessKeyIdEnv: 'BIG_ID', accessKeySecretEnv: 'BIG_SECRET' },
        { name: 'small', endpoint: sandbox.url, accessKeyIdEnv: 'SMALL_ID', accessKeySecretEnv: 'SMALL_SECRET' },
        { name: 'third', endpoint: sandbox.url, accessKeyIdEnv: 'THIRD_ID', accessKeySecretEnv: 'THIRD_SECRET' },
      ]),
      BIG_ID: sandbox.accessKeyId,
      BIG_SECRET: sandbox.accessKeySecret,
      SMALL_ID: 'small-id',
      SMALL_SECRET: 'small-secret',
      THIRD_ID: 'third-id',
      THIRD_SECRET: 'third-secret',
    };
    const run = await runCliInProcess(['renew', '--yes', '--json'], env);
    expect(run.code).toBe(0);
    const bought = (account?: string) => sandbox.state(account).submissions.length;
    // Demands 20, 4, 1 over a cap of 9: third gets its 1, small and big share the rest (4 each).
    expect([bought(), bought('small'), bought('third')]).toEqual([4, 4, 1]);
    const summary = JSON.parse(run.stdout) as { accounts: Record<string, { overBudget: number }> };
    expect(summary.accounts.big?.overBudget).toBe(16);

    // The cap is per UTC day across runs: a second run the same day buys nothing more.
    const again = await runCliInProcess(['renew', '--yes', '--json'], env);
    expect(again.code).toBe(0);
    expect([bought(), bought('small'), bought('third')]).toEqual([4, 4, 1]);
  });

  it('two accounts whose keys are the same key: neither runs, each is refused before any call (review 2026-12-04)', async () => {
    // Different variable names (or a secret by name and by ARN) pass the configuration check; the key itself is
    // the same Alibaba account, which each entry's own ledger keyspace would have renewed twice.
    const env = {
      AUTORENEW_LEDGER_DIR: join(dir, 'ledger-twice'),
      AUTORENEW_POLICY: join(dir, 'policy.json'),
      AUTORENEW_ACCOUNTS: JSON.stringify([
        { name: 'twice', endpoint: sandbox.url, accessKeyIdEnv: 'TWICE_ID', accessKeySecretEnv: 'TWICE_SECRET' },
        { name: 'again', endpoint: sandbox.url, accessKeyIdEnv: 'AGAIN_ID', accessKeySecretEnv: 'AGAIN_SECRET' },
      ]),
      TWICE_ID: 'twice-id',
      TWICE_SECRET: 'twice-secret',
      AGAIN_ID: 'twice-id',
      AGAIN_SECRET: 'twice-secret',
    };
    const run = await runCliInProcess(['renew', '--yes', '--json'], env);
    // Neither: whichever ran would ignore the other entry's holds and budgets (the first version let the first to
    // load the key run: a hold written under the other entry was bought through it).
    expect(sandbox.state('twice').submissions).toEqual([]);
    expect(run.code).toBe(2); // an input error
    expect(run.stderr).toContain('accounts twice and again use the same AccessKey');
    expect(run.stderr).toContain('accounts again and twice use the same AccessKey');
    expect(run.stderr).not.toContain('twice-id');
    // --account narrowed the run before the check: one entry alone looked fine, and its own keyspace bought what
    // the other entry had held or bought (review 2026-12-04).
    const one = await runCliInProcess(['renew', '--yes', '--json', '--account', 'again'], env);
    expect(sandbox.state('twice').submissions).toEqual([]);
    expect(one.code).toBe(1); // invalid input: nothing was bought
    expect(one.stderr).toContain('accounts again and twice use the same AccessKey');
  });

  it('--policy for an account that names its own policy is refused: it would be ignored (review 2026-12-03)', async () => {
    const env = {
      AUTORENEW_LEDGER_DIR: join(dir, 'ledger-policy'),
      AUTORENEW_ACCOUNTS: JSON.stringify([
        {
          name: 'small',
          endpoint: sandbox.url,
          accessKeyIdEnv: 'SMALL_ID',
          accessKeySecretEnv: 'SMALL_SECRET',
          policy: join(dir, 'policy.json'),
        },
      ]),
      SMALL_ID: 'small-id',
      SMALL_SECRET: 'small-secret',
    };
    const strict = join(dir, 'strict.json');
    await writeFile(strict, JSON.stringify({ version: 1, defaults: { renew: false } }));
    for (const args of [
      ['plan', '--policy', strict],
      ['renew', '--yes', '--policy', strict],
    ]) {
      const run = await runCliInProcess(args, env);
      expect({ args, code: run.code }).toEqual({ args, code: 1 });
      expect(run.stderr).toContain(`--policy ${strict} does not apply to account small`);
    }
    // The account's own policy, named again, is fine.
    expect((await runCliInProcess(['plan', '--policy', join(dir, 'policy.json')], env)).code).toBe(0);
  });
});
