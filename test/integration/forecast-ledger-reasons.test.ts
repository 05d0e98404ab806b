import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { EXIT } from '../../lib/commands/io';
import { runCliInProcess } from '../helpers/cli-process';
import { type CliWorld, seedRenewLedger, startCliWorld } from '../helpers/cli-world';
import { DAY_MS, SANDBOX_NOW_MS } from '../helpers/sandbox-fixture';
import { PROCESS_TEST_TIMEOUT_MS } from '../helpers/timeouts';

// Review 2026-12-07 (thirty-first session), read commands: `forecast` says it lists "the renewals the renew job will buy", and its calendar file tells the
// person "autorenew plans to renew <domain> for 1 year on this day". It never reads the ledger's claims: a domain
// whose renewal failed limits.maxAttempts times (the planner: `max-attempts`, "needs a human", a will-lapse reason)
// is forecast, priced and put in the calendar as bought by the job. Nothing will buy it; a person who plans by the
// forecast (or the calendar) does not renew it by hand and it lapses. (Likewise `retry-too-late`, `renewed-not-shown`,
// `shown-renewed`, `unreadable-row`, `unknown-status`: every reason the planner decides from the ledger or the row.)
jest.setTimeout(PROCESS_TEST_TIMEOUT_MS);

let world: CliWorld;
const env = () => world.env();
const EXPIRY = SANDBOX_NOW_MS + 10 * DAY_MS;

beforeAll(async () => {
  world = await startCliWorld([{ domainName: 'failing.com', expiresAtMs: EXPIRY }], ['srv']);
  // The renew runs' ledger in /srv: a renew run recorded, and failing.com's renewal of this expiry failed 3 times
  // (limits.maxAttempts in the policy), the last a day ago.
  await seedRenewLedger(world, 'srv', async (ledger) => {
    const taken = await ledger.claim({
      domain: 'failing.com',
      expiryMs: EXPIRY,
      batchId: 'b3',
      attemptId: 'a3',
      years: 1,
      nowMs: SANDBOX_NOW_MS - DAY_MS,
      maxAttempts: 3,
    });
    if (!taken.ok) throw new Error('claim not taken');
    await ledger.saveClaim({
      ...taken.claim,
      status: 'FAILED',
      attempts: 3,
      nextEligibleAtMs: SANDBOX_NOW_MS,
      code: 'OrderFailed',
      message: 'the registrar refused the order',
    });
  });
});
afterAll(async () => {
  await world?.close();
});

it('control: the planner in /srv will not buy it (max-attempts: needs a human)', async () => {
  const plan = await runCliInProcess(['plan', '--json'], env(), join(world.dir, 'srv'));
  expect(plan.code).toBe(EXIT.ok);
  expect(plan.stdout).toMatch(/max-attempts/);
});

it('forecast in /srv does not list as bought by the job (nor put in the calendar) a renewal the job will not make', async () => {
  const srv = join(world.dir, 'srv');
  const ics = join(srv, 'renewals.ics');
  const run = await runCliInProcess(['forecast', '--months', '1', '--json', '--ics', ics], env(), srv);
  expect(run.code).toBe(EXIT.ok);
  const f = JSON.parse(run.stdout) as { renewals: number; months: { renewals: { domain: string }[] }[] };
  const calendar = await readFile(ics, 'utf8');
  await rm(ics, { force: true });
  expect({
    forecastAsBought: f.months.flatMap((m) => m.renewals).map((r) => r.domain),
    calendarSaysRenew: /autorenew plans to renew failing\.com/.test(calendar.replace(/\r\n /g, '')),
  }).toEqual({ forecastAsBought: [], calendarSaysRenew: false });
});
