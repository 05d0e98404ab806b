import { join } from 'node:path';
import { EXIT } from '../../lib/commands/io';
import { runCliInProcess } from '../helpers/cli-process';
import { type CliWorld, seedRenewLedger, startCliWorld } from '../helpers/cli-world';
import { DAY_MS, SANDBOX_NOW_MS } from '../helpers/sandbox-fixture';
import { PROCESS_TEST_TIMEOUT_MS } from '../helpers/timeouts';

// Review of c8befe6 (strays met by a run), read commands. stray.com's claim is live under a batch closed before its
// submit ever started that does not list it (an unsent batch's close whose release of this claim failed): a stray,
// provably not sent. `plan` (findStrays) plans it as released and bought now, as the renew run does. `forecast`
// reads the same claim as a renewal in flight ("paid already"): it leaves this renewal out of its renewals, its month
// totals and its calendar, and projects only the next year's, though the next run buys this one today.
jest.setTimeout(PROCESS_TEST_TIMEOUT_MS);

let world: CliWorld;
const env = () => world.env();
const EXPIRY = SANDBOX_NOW_MS + 10 * DAY_MS;

beforeAll(async () => {
  world = await startCliWorld([{ domainName: 'stray.com', expiresAtMs: EXPIRY }], ['srv']);
  await seedRenewLedger(world, 'srv', async (ledger) => {
    const at = SANDBOX_NOW_MS - 3_600_000;
    const intent = await ledger.putBatchIntent({
      batchId: 'b1',
      runId: 'r0',
      attemptId: 'r0/b1',
      status: 'INTENT',
      createdAtMs: at,
      updatedAtMs: at,
      entries: [{ domain: 'stray.com', expiryMs: EXPIRY, years: 1, permitPremium: false }],
      pendingNotices: [],
      sentNotices: [],
    });
    const taken = await ledger.claim({
      domain: 'stray.com',
      expiryMs: EXPIRY,
      batchId: 'b1',
      attemptId: 'r0/b1',
      years: 1,
      nowMs: at,
      maxAttempts: 3,
    });
    if (!taken.ok) throw new Error('claim not taken');
    // The unsent batch closed (nothing of it was sent); the release of its claim failed: the claim stays CLAIMED.
    await ledger.saveBatch({ ...intent, entries: [], status: 'CLOSED', closedAtMs: at, updatedAtMs: at });
  });
});
afterAll(async () => {
  await world?.close();
});

it('control: plan in /srv buys stray.com now (the stray planned as released)', async () => {
  const plan = await runCliInProcess(['plan', '--json'], env(), join(world.dir, 'srv'));
  expect(plan.code).toBe(EXIT.ok);
  const p = JSON.parse(plan.stdout) as { decisions: { domain: string; action: string; expiresAtMs: number }[] };
  expect(p.decisions.map((d) => `${d.domain}:${d.action}:${d.expiresAtMs === EXPIRY}`)).toEqual([
    'stray.com:renew:true',
  ]);
});

it('forecast in /srv counts the renewal of this expiry the next run buys, not as one paid already', async () => {
  const srv = join(world.dir, 'srv');
  const run = await runCliInProcess(['forecast', '--months', '1', '--json'], env(), srv);
  expect(run.code).toBe(EXIT.ok);
  const f = JSON.parse(run.stdout) as {
    months: { renewals: { domain: string; expiresAtMs: number }[] }[];
    skipped: { domain: string; reason: string }[];
  };
  expect({
    thisExpiryForecast: f.months
      .flatMap((m) => m.renewals)
      .some((r) => r.domain === 'stray.com' && r.expiresAtMs === EXPIRY),
    skipped: f.skipped.map((s) => `${s.domain}:${s.reason}`),
  }).toEqual({ thisExpiryForecast: true, skipped: [] });
});
