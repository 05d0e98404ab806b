import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EXIT } from '../../lib/commands/io';
import { type Sandbox, startSandbox } from '../../lib/sandbox';
import { runCliInProcess } from '../helpers/cli-process';
import { PROCESS_TEST_TIMEOUT_MS } from '../helpers/timeouts';

// Review 2026-12-07, twenty-ninth session (fourth round, of 6d4617e): `autorenew forecast` quotes the draft's renewals and its 'unpriced'/'over-price' skips
// (6ff9e8c), not its new 'over-cap' skips. A money.priceTable fallback above limits.maxSpendPerRun makes the draft skip
// the domain as over-cap, it is never quoted, and the forecast says "over-cap" of a renewal the renew job buys at the
// registrar's quote (the table is used only when the registrar gives no price).
jest.setTimeout(PROCESS_TEST_TIMEOUT_MS);

const NOW = Date.UTC(2026, 11, 2, 10);

describe('forecast: a table price over a spending cap is still quoted', () => {
  let sandbox: Sandbox;
  let dir: string;
  let env: Record<string, string>;

  beforeAll(async () => {
    sandbox = await startSandbox({
      nowMs: NOW,
      freezeClock: true,
      fixture: { domains: [{ domainName: 'alpha.com', expiresAtMs: Date.UTC(2026, 11, 20) }] },
    });
    dir = await mkdtemp(join(tmpdir(), 'autorenew-forecast-overcap-'));
    const policyPath = join(dir, 'policy.json');
    await writeFile(
      policyPath,
      JSON.stringify({
        version: 1,
        window: { daysBeforeExpiry: 30 },
        money: { currency: 'CNY', priceTable: { com: '500' } },
        limits: { maxSpendPerRun: '300' },
        notify: { advanceDays: 0 },
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

  it('forecasts the renewal the job buys at the registrar quote (under the cap)', async () => {
    const run = await runCliInProcess(['forecast', '--months', '2', '--json'], env);
    expect(run.code).toBe(EXIT.ok);
    const f = JSON.parse(run.stdout) as {
      skipped: { domain: string; reason: string }[];
      months: { renewals: { domain: string; price?: { minor: number }; source?: string }[] }[];
    };
    const all = f.months.flatMap((m) => m.renewals);
    expect({ skipped: f.skipped, renewals: all.map((r) => [r.domain, r.source]) }).toEqual({
      skipped: [],
      renewals: [['alpha.com', expect.not.stringMatching(/table/)]],
    });
  });

  it('the renew job does buy it (dry run: planned at the registrar quote)', async () => {
    const run = await runCliInProcess(['renew', '--dry-run', '--json'], env);
    // Whatever the output form, the plan prices it from the registrar, under the cap.
    expect(run.stdout + run.stderr).toMatch(/Would renew: 1 domain/);
    expect(run.stdout + run.stderr).not.toMatch(/over-cap/);
  });
});
