import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EXIT } from '../../lib/commands/io';
import { openLedgerFromEnv } from '../../lib/ledger/embedded';
import type { Hold } from '../../lib/ledger/port';
import { type Sandbox, startSandbox } from '../../lib/sandbox';
import { INTL_KEY, twoAccountEnv } from '../helpers/accounts-env';
import { runCliInProcess } from '../helpers/cli-process';
import { recordRenewRun } from '../helpers/run-records';
import { PROCESS_TEST_TIMEOUT_MS } from '../helpers/timeouts';

jest.setTimeout(PROCESS_TEST_TIMEOUT_MS);

const NOW = Date.UTC(2026, 11, 3, 6, 0, 0);
const DAY_MS = 86_400_000;
const at = (days: number) => NOW + days * DAY_MS;

interface PlanDecisionJson {
  account?: string;
  domain: string;
  action: string;
  reason: string;
}
interface PlanJson {
  account?: string;
  decisions: PlanDecisionJson[];
}

/**
 * The ledger-only commands under several accounts (AUTORENEW_ACCOUNTS): the unnamed account and `intl`, both owning
 * a domain called x.com on one sandbox. A hold, unhold or retry must say which account it is for (a hold written in
 * another account's keyspace would not stop the renewal it was meant to stop); holds and status show every account
 * with an account column; plan and forecast name the account. The single-account output is unchanged.
 */
