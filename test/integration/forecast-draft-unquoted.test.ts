import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EXIT } from '../../lib/commands/io';
import { type Sandbox, startSandbox } from '../../lib/sandbox';
import { runCliInProcess } from '../helpers/cli-process';
import { PROCESS_TEST_TIMEOUT_MS } from '../helpers/timeouts';

// The forecast's 'unpriced' skip applied to its first, unquoted draft too, and only the draft's renewals were
// quoted: under the default money.unpriced "skip" with no money.priceTable (prices from the registrar), every domain
// was skipped as 'unpriced' before it was ever quoted, and the forecast showed nothing while the renew job quotes
// each due domain and buys it (review 2026-12-07, twenty-fifth session).
jest.setTimeout(PROCESS_TEST_TIMEOUT_MS);

const NOW = Date.UTC(2026, 11, 2, 10);

describe('forecast with registrar quotes and no price table (money.unpriced default "skip")', () => {
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
    await writeFile(
      policyPath,
      JSON.stringify({ version: 1, window: { daysBeforeExpiry: 30 }, money: { currency: 'CNY' } }),
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

  it('quotes the due domain and forecasts its renewal (the renew job would buy it at that quote)', async () => {
    const run = await runCliInProcess(['forecast', '--months', '2', '--json'], env);
    expect(run.code).toBe(EXIT.ok);
    const f = JSON.parse(run.stdout) as {
      skipped: { domain: string; reason: string }[];
      months: { renewals: { domain: string; price?: { minor: number } }[] }[];
    };
    expect(f.skipped).toEqual([]);
    const all = f.months.flatMap((m) => m.renewals);
    expect(all.map((r) => r.domain)).toEqual(['alpha.com']);
    expect(all[0]?.price?.minor).toBeGreaterThan(0);
  });
});
