import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EXIT } from '../../lib/commands/io';
import { type Sandbox, startSandbox } from '../../lib/sandbox';
import { runCliInProcess } from '../helpers/cli-process';
import { DAY_MS, SANDBOX_NOW_MS } from '../helpers/sandbox-fixture';
import { PROCESS_TEST_TIMEOUT_MS } from '../helpers/timeouts';

/**
 * The embedded ledger lives in `.autorenew/` of the WORKING DIRECTORY. A hold written from another directory than
 * the one the cron'd `autorenew renew` uses lands in a ledger no renew run reads: it must be refused, never
 * confirmed as "the renew job will not buy them" while the renew run from the real directory buys the vetoed domain.
 * Three ways in, found by three reviews:
 * - hold in a directory with no ledger (review 2026-12-05, round 5, L: it created one and confirmed);
 * - `holds` (a read) first, which created the ledger hold's gate looked for (review 2026-12-06, round 4);
 * - a dry run tried there earlier, which recorded a "renew run" (review 2026-12-06, round 5).
 */
jest.setTimeout(PROCESS_TEST_TIMEOUT_MS);

describe('hold from another directory than the renew runs', () => {
  let sandbox: Sandbox;
  let dir: string;

  beforeEach(async () => {
    sandbox = await startSandbox({
      fixture: {
        domains: [{ domainName: 'selling-it.com', expiresAtMs: SANDBOX_NOW_MS + 10 * DAY_MS }],
        balance: 1000,
      },
      nowMs: SANDBOX_NOW_MS,
      freezeClock: true,
    });
    dir = await mkdtemp(join(tmpdir(), 'hold-new-ledger-'));
    await mkdir(join(dir, 'srv'));
    await mkdir(join(dir, 'home'));
  });
  afterEach(async () => {
    await sandbox?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  /** Runs `before` at home, then `hold` at home, then the cron'd `renew --yes` in /srv; what came of it. */
  async function holdFromHome(before: string[][]) {
    const env = {
      AUTORENEW_ENDPOINT: sandbox.url,
      ALIBABA_CLOUD_ACCESS_KEY_ID: sandbox.accessKeyId,
      ALIBABA_CLOUD_ACCESS_KEY_SECRET: sandbox.accessKeySecret,
      AUTORENEW_POLICY: join(__dirname, '..', 'fixtures', 'policies', 'buy-when-due.json'),
    };
    const home = join(dir, 'home');
    const earlier = [];
    for (const args of before) earlier.push(await runCliInProcess(args, env, home));
    const held = await runCliInProcess(['hold', 'selling-it.com', '--reason', 'sold'], env, home);
    const paid = () =>
      (sandbox.state().requests.SaveBatchTaskForCreatingOrderRenew ?? 0) +
      (sandbox.state().requests.SaveSingleTaskForCreatingOrderRenew ?? 0);
    const paidBefore = paid();
    await runCliInProcess(['renew', '--yes'], env, join(dir, 'srv'));
    return {
      earlier,
      held,
      outcome: {
        holdExit: held.code,
        holdConfirmedVeto: /the renew job will not buy them/.test(held.stdout),
        bought: paid() - paidBefore,
      },
    };
  }

  // Refused, and said why: the operator knows the veto did not land (the renew run from /srv buys it).
  const refused = { holdExit: EXIT.invalidInput, holdConfirmedVeto: false, bought: 1 };

  it('with no ledger there: refused', async () => {
    const { held, outcome } = await holdFromHome([]);
    expect(outcome).toEqual(refused);
    expect(held.stderr).toMatch(/no ledger at .*home.*\.autorenew: the renew runs read holds from their own ledger/);
  });

  it('after `holds` there: holds says there is no ledger and creates none, so hold is refused', async () => {
    const { earlier, held, outcome } = await holdFromHome([['holds']]);
    expect(earlier[0]?.code).toBe(EXIT.ok);
    expect(earlier[0]?.stdout).toMatch(
      /^no ledger at .*home.*\.autorenew yet: nothing is recorded here\. holds reads the ledger the renew runs use/,
    );
    expect(outcome).toEqual(refused);
    expect(held.stderr).toMatch(/no ledger at .*home.*\.autorenew/);
  });

  it('after a dry run there (which records no run): refused', async () => {
    const { earlier, held, outcome } = await holdFromHome([['renew', '--dry-run']]);
    expect(earlier[0]?.code).toBe(EXIT.ok);
    expect(outcome).toEqual(refused);
    expect(held.stderr).toMatch(/no renew run is recorded in the ledger at .*home.*\.autorenew/);
  });
});
