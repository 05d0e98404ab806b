import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { EXIT } from '../../lib/commands/io';
import { type Sandbox, startSandbox } from '../../lib/sandbox';
import { runCliInRepoInProcess, runCliInRepo as runCliProcess } from '../helpers/cli-process';
import { createTestFixture, DAY_MS, SANDBOX_NOW_MS } from '../helpers/sandbox-fixture';
import { PROCESS_TEST_TIMEOUT_MS } from '../helpers/timeouts';

// Drives `autorenew` the way an operator does: a sandbox registrar started here, an embedded ledger in a temporary
// directory, the console notifier. The bad-input runs, the first renew (no terminal, so no question), demo and
// --help run `node bin/autorenew.js` as a subprocess; the other commands run in process through runCli (the entry point the
// binary calls), a subprocess start-up (~1-2 s on a loaded machine) cheaper each.
jest.setTimeout(PROCESS_TEST_TIMEOUT_MS);

const ROOT = resolve(__dirname, '..', '..');
const AT = new Date(SANDBOX_NOW_MS).toISOString().slice(0, 10);
const INVALID = 'test/fixtures/policies/invalid/10-unknown-top-key.json';

const lines = (text: string) => text.split('\n').filter((l) => l.trim() !== '');

describe('autorenew CLI (sandbox + embedded ledger)', () => {
  let sandbox: Sandbox;
  let ledgerDir: string;
  let env: Record<string, string>;
  const cli = (args: readonly string[], extra: Record<string, string | undefined> = {}) =>
    runCliInRepoInProcess(args, { ...env, ...extra });
  const cliProcess = (args: readonly string[], extra: Record<string, string | undefined> = {}) =>
    runCliProcess(args, { ...env, ...extra });

  beforeAll(async () => {
    // 3 000 CNY: enough for the cheap due domains, not for pricey.io (4 000 CNY): it is deferred before any charge.
    sandbox = await startSandbox({ fixture: { ...createTestFixture(), balance: 3000 }, nowMs: SANDBOX_NOW_MS });
    ledgerDir = await mkdtemp(join(tmpdir(), 'autorenew-cli-'));
    env = {
      AUTORENEW_ENDPOINT: sandbox.url,
      ALIBABA_CLOUD_ACCESS_KEY_ID: sandbox.accessKeyId,
      ALIBABA_CLOUD_ACCESS_KEY_SECRET: sandbox.accessKeySecret,
      AUTORENEW_LEDGER_DIR: ledgerDir,
      // The default policy with the advance notice off: these runs buy what is due on the first run.
      AUTORENEW_POLICY: 'test/fixtures/policies/buy-when-due.json',
    };
  });

  afterAll(async () => {
    await sandbox?.close();
    if (ledgerDir) await rm(ledgerDir, { recursive: true, force: true });
  });

  it('rejects bad input with exit 1, one line naming the problem, and no registrar call', async () => {
    // Real processes (six at once): how each error reaches stderr is the point, and in jest's sandbox an error from
    // node's own parseArgs is not an instance of the test realm's TypeError, so in process it would print differently.
    const [unknownFlag, unknownCommand, atRemote, badPolicy, badLimit, validate] = await Promise.all([
      cliProcess(['plan', '--bogus']),
      cliProcess(['renwe']),
      cliProcess(['renew', '--at', AT, '--yes'], { AUTORENEW_ENDPOINT: 'https://domain.aliyuncs.com' }),
      cliProcess(['renew', '--yes', '--at', AT], { AUTORENEW_POLICY: INVALID }),
      cliProcess(['status', '--limit', '0']),
      cliProcess(['validate', 'policies/default.json', INVALID]),
    ]);
    for (const run of [unknownFlag, unknownCommand, atRemote, badPolicy, badLimit, validate]) {
      expect(run.code).toBe(EXIT.invalidInput);
      expect(run.stderr).not.toMatch(/\n\s+at /); // no stack trace without --verbose
    }
    expect(lines(unknownFlag.stderr)).toEqual([
      expect.stringMatching(/^autorenew plan: Unknown option '--bogus'; usage: autorenew plan .*--help\)$/),
    ]);
    expect(lines(unknownCommand.stderr)).toEqual(['autorenew: unknown command "renwe"; run autorenew --help']);
    expect(lines(atRemote.stderr)).toEqual([
      expect.stringMatching(/^autorenew renew: --at is only allowed against a loopback sandbox endpoint/),
    ]);
    // M5: the invalid policy stops the run at file:line:col before anything is listed or bought.
    expect(lines(badPolicy.stderr)).toEqual([
      `${resolve(ROOT, INVALID)}:3:3 rule: unknown key "rule"; did you mean "rules"?`,
    ]);
    expect(lines(badLimit.stderr)).toEqual([expect.stringMatching(/^status: --limit must be a positive integer/)]);
    expect(lines(validate.stdout)).toEqual([
      expect.stringMatching(/^policies\/default\.json: ok \(version 1, 0 rules, window 30\/30 days\)$/),
    ]);
    expect(lines(validate.stderr)).toEqual([
      `${INVALID}:3:3 rule: unknown key "rule"; did you mean "rules"?`,
      '1 of 2 policy files are invalid',
    ]);
    expect(sandbox.state().requests.total).toBe(0);
  });

  it('plan --json, renew, check --json, status --json: counts agree with the sandbox; failed renewals exit 3', async () => {
    const plan = await cli(['plan', '--json', '--at', AT]);
    expect(plan.code).toBe(EXIT.ok);
    const planned = JSON.parse(plan.stdout);
    expect(planned).toMatchObject({ version: 1, now: new Date(SANDBOX_NOW_MS).toISOString() });
    const renewing = planned.decisions.filter((d: { action: string }) => d.action === 'renew');
    expect(renewing.map((d: { domain: string }) => d.domain).sort()).toEqual(
      // Names are normalised at the registrar boundary: IDNs in punycode.
      ['due-soon.com', 'in-grace.cn', 'xn--fsqu00a.xn--fiqs8s'].sort(),
    );
    expect(planned.totals).toMatchObject({ renew: 3, batches: 1 });
    expect(planned.totals.byReason).toMatchObject({ due: 3, 'low-balance': 1, premium: 1, redemption: 1 });
    expect(planned.batches[0].domains).toHaveLength(3);
    // Money before the charge: each price, the balance before and after, and what pricey.io needs topped up.
    const costs = renewing.map((d: { price: { minor: number } }) => d.price.minor);
    const spend = costs.reduce((a: number, b: number) => a + b, 0);
    expect(planned.money).toMatchObject({
      currency: 'CNY',
      total: { minor: spend },
      balance: { state: 'read', before: { minor: 300_000 }, after: { minor: 300_000 - spend } },
      deferred: { count: 1, total: { minor: 400_000 }, topUp: { minor: spend + 400_000 - 300_000 } },
    });
    for (const d of planned.decisions) expect(Object.keys(d)).toContain('reasonText');
    // M3: plans are free.
    expect(sandbox.state().requests.SaveBatchTaskForCreatingOrderRenew ?? 0).toBe(0);

    // Not a terminal: no question is asked, the run goes ahead (as in CI and Lambda). A real process, stdin a pipe.
    const renew = await cliProcess(['renew', '--at', AT]);
    expect(renew.code).toBe(EXIT.ok);
    expect(renew.stdout).toMatch(/listed \d+, planned 3, submitted 3, unknown 0, rejected 0/);
    expect(sandbox.state().submissions).toHaveLength(3);
    expect(sandbox.state().submissions.map((x) => x.domainName)).not.toContain('pricey.io');
    const taskNo = sandbox.state().tasks[0]?.taskNo;
    expect(renew.stdout).toContain(`TaskNo ${taskNo}`);
    expect(renew.stdout).toMatch(/1 domain \(4000\.00 CNY\) deferred: top up \d+\.00 CNY before/);

    // While the task waits in the registrar's queue, the money goes elsewhere: the balance drops to 40 CNY, so at
    // most one of the three can still be paid for when it executes.
    await fetch(`${sandbox.url}/_sandbox/balance`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ set: 40 }),
    });
    sandbox.setClock({ advanceMs: DAY_MS });
    const check = await cli(['check', '--json', '--at', AT]);
    expect(check.code).toBe(EXIT.renewalsFailed);
    const checked = JSON.parse(check.stdout);
    const renewedNow = sandbox.state().renewals.map((r) => r.domainName);
    expect(renewedNow.length).toBeLessThanOrEqual(1);
    expect(checked).toMatchObject({ openBatches: 1, renewed: renewedNow.length, failed: 3 - renewedNow.length });
    expect(checked).toMatchObject({ pending: 0, unknown: 0 });
    // With --json the digest goes to stderr, so stdout stays machine-readable.
    expect(check.stderr).toMatch(/Insufficient balance/);

    const status = await cli(['status', '--json']);
    expect(status.code).toBe(EXIT.ok);
    const ledger = JSON.parse(status.stdout);
    expect(ledger.openBatches.filter((b: { status: string }) => b.status !== 'CLOSED')).toEqual([]);
    expect(ledger.lastRuns.map((r: { job: string }) => r.job).sort()).toEqual(['check', 'renew']);
    const outcomes = ledger.recentBatches.flatMap((b: { entries: { domain: string; outcome?: string }[] }) =>
      b.entries.map((e) => `${e.domain}=${e.outcome}`),
    );
    expect(outcomes).toHaveLength(3);
    expect(outcomes.filter((o: string) => o.endsWith('=FAILED'))).toHaveLength(3 - renewedNow.length);
    expect(ledger.recentBatches[0].taskNo).toBe(taskNo);

    // A second run the same day buys nothing: the failures wait for their backoff, pricey.io for money.
    const again = await cli(['renew', '--at', AT]);
    expect(again.code).toBe(EXIT.ok);
    expect(again.stdout).toMatch(/submitted 0,/);
    expect(sandbox.state().submissions).toHaveLength(3);

    const text = await cli(['status']);
    expect(text.code).toBe(EXIT.ok);
    expect(text.stdout).toMatch(/^open batches: 0$/m);
    expect(text.stdout).toMatch(/^last renew: .* ok /m);
    expect(text.stdout).toMatch(/^ {2}\S+ \d{4}-\d{2}-\d{2} \+1y FAILED/m);
  });

  it('demo runs the whole cycle on its own sandbox: exit 0, summary counts consistent', async () => {
    const demo = await runCliProcess(['demo'], {});
    expect(demo.code).toBe(EXIT.ok);
    const m =
      /demo done: (\d+) domains listed, (\d+) planned, (\d+) renewed, (\d+) failed, (\d+) skipped; the sandbox executed (\d+) renewal\(s\) and holds (\d+) submission\(s\)/.exec(
        demo.stdout,
      );
    expect(m).not.toBeNull();
    const [listed, planned, renewed, failed, skipped, executed, submissions] = (m ?? []).slice(1).map(Number);
    expect(planned).toBeGreaterThan(0);
    expect((planned ?? 0) + (skipped ?? 0)).toBe(listed);
    expect((renewed ?? 0) + (failed ?? 0)).toBe(planned);
    // big-ticket.io costs more than the demo balance: deferred with a top-up message, never sent to the registrar.
    expect(failed).toBe(0);
    expect(demo.stdout).toMatch(/1 domain \(100000\.00 CNY\) deferred: top up \d+\.00 CNY before \d{4}-\d{2}-\d{2}/);
    expect(executed).toBe(renewed);
    expect(submissions).toBe(planned);
    expect(demo.stdout).toContain('== plan, account cn (free: nothing is bought) ==');
    // Two accounts, one per site, in one run: each renewal's digest and check's has a section per account.
    expect(demo.stdout).toContain('== plan, account intl (free: nothing is bought) ==');
    expect(demo.stdout).toMatch(/acme-global\.com: .*cost 12\.50 USD/);
    expect(demo.stdout).toMatch(/^autorenew renew run \S+: 2 account\(s\): cn, intl$/m);
    expect(demo.stdout).toMatch(/^==== Account intl ====$/m);
    // The advance notice precedes the purchases, the held domain is never bought, Alibaba's auto-renew is left alone.
    expect(demo.stdout).toMatch(/^Upcoming renewals \(\d+\): /m);
    expect(demo.stdout).toMatch(/acme-events\.org: .*reason: held: /);
    expect(demo.stdout).toMatch(/acme-app\.com: .*reason: registrar-auto-renew: /);
    expect(demo.stdout).toContain('What to do');
  });

  it('an error no command caught (a full disk under the embedded database) exits 2, not 1 "nothing was bought" (review 2026-12-04)', async () => {
    // The embedded database throws a failed write from its own callback: Node's default exit 1 reads as "invalid
    // input, nothing was bought" here, after a run that may have bought.
    const preload = join(ledgerDir, 'throw-later.cjs');
    await writeFile(
      preload,
      // Main thread only: the in-memory TypeScript bundler's worker thread loads NODE_OPTIONS' --require too.
      "if (require('node:worker_threads').isMainThread) setTimeout(() => { throw new Error('IO error: 000006.log: No space left on device'); }, 0);\n",
    );
    const run = await cliProcess(['status'], { NODE_OPTIONS: `--require ${preload}` });
    expect(run.code).toBe(EXIT.jobFailed);
    expect(run.stderr).toMatch(
      /^autorenew: unexpected failure: IO error: 000006\.log: No space left on device; if it stopped a renew run, renewals may have been submitted.*autorenew status.*autorenew check/m,
    );
  });

  it('--help lists every command, the exit codes and examples', async () => {
    const help = await runCliProcess(['--help'], {});
    expect(help.code).toBe(EXIT.ok);
    for (const name of ['demo', 'validate', 'plan', 'renew', 'check', 'status', 'sandbox', 'schema']) {
      expect(help.stdout).toMatch(new RegExp(`^ {2}${name} `, 'm'));
    }
    expect(help.stdout).toContain(
      'exit codes: 0 ok, 1 invalid input (nothing bought), 2 job failed, 3 renewals failed',
    );
    expect(help.stdout).toContain('examples:');
  });

  it('a renew that opens a new, empty embedded ledger says so; the next one does not (review 2026-12-04)', async () => {
    // The default ledger is .autorenew under the working directory: run from another one, a renew started on an
    // empty ledger (no holds, failures or records of what was bought) without a word.
    const fresh = await mkdtemp(join(tmpdir(), 'autorenew-fresh-'));
    try {
      const dir = join(fresh, 'ledger');
      const notice = /^autorenew: a new, empty ledger at .*ledger: .*set AUTORENEW_LEDGER_DIR to that ledger$/m;
      const dry = await cli(['renew', '--dry-run'], { AUTORENEW_LEDGER_DIR: join(fresh, 'dry') });
      expect(dry.stderr).not.toMatch(notice);
      const first = await cli(['renew', '--yes'], { AUTORENEW_LEDGER_DIR: dir });
      expect(first.stderr).toMatch(notice);
      const second = await cli(['renew', '--yes'], { AUTORENEW_LEDGER_DIR: dir });
      expect(second.stderr).not.toMatch(notice);
    } finally {
      await rm(fresh, { recursive: true, force: true });
    }
  });
});
