import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EXIT } from '../../lib/commands/io';
import { type Sandbox, startSandbox } from '../../lib/sandbox';
import { runCliInProcess } from '../helpers/cli-process';
import { PROCESS_TEST_TIMEOUT_MS } from '../helpers/timeouts';

// The forecast skips its first, unquoted draft makes for price must not stand: only the draft's renewals were quoted.
// - Under the default money.unpriced "skip" with no money.priceTable (prices from the registrar), every domain was
//   skipped as 'unpriced' before it was ever quoted, and the forecast showed nothing while the renew job quotes each
//   due domain and buys it (review 2026-12-07, twenty-fifth session).
// - A money.priceTable fallback above limits.maxSpendPerRun made the draft skip the domain as 'over-cap', it was never
//   quoted, and the forecast said "over-cap" of a renewal the renew job buys at the registrar's lower quote (the table
//   is used only when the registrar gives no price) (review 2026-12-07, twenty-ninth session, fourth round).
jest.setTimeout(PROCESS_TEST_TIMEOUT_MS);

const NOW = Date.UTC(2026, 11, 2, 10);

describe.each([
  [
    'with registrar quotes and no price table (money.unpriced default "skip")',
    { money: { currency: 'CNY' }, notify: { advanceDays: 0 } },
  ],
  [
    'with a table price over a spending cap',
    {
      money: { currency: 'CNY', priceTable: { com: '500' } },
      limits: { maxSpendPerRun: '300' },
      notify: { advanceDays: 0 },
    },
  ],
])('forecast %s', (_name, policy) => {
  let sandbox: Sandbox;
  let dir: string;
  let env: Record<string, string>;

  beforeAll(async () => {
    sandbox = await startSandbox({
      nowMs: NOW,
      freezeClock: true,
      fixture: { domains: [{ domainName: 'alpha.com', expiresAtMs: Date.UTC(2026, 11, 20) }] },
    });
    dir = await mkdtemp(join(tmpdir(), 'autorenew-forecast-quoted-'));
    const policyPath = join(dir, 'policy.json');
    await writeFile(policyPath, JSON.stringify({ version: 1, window: { daysBeforeExpiry: 30 }, ...policy }));
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

  it('quotes the due domain and forecasts its renewal at that quote (the renew job would buy it)', async () => {
    const run = await runCliInProcess(['forecast', '--months', '2', '--json'], env);
    expect(run.code).toBe(EXIT.ok);
    const f = JSON.parse(run.stdout) as {
      skipped: { domain: string; reason: string }[];
      months: { renewals: { domain: string; price?: { minor: number }; source?: string }[] }[];
    };
    expect(f.skipped).toEqual([]);
    const all = f.months.flatMap((m) => m.renewals);
    expect(all.map((r) => [r.domain, r.source])).toEqual([['alpha.com', expect.not.stringMatching(/table/)]]);
    expect(all[0]?.price?.minor).toBeGreaterThan(0);
  });

  it('the renew job does buy it (dry run: planned at the registrar quote)', async () => {
    const run = await runCliInProcess(['renew', '--dry-run', '--json'], env);
    expect(run.stdout + run.stderr).toMatch(/Would renew: 1 domain/);
    expect(run.stdout + run.stderr).not.toMatch(/over-cap|unpriced/);
  });
});
