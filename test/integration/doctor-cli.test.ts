import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { forbiddenAction, idleRules } from '../../lib/commands/doctor';
import { EXIT } from '../../lib/commands/io';
import { RejectedFinalError, RejectedRetryableError } from '../../lib/errors';
import { parsePolicyText } from '../../lib/policy/load';
import { type Sandbox, startSandbox } from '../../lib/sandbox';
import { runCliInRepoInProcess as inProcess, runCliInRepo as runCli } from '../helpers/cli-process';
import { startFakeSecretsManager } from '../helpers/fake-secrets-manager';
import { startDynalite } from '../helpers/ledger-dynalite';
import { createTestFixture, SANDBOX_NOW_MS } from '../helpers/sandbox-fixture';
import { PROCESS_TEST_TIMEOUT_MS } from '../helpers/timeouts';

// `autorenew doctor` against a sandbox started here (issue 14). The failure and refusal cases run in process
// through runCli (the entry point bin/autorenew.js calls), a subprocess start-up cheaper each; the all-clear run and
// the Secrets Manager cases (whose AWS SDK reads its settings from the process environment) run the real binary.
jest.setTimeout(PROCESS_TEST_TIMEOUT_MS);

const lines = (text: string) => text.split('\n').filter((l) => l !== '');

describe('autorenew doctor (subprocess against the sandbox)', () => {
  let sandbox: Sandbox;
  let dir: string;
  let policyFile: string;
  let env: Record<string, string>;

  beforeAll(async () => {
    sandbox = await startSandbox({ fixture: createTestFixture(), nowMs: SANDBOX_NOW_MS });
    dir = await mkdtemp(join(tmpdir(), 'autorenew-doctor-'));
    policyFile = join(dir, 'policy.json');
    await writeFile(
      policyFile,
      JSON.stringify({
        version: 1,
        rules: [
          { name: 'brand', match: ['due-soon.com'] },
          { name: 'legacy', match: ['*.legacy'], renew: false },
        ],
      }),
    );
    env = {
      AUTORENEW_ENDPOINT: sandbox.url,
      ALIBABA_CLOUD_ACCESS_KEY_ID: sandbox.readOnlyAccessKeyId,
      ALIBABA_CLOUD_ACCESS_KEY_SECRET: sandbox.readOnlyAccessKeySecret,
      AUTORENEW_LEDGER_DIR: join(dir, 'ledger'),
      AUTORENEW_POLICY: policyFile,
    };
  });

  afterAll(async () => {
    await sandbox?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("an intl account: CheckDomain's Price is not read by default; the warning shows it and names the switch", async () => {
    const run = await runCli(['doctor'], { ...env, AUTORENEW_SITE: 'intl', AUTORENEW_API_VERSION: '2017-12-18' });
    const prices = lines(run.stdout).filter((l) => l.includes('prices:'));
    expect(prices).toEqual([
      expect.stringMatching(
        /^warn {2}prices: .*no price for .*: CheckDomain: no renew price.*its Price \(.*\) is not read as one unless money\.checkDomainPrice is "use"/,
      ),
    ]);
    expect(run.stdout).toMatch(/money\.checkDomainPrice "use"/);
  });

  it('all clear with the read-only key: every check listed, a dead rule warned about, exit 0, nothing paid', async () => {
    const run = await runCli(['doctor'], env);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(EXIT.ok);
    const out = lines(run.stdout);
    expect(out).toEqual([
      `ok    policy: ${policyFile}: valid (version 1, 2 rule(s))`,
      `ok    endpoint: ${sandbox.url} (loopback sandbox: nothing real is bought)`,
      'ok    credentials: resolved from ALIBABA_CLOUD_ACCESS_KEY_ID/_SECRET',
      'ok    QueryDomainList: QueryDomainList permitted: 8 domain(s) in the account',
      expect.stringMatching(/^ok {4}QueryTaskList: QueryTaskList permitted: \d+ task\(s\) in the last day$/),
      // The reads check makes of every batch (review 2026-12-07).
      expect.stringMatching(/^ok {4}QueryDomainByDomainName: QueryDomainByDomainName permitted: looked up \S+$/),
      expect.stringMatching(/^ok {4}QueryTaskDetailList: QueryTaskDetailList permitted: /),
      // Money before the charge: the balance reads in the policy's currency, and the registrar prices a domain.
      'ok    balance: QueryAccountBalance permitted: 1000000000.00 CNY',
      'ok    prices: QueryDomainRealTimePrice / CheckDomain permitted: in-grace.cn costs 39.00 CNY a year (realtime)',
      expect.stringMatching(
        /^ok {4}renewal permission: SaveBatchTaskForCreatingOrderRenew is paid: doctor never calls it/,
      ),
      'warn  rules: rule(s) matching no domain in the account: legacy',
      '      fix: check their match patterns and groups, and whether an earlier rule already takes those domains',
      // Doctor writes nothing: where there is no embedded ledger yet it says so and creates none (review 2026-12-07).
      expect.stringMatching(/^warn {2}ledger: no embedded ledger at .* yet: a renew run here starts an empty one/),
      'doctor: 10 ok, 2 warning(s), 0 failed',
    ]);
    const requests = sandbox.state().requests;
    expect(requests.SaveBatchTaskForCreatingOrderRenew ?? 0).toBe(0);
    expect(requests.SaveSingleTaskForCreatingOrderRenew ?? 0).toBe(0);
  });

  it('two console groups the policy reads as one (width, kind of space) are warned about', async () => {
    // Review 2026-12-08 (thirty-third session): group names are compared without case, width or kind of space, so a
    // groups rule naming one of two such groups takes both.
    const grouped = await startSandbox({
      fixture: {
        domains: [
          {
            domainName: 'a.com',
            expiresAtMs: SANDBOX_NOW_MS + 200 * 86_400_000,
            groupName: 'Old Brand',
            groupId: 'g1',
          },
          {
            domainName: 'b.com',
            expiresAtMs: SANDBOX_NOW_MS + 200 * 86_400_000,
            groupName: 'Old\u00a0Brand',
            groupId: 'g2',
          },
          { domainName: 'c.com', expiresAtMs: SANDBOX_NOW_MS + 200 * 86_400_000, groupName: 'Prod', groupId: 'g3' },
        ],
        balance: 1000,
      },
      nowMs: SANDBOX_NOW_MS,
    });
    try {
      const run = await runCli(['doctor'], {
        ...env,
        AUTORENEW_ENDPOINT: grouped.url,
        ALIBABA_CLOUD_ACCESS_KEY_ID: grouped.readOnlyAccessKeyId,
        ALIBABA_CLOUD_ACCESS_KEY_SECRET: grouped.readOnlyAccessKeySecret,
      });
      expect(lines(run.stdout).filter((l) => l.includes('groups:'))).toEqual([
        'warn  groups: console groups the policy reads as one (names compared without case, width or kind of space): "Old Brand" and "Old\u00a0Brand"',
      ]);
    } finally {
      await grouped.close();
    }
  });

  it('money: a refused balance read names the RAM action; a policy in another currency than the account fails', async () => {
    const refusing = await startSandbox({
      fixture: createTestFixture(),
      nowMs: SANDBOX_NOW_MS,
      faults: { refusals: { QueryAccountBalance: 'Forbidden' } },
    });
    try {
      const usd = join(dir, 'usd.json');
      await writeFile(usd, JSON.stringify({ version: 1, money: { currency: 'USD' } }));
      const [refused, otherCurrency] = await Promise.all([
        inProcess(['doctor'], { ...env, AUTORENEW_ENDPOINT: refusing.url }),
        inProcess(['doctor', '--policy', usd], env),
      ]);
      expect(refused.code).toBe(EXIT.invalidInput);
      expect(lines(refused.stdout)).toContainEqual(expect.stringMatching(/^FAIL {2}balance: /));
      expect(lines(refused.stdout)).toContainEqual(expect.stringMatching(/fix: .*bss:DescribeAcccount/));
      expect(otherCurrency.code).toBe(EXIT.invalidInput);
      expect(lines(otherCurrency.stdout)).toContainEqual(
        "FAIL  currency: the account is in CNY, the policy's money.currency is USD: a run would stop before buying",
      );
    } finally {
      await refusing.close();
    }
  });

  it('a wrong key, missing credentials, a bad policy, a clear-text endpoint: FAIL with a fix, exit 1', async () => {
    const [wrongKey, noKey, badPolicy, clear] = await Promise.all([
      inProcess(['doctor'], { ...env, ALIBABA_CLOUD_ACCESS_KEY_SECRET: 'not-the-secret' }),
      inProcess(['doctor'], { ...env, ALIBABA_CLOUD_ACCESS_KEY_ID: '', ALIBABA_CLOUD_ACCESS_KEY_SECRET: '' }),
      inProcess(['doctor', '--policy', 'test/fixtures/policies/invalid/10-unknown-top-key.json'], env),
      inProcess(['doctor'], { ...env, AUTORENEW_ENDPOINT: 'http://autorenew.invalid' }),
    ]);
    for (const run of [wrongKey, noKey, badPolicy, clear]) {
      expect(run.code).toBe(EXIT.invalidInput);
      expect(lines(run.stdout).at(-1)).toMatch(/^doctor: \d+ ok, \d+ warning\(s\), [1-9]\d* failed; a run would stop$/);
    }
    expect(lines(wrongKey.stdout)).toContainEqual(expect.stringMatching(/^FAIL {2}QueryDomainList: /));
    expect(lines(wrongKey.stdout)).toContainEqual(expect.stringMatching(/^ {6}fix: the AccessKey pair is wrong/));
    expect(lines(noKey.stdout)).toContainEqual(expect.stringMatching(/^FAIL {2}credentials: .*no Alibaba credentials/));
    expect(lines(noKey.stdout)).toContainEqual(
      '      fix: export ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET, or set AUTORENEW_SECRET_ID',
    );
    expect(lines(badPolicy.stdout)).toContainEqual(
      expect.stringMatching(/^FAIL {2}policy: .*unknown key "rule"; did you mean "rules"\?$/),
    );
    expect(lines(clear.stdout)).toContainEqual(
      'FAIL  endpoint: AUTORENEW_ENDPOINT="http://autorenew.invalid": plain http is allowed for a loopback sandbox only (127.0.0.1, ::1, localhost); use https:// (e.g. https://domain.aliyuncs.com)',
    );
    expect(clear.stdout).not.toMatch(/QueryDomainList/); // no signed request toward a clear-text endpoint
  });
});

describe('doctor is read-only toward a local DynamoDB endpoint', () => {
  it('a missing table is a FAIL with a fix, and doctor does not create it', async () => {
    const sandbox = await startSandbox({ fixture: createTestFixture(), nowMs: SANDBOX_NOW_MS });
    const dynamo = await startDynalite();
    try {
      const run = await inProcess(['doctor'], {
        AUTORENEW_ENDPOINT: sandbox.url,
        ALIBABA_CLOUD_ACCESS_KEY_ID: sandbox.readOnlyAccessKeyId,
        ALIBABA_CLOUD_ACCESS_KEY_SECRET: sandbox.readOnlyAccessKeySecret,
        AUTORENEW_TABLE: 'never-created',
        AUTORENEW_DYNAMODB_ENDPOINT: dynamo.endpoint,
        AWS_REGION: 'us-east-1',
      });
      expect(run.code).toBe(EXIT.invalidInput);
      // The table's own check (DescribeTable, with or without --stage) names it missing.
      expect(lines(run.stdout)).toContainEqual(expect.stringMatching(/^FAIL {2}ledger table: .*never-created/));
      const raw = new DynamoDBClient({
        region: 'us-east-1',
        endpoint: dynamo.endpoint,
        credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      });
      expect((await raw.send(new ListTablesCommand({}))).TableNames).toEqual([]);
      raw.destroy();
    } finally {
      await sandbox.close();
      await dynamo.stop();
    }
  });
});

describe('doctor with a Secrets Manager secret that cannot be read', () => {
  it('FAIL for the credentials (fix names the secret), warn that there is no read-only key; exit 1', async () => {
    const run = await runCli(['doctor', '--policy', 'policies/default.json'], {
      AUTORENEW_SECRET_ID: 'autorenew/alibaba',
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
      AWS_MAX_ATTEMPTS: '1',
      AWS_ENDPOINT_URL_SECRETS_MANAGER: 'http://127.0.0.1:9', // nothing listens: refused, on loopback only
      AUTORENEW_LEDGER_DIR: join(tmpdir(), `autorenew-doctor-sm-${process.pid}`),
    });
    expect(run.code).toBe(EXIT.invalidInput);
    const out = lines(run.stdout);
    // The SDK's error name and its message (never a value): here, the refused connection.
    expect(out).toContainEqual(
      expect.stringMatching(/^FAIL {2}credentials: cannot read secret autorenew\/alibaba: \w+ \(.*ECONNREFUSED.*\); /),
    );
    expect(out).toContainEqual(
      '      fix: the secret could not be read: check that autorenew/alibaba exists in AWS_REGION, that these AWS credentials may call secretsmanager:GetSecretValue on it, and that Secrets Manager is reachable',
    );
    expect(out).toContainEqual(
      'warn  read-only key: check and plan read with the key that can buy (AUTORENEW_SECRET_ID)',
    );
    await rm(join(tmpdir(), `autorenew-doctor-sm-${process.pid}`), { recursive: true, force: true });
  });
});

describe('doctor with a secret missing a field', () => {
  it('names the field (never a value) and says what JSON to store', async () => {
    const sm = await startFakeSecretsManager({ 'autorenew/alibaba': JSON.stringify({ accessKeyId: 'LTAI-only' }) });
    const dir = await mkdtemp(join(tmpdir(), 'autorenew-doctor-field-'));
    try {
      const run = await runCli(['doctor', '--policy', 'policies/default.json'], {
        AUTORENEW_SECRET_ID: 'autorenew/alibaba',
        AUTORENEW_READONLY_SECRET_ID: 'autorenew/alibaba',
        AWS_REGION: 'us-east-1',
        AWS_ACCESS_KEY_ID: 'test',
        AWS_SECRET_ACCESS_KEY: 'test',
        AWS_ENDPOINT_URL_SECRETS_MANAGER: sm.endpoint,
        AUTORENEW_LEDGER_DIR: join(dir, 'ledger'),
      });
      expect(run.code).toBe(EXIT.invalidInput);
      const out = lines(run.stdout);
      expect(out).toContainEqual(
        expect.stringMatching(/^FAIL {2}credentials: secret autorenew\/alibaba is missing field "accessKeySecret"/),
      );
      expect(out).toContainEqual(
        '      fix: store JSON {"accessKeyId": "...", "accessKeySecret": "..."} in autorenew/alibaba',
      );
      expect(run.stdout).not.toContain('LTAI-only');
    } finally {
      await sm.stop();
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('plain http to a non-loopback host', () => {
  it('is refused before any request, for every command that would sign one', async () => {
    const env = {
      AUTORENEW_ENDPOINT: 'http://registrar.autorenew.invalid:8787',
      ALIBABA_CLOUD_ACCESS_KEY_ID: 'id',
      ALIBABA_CLOUD_ACCESS_KEY_SECRET: 'secret',
    };
    const [plan, renew] = await Promise.all([inProcess(['plan'], env), inProcess(['renew', '--dry-run'], env)]);
    for (const run of [plan, renew]) {
      expect(run.code).toBe(EXIT.invalidInput);
      expect(lines(run.stderr)).toEqual([
        expect.stringMatching(
          /^autorenew (plan|renew): AUTORENEW_ENDPOINT="http:\/\/registrar\.autorenew\.invalid:8787": plain http is allowed for a loopback sandbox only/,
        ),
      ]);
    }
  });
});

describe('doctor helpers', () => {
  it('a RAM refusal names the missing action; other errors do not', () => {
    const forbidden = new RejectedFinalError('QueryTaskList failed: Forbidden.RAM', {
      code: 'Forbidden.RAM',
      action: 'QueryTaskList',
    });
    expect(forbiddenAction(forbidden)).toBe('domain:QueryTaskList');
    expect(
      forbiddenAction(new RejectedRetryableError('busy', { code: 'Throttling.User', action: 'QueryDomainList' })),
    ).toBe(undefined);
    expect(forbiddenAction(new Error('x'))).toBe(undefined);
  });

  it('rules that match no listed domain', () => {
    const policy = parsePolicyText(
      JSON.stringify({
        version: 1,
        rules: [
          { name: 'all-com', match: ['*.com'] },
          { name: 'org', match: ['*.org'] },
        ],
      }),
      'p.json',
    );
    const d = { instanceId: 'i', expiresAtMs: 0, standing: 'normal' as const, premium: false };
    expect(idleRules(policy, [{ ...d, domainName: 'brand.com' }])).toEqual(['org']);
  });
});
