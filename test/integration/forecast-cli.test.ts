import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ICAL from 'ical.js';
import { EXIT } from '../../lib/commands/io';
import { openLedgerFromEnv } from '../../lib/ledger/embedded';
import { FORECAST_CSV_HEADER } from '../../lib/renewal/forecast-format';
import { type Sandbox, startSandbox } from '../../lib/sandbox';
import { runCliInProcess, runCliProcess } from '../helpers/cli-process';
import { recordRenewRun } from '../helpers/run-records';
import { PROCESS_TEST_TIMEOUT_MS } from '../helpers/timeouts';

// `autorenew forecast` (issue 15) against a sandbox with a frozen clock on 127.0.0.1: the CLI takes the sandbox's
// time, so every date below is a literal. The table test runs the real binary; the others run in process through
// runCli (the entry point bin/autorenew.js calls), a subprocess start-up cheaper each.
jest.setTimeout(PROCESS_TEST_TIMEOUT_MS);

const NOW = Date.UTC(2026, 11, 2, 10);
const at = (iso: string) => Date.parse(iso);

interface JsonRenewal {
  domain: string;
  renewOn: string;
  years: number;
  price?: { minor: number; currency: string };
  source?: string;
  unpriced?: string;
}
interface JsonForecast {
  currency: string;
  total: { minor: number; currency: string };
  renewals: number;
  unpriced: number;
  months: { month: string; count: number; total: { minor: number; currency: string }; renewals: JsonRenewal[] }[];
  skipped: { domain: string; reason: string }[];
}

/** What the forecast says once about each refused price source (the sandbox refuses both here). */
const SOURCES_REFUSED =
  'forecast: price source realtime unavailable (InvalidAction.NotFound); tried the next one\n' +
  'forecast: price source checkdomain unavailable (InvalidAction.NotFound); tried the next one\n';

/**
 * `stderr` less its first line, which must say that no renew run reads this fresh ledger (its holds are not theirs:
 * review 2026-12-07, thirty-first session).
 */
function afterUnreadLine(stderr: string): string {
  const [first, ...rest] = stderr.split('\n');
  expect(first).toMatch(/^forecast: no renew run is recorded in the ledger at .*is not theirs: look there$/);
  return rest.join('\n');
}

