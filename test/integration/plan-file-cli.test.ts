import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EXIT } from '../../lib/commands/io';
import type { PlanFile } from '../../lib/renewal/plan-file';
import { type Sandbox, startSandbox } from '../../lib/sandbox';
import { runCliInRepo as runCli, runCliInRepoInProcess } from '../helpers/cli-process';
import { createTestFixture, DAY_MS, SANDBOX_NOW_MS } from '../helpers/sandbox-fixture';
import { PROCESS_TEST_TIMEOUT_MS } from '../helpers/timeouts';

// Issue 14: the dry-run plan digest, and `plan --out` / `renew --plan`, driven as an operator would: `autorenew`
// against a sandbox registrar started here, an embedded ledger in a temporary directory. Commands run in process
// through runCli (the entry point bin/autorenew.js calls), each a subprocess start-up cheaper; the changed-policy
// refusal still runs the real binary.
jest.setTimeout(PROCESS_TEST_TIMEOUT_MS);

const AT = new Date(SANDBOX_NOW_MS).toISOString();

const paidCalls = (s: Sandbox) =>
  (s.state().requests.SaveBatchTaskForCreatingOrderRenew ?? 0) +
  (s.state().requests.SaveSingleTaskForCreatingOrderRenew ?? 0);

describe('dry-run plan digest and saved plans (CLI subprocess against the sandbox)', () => {
  let sandbox: Sandbox;
  let dir: string;
  let env: Record<string, string>;
  const cli = (args: readonly string[]) => runCliInRepoInProcess(args, env);

  beforeAll(async () => {
    sandbox = await startSandbox({ fixture: { ...createTestFixture(), balance: 100_000 }, nowMs: SANDBOX_NOW_MS });
    dir = await mkdtemp(join(tmpdir(), 'autorenew-planfile-'));
    env = {
      AUTORENEW_ENDPOINT: sandbox.url,
      ALIBABA_CLOUD_ACCESS_KEY_ID: sandbox.accessKeyId,
      ALIBABA_CLOUD_ACCESS_KEY_SECRET: sandbox.accessKeySecret,
      AUTORENEW_LEDGER_DIR: join(dir, 'ledger'),
      // The default policy with the advance notice off: a renew run buys what is due.
      AUTORENEW_POLICY: 'test/fixtures/policies/buy-when-due.json',
    };
  });

  afterAll(async () => {
    await sandbox?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it.each([[['--plan', '']], [['--plan=']], [['--plan', 'reviewed.json', '--plan', '']]])(
    'renew %j (an empty plan path, e.g. --plan "$PLAN" with PLAN unset) is refused, not run unguarded',
    async (planArgs) => {
      // Review 2026-12-05, round 4: the empty path read as "no plan", and with --yes everything due was bought.
      const before = paidCalls(sandbox);
      const run = await cli(['renew', ...planArgs, '--yes', '--at', AT]);
      expect(run.code).toBe(EXIT.invalidInput);
      expect(run.stderr).toMatch(/--plan needs a value \(it was empty/);
      expect(paidCalls(sandbox)).toBe(before);
    },
  );

  it.each([['renew'], ['plan']])(
    '%s --policy "" is refused, not run under AUTORENEW_POLICY or the default',
    async (cmd) => {
      const before = paidCalls(sandbox);
      const run = await cli([cmd, '--policy', '', ...(cmd === 'renew' ? ['--yes'] : []), '--at', AT]);
      expect(run.code).toBe(EXIT.invalidInput);
      expect(run.stderr).toMatch(/--policy needs a value \(it was empty/);
      expect(paidCalls(sandbox)).toBe(before);
    },
  );

  it.each([
    ['plan', '--out'],
    ['forecast', '--ics'],
    ['hold', '--until'],
  ])('%s %s "" is refused by the flag parser, not run as if the flag were absent', async (cmd, flag) => {
    // Review 2026-12-05, round 4: plan --out "" and forecast --ics "" wrote nothing and exited 0.
    const run = await cli([cmd, flag, '', ...(cmd === 'hold' ? ['due-soon.com'] : ['--at', AT])]);
    expect(run.code).toBe(EXIT.invalidInput);
    expect(run.stderr).toMatch(new RegExp(`${flag} needs a value \\(it was empty`));
  });

  it('renew --dry-run prints the plan digest marked DRY RUN and buys nothing', async () => {
    const run = await cli(['renew', '--dry-run', '--at', AT]);
    expect(run.code).toBe(EXIT.ok);
    const out = run.stdout.split('\n');
    expect(out).toContain('Subject: [autorenew] DRY RUN: would renew 4 domains (4 years), 2 due not renewed');
    expect(out).toContain('DRY RUN: nothing was bought. This is what a real renew run would do.');
    for (const name of ['due-soon.com', 'in-grace.cn', 'pricey.io']) {
      expect(out).toContainEqual(expect.stringMatching(new RegExp(`^ {4}${name.replace('.', '\\.')} .* 1 year`)));
    }
    expect(out).toContainEqual(expect.stringMatching(/^ {2}fancy\.com .*premium: /));
    expect(out).toContainEqual(expect.stringMatching(/^ {2}redeem-me\.net .*redemption: /));
    expect(out).toContainEqual(expect.stringMatching(/^Totals: listed \d+, would renew 4 \(4 years\)/));
    expect(out).toContainEqual(expect.stringMatching(/^renew \(dry run\) run .*planned 4, submitted 0/));
    expect(paidCalls(sandbox)).toBe(0);
  });

  it('plan --out then renew --plan buys exactly that plan; the same plan again is refused, showing the difference', async () => {
    const file = join(dir, 'plan.json');
    const planned = await cli(['plan', '--at', AT, '--out', file, '--json']);
    expect(planned.code).toBe(EXIT.ok);
    expect(planned.stderr).toMatch(/plan saved to .*plan\.json: 4 domain\(s\) to renew, hash [0-9a-f]{12}/);
    const saved = JSON.parse(await readFile(file, 'utf8')) as PlanFile;
    expect(saved).toMatchObject({
      kind: 'autorenew-plan',
      version: 3,
      createdAt: AT,
      endpoint: sandbox.url,
      account: 'default',
    });
    expect(saved.purchases.every((p) => p.price !== null && p.price.minor > 0)).toBe(true);
    expect(saved.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(paidCalls(sandbox)).toBe(0);

    const bought = await cli(['renew', '--plan', file, '--at', AT]);
    // The first renew run in this ledger (the plan made it): the one warning that it knows of nothing before.
    expect(bought.stderr).toMatch(/^autorenew: no renew run is recorded in the ledger at [^\n]*\n$/);
    expect(bought.code).toBe(EXIT.ok);
    const submitted = sandbox
      .state()
      .submissions.map((s) => ({ domain: s.domainName, expiresAtMs: s.currentExpirationDate, years: s.years }))
      .sort((a, b) => a.domain.localeCompare(b.domain));
    const inPlan = saved.purchases
      .map((p) => ({ domain: p.domain, expiresAtMs: p.expiresAtMs, years: p.years }))
      .sort((a, b) => a.domain.localeCompare(b.domain));
    // IDNs are submitted in their registrar form; compare the ASCII ones exactly and the count overall.
    expect(submitted).toHaveLength(inPlan.length);
    expect(submitted.filter((s) => /^[\x20-\x7e]+$/.test(s.domain))).toEqual(
      inPlan.filter((s) => /^[\x20-\x7e]+$/.test(s.domain)),
    );

    // The listing has moved (the plan's domains are now in flight): refused, nothing more bought, difference shown.
    const calls = paidCalls(sandbox);
    const again = await cli(['renew', '--plan', file, '--at', AT]);
    expect(again.code).toBe(EXIT.invalidInput);
    const err = again.stderr.split('\n');
    expect(err[0]).toMatch(
      /^autorenew renew: the listing has moved since the plan was made \(\d+ difference\(s\)\); nothing was bought$/,
    );
    expect(err).toContain('  due-soon.com: in the plan, would not be renewed now');
    expect(again.stdout).toBe('');
    expect(paidCalls(sandbox)).toBe(calls);
  });

  it('refuses a plan older than --max-age, an edited plan and a plan for another policy; nothing bought', async () => {
    const file = join(dir, 'old.json');
    expect((await cli(['plan', '--at', AT, '--out', file])).code).toBe(EXIT.ok);
    const calls = paidCalls(sandbox);
    const later = new Date(SANDBOX_NOW_MS + 25 * 3_600_000).toISOString();

    const old = await cli(['renew', '--plan', file, '--at', later]);
    expect(old.code).toBe(EXIT.invalidInput);
    expect(old.stderr).toMatch(
      /^autorenew renew: the plan was made 25\.0 h ago .*older than --max-age 24\.0 h; make a new plan; nothing was bought\n$/,
    );
    const tight = await cli([
      'renew',
      '--plan',
      file,
      '--at',
      new Date(SANDBOX_NOW_MS + 3 * 3_600_000).toISOString(),
      '--max-age',
      '2h',
    ]);
    expect(tight.code).toBe(EXIT.invalidInput);
    expect(tight.stderr).toMatch(/older than --max-age 2\.0 h/);

    const text = await readFile(file, 'utf8');
    const edited = join(dir, 'edited.json');
    const body = JSON.parse(text) as PlanFile;
    (body.listing[0] as PlanFile['listing'][number]).expiresAtMs += DAY_MS; // hide a moved expiry by editing
    await writeFile(edited, JSON.stringify(body));
    const tampered = await cli(['renew', '--plan', edited, '--at', AT]);
    expect(tampered.code).toBe(EXIT.invalidInput);
    expect(tampered.stderr).toMatch(/hash does not match its content \(edited or damaged\)/);

    const otherPolicy = await runCli(['renew', '--plan', file, '--at', AT], {
      ...env,
      AUTORENEW_POLICY: 'policies/examples/brand-portfolio.json',
    });
    expect(otherPolicy.code).toBe(EXIT.invalidInput);
    expect(otherPolicy.stderr.split('\n')).toContain('  policy: changed since the plan was made');
    expect(paidCalls(sandbox)).toBe(calls);
  });

  it('plan --at before the whole portfolio says why 0 domains show', async () => {
    const run = await cli(['plan', '--at', '2020-01-01']);
    expect(run.code).toBe(EXIT.ok);
    expect(run.stderr.split('\n')).toContain(
      "0 domains: --at 2020-01-01 is before the whole portfolio; the policy lists expiries 2019-11-02 to 2020-01-31, and the earliest of the account's 8 domain(s) expires 2025-11-17 (redeem-me.net); try --at 2025-10-18 or later",
    );
    expect(run.stdout).toMatch(/^totals listed=0 renew=0/m);
  });

  it('without --at, a run against a loopback sandbox uses the sandbox clock', async () => {
    const run = await cli(['plan', '--json']);
    expect(run.code).toBe(EXIT.ok);
    const now = Date.parse((JSON.parse(run.stdout) as { now: string }).now);
    // The sandbox's simulated time (runs with real time since it started), not this machine's date.
    expect(now).toBeGreaterThanOrEqual(sandbox.now() - 600_000);
    expect(now).toBeLessThanOrEqual(sandbox.now());
    expect(Math.abs(now - SANDBOX_NOW_MS)).toBeLessThan(DAY_MS);
  });
});