describe('ledger commands under several accounts', () => {
  let sandbox: Sandbox;
  let dir: string;
  let env: Record<string, string>;
  const ledgerEnv = () => ({ AUTORENEW_LEDGER_DIR: join(dir, 'ledger') });

  async function storedHolds(): Promise<{ default: Hold[]; intl: Hold[] }> {
    const opened = await openLedgerFromEnv(ledgerEnv());
    try {
      return { default: await opened.ledger.listHolds(), intl: await opened.forAccount('intl').listHolds() };
    } finally {
      await opened.close();
    }
  }

  const decision = (plan: PlanJson | undefined, domain: string) => plan?.decisions.find((d) => d.domain === domain);

  beforeAll(async () => {
    sandbox = await startSandbox({
      nowMs: NOW,
      freezeClock: true,
      taskMs: 60_000,
      fixture: { domains: [{ domainName: 'x.com', expiresAtMs: at(5) }] },
      accounts: [
        {
          name: 'intl',
          ...INTL_KEY,
          currency: 'USD',
          fixture: {
            domains: [
              { domainName: 'x.com', expiresAtMs: at(9), price: 11 },
              { domainName: 'y.net', expiresAtMs: at(12), price: 9 },
            ],
          },
        },
      ],
    });
    dir = await mkdtemp(join(tmpdir(), 'accounts-ledger-cli-'));
    await writeFile(
      join(dir, 'policy.json'),
      JSON.stringify({ version: 1, window: { daysBeforeExpiry: 30 }, notify: { advanceDays: 0 } }),
    );
    await writeFile(
      join(dir, 'intl.json'),
      JSON.stringify({
        version: 1,
        window: { daysBeforeExpiry: 30 },
        notify: { advanceDays: 0 },
        money: { currency: 'USD', checkDomainPrice: 'use' }, // the sandbox's intl renew fee is CheckDomain's Price
      }),
    );
    env = {
      ...ledgerEnv(),
      AUTORENEW_POLICY: join(dir, 'policy.json'),
      ...twoAccountEnv(sandbox, join(dir, 'intl.json')),
    };
    // The ledger the renew runs use, in both accounts: `hold` confirms a veto only there.
    const opened = await openLedgerFromEnv(ledgerEnv());
    try {
      await recordRenewRun(opened.ledger);
      await recordRenewRun(opened.forAccount('intl'));
    } finally {
      await opened.close();
    }
  });

  afterAll(async () => {
    await sandbox?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('hold, unhold and retry without --account are refused, naming the accounts, and write nothing', async () => {
    for (const args of [
      ['hold', 'x.com', '--reason', 'moving'],
      ['unhold', 'x.com'],
      ['retry', 'x.com'],
    ]) {
      const run = await runCliInProcess(args, env);
      expect({ args, code: run.code }).toEqual({ args, code: EXIT.invalidInput });
      expect(run.stdout).toBe('');
      expect(run.stderr).toMatch(/2 accounts are configured \(default, intl\); pass --account NAME/);
    }
    expect(await storedHolds()).toEqual({ default: [], intl: [] });
    const unknown = await runCliInProcess(['hold', 'x.com', '--account', 'eu'], env);
    expect(unknown.code).toBe(EXIT.invalidInput);
    expect(unknown.stderr).toMatch(/--account "eu" is not a configured account; the accounts are default, intl/);
    expect(await storedHolds()).toEqual({ default: [], intl: [] });
  });

  it("hold --account intl stops intl's x.com, and only it: the other account's x.com is still renewed", async () => {
    const hold = await runCliInProcess(['hold', 'x.com', '--account', 'intl', '--reason', 'moving'], env);
    expect(hold.stderr).toBe('');
    expect(hold.code).toBe(EXIT.ok);
    expect(hold.stdout).toMatch(/^hold: 1 domain\(s\) held in account intl; /m);
    // Per account, and it says so: another account that lists x.com (a second key of one Alibaba account) still buys.
    expect(hold.stdout).toMatch(
      /account intl's renew job will not buy them; another account of this deployment that lists them still does/,
    );
    const stored = await storedHolds();
    expect(stored.default).toEqual([]);
    expect(stored.intl.map((h) => [h.domain, h.reason])).toEqual([['x.com', 'moving']]);

    // One account's plan names its account and honours the hold.
    const intl = await runCliInProcess(['plan', '--account', 'intl', '--json'], env);
    expect(intl.code).toBe(EXIT.ok);
    const intlPlan = JSON.parse(intl.stdout) as PlanJson;
    expect(intlPlan.account).toBe('intl');
    expect(decision(intlPlan, 'x.com')).toMatchObject({ account: 'intl', action: 'skip', reason: 'held' });
    expect(decision(intlPlan, 'y.net')).toMatchObject({ account: 'intl', action: 'renew', reason: 'due' });
    // The unnamed account's plan, picked as `default`: its x.com is still renewed, and it keeps the old shape.
    const cn = await runCliInProcess(['plan', '--account', 'default', '--json'], env);
    expect(cn.code).toBe(EXIT.ok);
    const cnPlan = JSON.parse(cn.stdout) as PlanJson;
    expect(cnPlan.account).toBeUndefined();
    expect(decision(cnPlan, 'x.com')).toMatchObject({ action: 'renew', reason: 'due' });

    // Without --account: every account's plan, in JSON by account and in text with the account first on each line.
    const all = await runCliInProcess(['plan', '--json'], env);
    expect(all.code).toBe(EXIT.ok);
    const plans = (JSON.parse(all.stdout) as { accounts: Record<string, PlanJson> }).accounts;
    expect(Object.keys(plans)).toEqual(['default', 'intl']);
    expect(decision(plans.default, 'x.com')).toMatchObject({ account: 'default', action: 'renew' });
    expect(decision(plans.intl, 'x.com')).toMatchObject({ account: 'intl', action: 'skip', reason: 'held' });
    const text = await runCliInProcess(['plan'], env);
    expect(text.code).toBe(EXIT.ok);
    expect(text.stdout).toMatch(/^account=default domain=x\.com .*decision=renew years=1 reason=due /m);
    expect(text.stdout).toMatch(/^account=intl domain=x\.com .*decision=skip years=- reason=held /m);
    expect(text.stdout).toMatch(/^account=intl totals /m);
    // --out is one account's plan.
    const out = await runCliInProcess(['plan', '--out', join(dir, 'plan.json')], env);
    expect(out.code).toBe(EXIT.invalidInput);
    expect(out.stderr).toMatch(/pass --account NAME with --out/);

    // The renew job itself: the unnamed account buys its x.com, intl buys y.net but not the held x.com.
    const renew = await runCliInProcess(['renew', '--yes', '--json'], env);
    expect(renew.code).toBe(EXIT.ok);
    expect(sandbox.state().submissions.map((s) => s.domainName)).toEqual(['x.com']);
    expect(sandbox.state('intl').submissions.map((s) => s.domainName)).toEqual(['y.net']);

    // forecast names the account and counts the held domain as not renewed.
    const forecast = await runCliInProcess(['forecast', '--account', 'intl', '--json', '--months', '1'], env);
    expect(forecast.code).toBe(EXIT.ok);
    const f = JSON.parse(forecast.stdout) as { account?: string; skipped: { domain: string; reason: string }[] };
    expect(f.account).toBe('intl');
    expect(f.skipped).toEqual(expect.arrayContaining([expect.objectContaining({ domain: 'x.com' })]));
    const csv = await runCliInProcess(['forecast', '--account', 'intl', '--csv', '--months', '1'], env);
    expect(csv.stdout.split('\n')[0]).toMatch(/^account,month,renew_on,domain,/);
  });

  it('holds shows every account with an account column (an account field in JSON); --account narrows it', async () => {
    const table = await runCliInProcess(['holds'], env);
    expect(table.stderr).toBe('');
    expect(table.code).toBe(EXIT.ok);
    const lines = table.stdout.split('\n');
    expect(lines[0]).toMatch(/^account +domain +held +created \(UTC\) +state +reason$/);
    expect(lines[1]?.split(/ {2,}/)).toEqual(['intl', 'x.com', 'until unhold', expect.any(String), 'active', 'moving']);
    expect(lines.slice(2)).toEqual(['1 hold(s), 1 active', '']);
    const json = JSON.parse((await runCliInProcess(['holds', '--json'], env)).stdout) as {
      holds: Record<string, unknown>[];
    };
    expect(json.holds).toEqual([expect.objectContaining({ account: 'intl', domain: 'x.com', reason: 'moving' })]);
    const cnOnly = await runCliInProcess(['holds', '--account', 'default'], env);
    expect(cnOnly.stdout).toBe('no holds: the renew job may buy every due domain\n');
  });

  it('status shows every account, each line starting with its account, and an account field in JSON', async () => {
    const text = await runCliInProcess(['status'], env);
    expect(text.stderr).toBe('');
    expect(text.code).toBe(EXIT.ok);
    expect(text.stdout).toMatch(/^open batches: 2$/m);
    expect(text.stdout).toMatch(/^ {2}default {2}\S+ SUBMITTED 1 domain\(s\)/m);
    expect(text.stdout).toMatch(/^ {2}intl {5}\S+ SUBMITTED 1 domain\(s\)/m);
    expect(text.stdout).toMatch(/^default {2}last renew: .* ok /m);
    expect(text.stdout).toMatch(/^intl {5}last renew: .* ok /m);
    expect(text.stdout).toMatch(/^ {2}default {2}x\.com /m);
    expect(text.stdout).toMatch(/^ {2}intl {5}y\.net /m);
    const json = JSON.parse((await runCliInProcess(['status', '--json'], env)).stdout) as {
      openBatches: { account?: string; entries: { domain: string }[] }[];
      lastRuns: { account?: string; job: string }[];
    };
    expect(json.openBatches.map((b) => [b.account, b.entries.map((e) => e.domain)])).toEqual([
      ['default', ['x.com']],
      ['intl', ['y.net']],
    ]);
    expect(json.lastRuns.map((r) => [r.account, r.job])).toEqual([
      ['default', 'renew'],
      ['intl', 'renew'],
    ]);
    const history = await runCliInProcess(['status', 'x.com'], env);
    expect(history.stdout).toMatch(/^account default: x\.com: 1 renewal\(s\) recorded$/m);
    expect(history.stdout).toMatch(/^account intl: x\.com: no renewal recorded in this ledger$/m);
    const intlOnly = JSON.parse((await runCliInProcess(['status', '--account', 'intl', '--json'], env)).stdout) as {
      openBatches: { account?: string }[];
    };
    expect(intlOnly.openBatches.map((b) => b.account)).toEqual(['intl']);
  });

  it('unhold and retry with --account work in that account only', async () => {
    const retry = await runCliInProcess(['retry', 'x.com', '--account', 'intl'], env);
    expect(retry.code).toBe(EXIT.ok);
    expect(retry.stdout).toMatch(/^x\.com: nothing to retry \(no renewal recorded\)$/m);
    expect(retry.stdout).toMatch(/^retry: 0 renewal\(s\) cleared in account intl; /m);
    const unhold = await runCliInProcess(['unhold', 'x.com', '--account', 'intl'], env);
    expect(unhold.code).toBe(EXIT.ok);
    expect(unhold.stdout).toBe('x.com: hold removed\nunhold: 1 hold(s) removed in account intl\n');
    expect(await storedHolds()).toEqual({ default: [], intl: [] });
  });

  it('a deployment with one unnamed account keeps its output: no account column or field, no --account needed', async () => {
    // The renew runs recorded here worked against the sandbox: this shell names the same endpoint.
    const single = { ...ledgerEnv(), AUTORENEW_ENDPOINT: sandbox.url };
    const hold = await runCliInProcess(['hold', 'solo.org'], single);
    expect(hold.code).toBe(EXIT.ok);
    expect(hold.stdout).toMatch(/^hold: 1 domain\(s\) held; the renew job/m);
    const table = await runCliInProcess(['holds'], single);
    expect(table.stdout.split('\n')[0]).toMatch(/^domain +held +created \(UTC\) +state +reason$/);
    const json = JSON.parse((await runCliInProcess(['holds', '--json'], single)).stdout) as {
      holds: Record<string, unknown>[];
    };
    expect(json.holds.map((h) => h.domain)).toEqual(['solo.org']);
    expect(json.holds[0]).not.toHaveProperty('account');
    const status = JSON.parse((await runCliInProcess(['status', '--json'], single)).stdout) as {
      openBatches: Record<string, unknown>[];
    };
    expect(status.openBatches).toHaveLength(1);
    expect(status.openBatches[0]).not.toHaveProperty('account');
    // It is the unnamed account's keyspace of the several-account deployment above.
    expect((await storedHolds()).default.map((h) => h.domain)).toEqual(['solo.org']);
  });
});