describe('autorenew forecast against the sandbox', () => {
  let sandbox: Sandbox;
  let dir: string;
  let env: Record<string, string>;

  beforeAll(async () => {
    sandbox = await startSandbox({
      nowMs: NOW,
      freezeClock: true,
      // Both registrar price sources refused: the policy's table prices everything (source "table").
      faults: { refusals: { QueryDomainRealTimePrice: 'InvalidAction', CheckDomain: 'InvalidAction' } },
      fixture: {
        domains: [
          { domainName: 'alpha.com', expiresAtMs: at('2026-12-20T00:00:00Z') },
          { domainName: 'beta.cn', expiresAtMs: at('2027-01-25T00:00:00Z') },
          { domainName: 'gamma.com.cn', expiresAtMs: at('2027-02-10T00:00:00Z') },
          { domainName: 'brand.com', expiresAtMs: at('2027-02-11T00:00:00Z') },
          { domainName: 'delta.org', expiresAtMs: at('2027-03-05T00:00:00Z') },
          { domainName: 'skip.com', expiresAtMs: at('2027-01-05T00:00:00Z') },
          { domainName: 'later.com', expiresAtMs: at('2028-06-01T00:00:00Z') },
        ],
      },
    });
    dir = await mkdtemp(join(tmpdir(), 'autorenew-forecast-'));
    const policyPath = join(dir, 'policy.json');
    await writeFile(
      policyPath,
      JSON.stringify({
        version: 1,
        window: { daysBeforeExpiry: 30 },
        money: { currency: 'CNY', priceTable: { com: '79.00', cn: 35, 'com.cn': '29.90' }, unpriced: 'renew' },
        rules: [
          { name: 'no', match: ['skip.com'], renew: false },
          { name: 'brands', match: ['brand.*'], years: 3 },
        ],
      }),
    );
    env = {
      AUTORENEW_ENDPOINT: sandbox.url,
      ALIBABA_CLOUD_ACCESS_KEY_ID: sandbox.accessKeyId,
      ALIBABA_CLOUD_ACCESS_KEY_SECRET: sandbox.accessKeySecret,
      AUTORENEW_LEDGER_DIR: join(dir, 'ledger'),
      AUTORENEW_POLICY: policyPath,
    };
  });

  afterAll(async () => {
    await sandbox?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('--json: totals equal the sum of the domains’ prices, in integer minor units', async () => {
    const run = await runCliInProcess(['forecast', '--months', '6', '--json'], env);
    expect(afterUnreadLine(run.stderr)).toBe(SOURCES_REFUSED);
    expect(run.code).toBe(EXIT.ok);
    const f = JSON.parse(run.stdout) as JsonForecast;
    const all = f.months.flatMap((m) => m.renewals);
    expect(all.map((r) => [r.domain, r.renewOn, r.years, r.price?.minor ?? r.unpriced])).toEqual([
      ['alpha.com', '2026-12-02', 1, 7900],
      ['beta.cn', '2026-12-26', 1, 3500],
      ['gamma.com.cn', '2027-01-11', 1, 2990],
      ['brand.com', '2027-01-12', 3, 23700],
      ['delta.org', '2027-02-03', 1, 'no registrar quote and no money.priceTable entry for its TLD'],
    ]);
    expect(f.skipped).toEqual([expect.objectContaining({ domain: 'skip.com', reason: 'opted-out' })]);
    expect(f.currency).toBe('CNY');
    expect(f.total).toEqual({ minor: 7900 + 3500 + 2990 + 23700, currency: 'CNY' });
    expect(f.total.minor).toBe(all.reduce((s, r) => s + (r.price?.minor ?? 0), 0));
    for (const m of f.months) {
      expect(m.total.minor).toBe(m.renewals.reduce((s, r) => s + (r.price?.minor ?? 0), 0));
      expect(m.count).toBe(m.renewals.length);
    }
    expect(f.months.map((m) => [m.month, m.count, m.total.minor])).toEqual([
      ['2026-12', 2, 11400],
      ['2027-01', 2, 26690],
      ['2027-02', 1, 0],
      ['2027-03', 0, 0],
      ['2027-04', 0, 0],
      ['2027-05', 0, 0],
    ]);
    expect(f.unpriced).toBe(1);
  });

  it('the table: months with totals and bars, each month’s domains, unpriced and skipped ones named', async () => {
    const run = await runCliProcess(['forecast', '--months', '3'], env);
    expect(afterUnreadLine(run.stderr)).toBe(SOURCES_REFUSED);
    expect(run.code).toBe(EXIT.ok);
    const lines = run.stdout.split('\n');
    expect(lines.slice(0, 6)).toEqual([
      'forecast 2026-12 to 2027-02 (3 month(s), UTC), from 2026-12-02; bars: total per month',
      'month     renewals       total  unpriced',
      `2026-12          2  114.00 CNY         0  ${'#'.repeat(13)}`,
      `2027-01          2  266.90 CNY         0  ${'#'.repeat(30)}`,
      '2027-02          1    0.00 CNY         1  #',
      'total            5  380.90 CNY         1',
    ]);
    expect(run.stdout).toContain('  2027-01-12  brand.com  3y  237.00 CNY (table)  expires 2027-02-11  rule brands');
    expect(run.stdout).toMatch(/2027-02-03 {2}delta\.org {2}1y {2}unpriced/);
    expect(run.stdout).toContain('  skip.com  expires 2027-01-05  opted-out');
  });

  it('--csv: one row per renewal; --ics FILE: a calendar a real parser reads', async () => {
    const ics = join(dir, 'renewals.ics');
    const run = await runCliInProcess(['forecast', '--months', '6', '--csv', '--ics', ics], env);
    expect(run.code).toBe(EXIT.ok);
    expect(afterUnreadLine(run.stderr)).toBe(
      `${SOURCES_REFUSED}forecast: 5 renewal(s) written to ${ics} (iCalendar)\n`,
    );
    const rows = run.stdout.trimEnd().split('\n');
    expect(rows[0]).toBe(FORECAST_CSV_HEADER.join(','));
    expect(rows.slice(1).map((r) => r.split(',').slice(2, 8))).toEqual([
      ['alpha.com', '2026-12-20', '1', '', '79.00', '7900'],
      ['beta.cn', '2027-01-25', '1', '', '35.00', '3500'],
      ['gamma.com.cn', '2027-02-10', '1', '', '29.90', '2990'],
      ['brand.com', '2027-02-11', '3', 'brands', '237.00', '23700'],
      ['delta.org', '2027-03-05', '1', '', '', ''],
    ]);
    const text = await readFile(ics, 'utf8');
    const events = new ICAL.Component(ICAL.parse(text)).getAllSubcomponents('vevent').map((c) => new ICAL.Event(c));
    // 5 renewals, 5 expiries of renewed domains, 1 expiry of the opted-out one.
    expect(events).toHaveLength(11);
    expect(events.filter((e) => e.summary.startsWith('Renew '))).toHaveLength(5);
    expect(events.find((e) => e.summary === 'skip.com expires')?.startDate.toString()).toBe('2027-01-05');
  });

  it('a held domain is not in the totals: listed as held (hold written with autorenew hold)', async () => {
    // A renew run uses this ledger: `hold` confirms a veto only in a ledger a renew run reads.
    const opened = await openLedgerFromEnv(env);
    try {
      await recordRenewRun(opened.ledger);
    } finally {
      await opened.close();
    }
    const held = await runCliInProcess(['hold', 'brand.com', '--reason', 'selling'], env);
    expect(held.code).toBe(EXIT.ok);
    const f = JSON.parse((await runCliInProcess(['forecast', '--months', '6', '--json'], env)).stdout) as JsonForecast;
    expect(f.months.flatMap((m) => m.renewals.map((r) => r.domain))).not.toContain('brand.com');
    expect(f.skipped.map((s) => [s.domain, s.reason])).toEqual([
      ['skip.com', 'opted-out'],
      ['brand.com', 'held'],
    ]);
    expect(f.total.minor).toBe(7900 + 3500 + 2990);
  });

  it.each([
    [['forecast', '--months', '0'], /--months "0": give a whole number from 1 to 120/],
    [['forecast', '--months', 'twelve'], /--months "twelve"/],
    [['forecast', '--json', '--csv'], /--json and --csv: choose one/],
    [['forecast', '--ics', '/nonexistent-dir/x.ics'], /--ics \/nonexistent-dir\/x\.ics: cannot write .*\(ENOENT\)/],
  ])('%j: exit 1 with one clear line', async (args, message) => {
    const run = await runCliInProcess(args, env);
    expect(run.code).toBe(EXIT.invalidInput);
    expect(run.stdout).toBe('');
    // The last line is the error; before it, at most the notes about refused price sources.
    const lines = run.stderr.trimEnd().split('\n');
    expect(lines.at(-1)).toMatch(message);
    expect(lines.slice(0, -1).every((l) => /^forecast: price source \w+ unavailable/.test(l))).toBe(true);
  });
});
