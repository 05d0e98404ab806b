import { createAlibabaClient } from '../../lib/alibaba/client';
import { computeTimeMarginMs } from '../../lib/renewal/time-margin';
import type { Sandbox } from '../../lib/sandbox';
import { coldHandler } from '../helpers/lambda';
import { START_HOOK_TIMEOUT_MS } from '../helpers/timeouts';
import { startTwoAccounts, TWO_ACCOUNTS_NOW, type TwoAccounts } from '../helpers/two-accounts';

const NOW = TWO_ACCOUNTS_NOW;
const DAY_MS = 86_400_000;

/**
 * The Lambda composition gives the accounts room its wait limit (compose/accounts.ts, time-margin.ts
 * computeRoomWaitLimitMs: the jobs' own margin before the deadline the context reports, two with a global cap). The
 * room's own tests set the limit by hand, so nothing showed that the deployed handler sets it at all, nor that its
 * margin was 90 s, the default, while the jobs stop buying 200 s before the deadline with the deployed client: with
 * a global cap, the healthy account held at the share barrier was released past its own last moment to buy. Here
 * the handler (no global cap) starts with exactly one of the jobs' margins left: the limit is 0, so the room waits
 * for no account, and each account's digest goes out on its own (the first naming the other as still running)
 * instead of one combined digest. With ten minutes left (test/integration/accounts.test.ts) it is one.
 */
describe('the deployed renew handler gives the accounts room its wait limit', () => {
  let world: TwoAccounts;
  let sandbox: Sandbox;

  beforeAll(async () => {
    world = await startTwoAccounts({
      main: [{ domainName: 'main-due.com', expiresAtMs: NOW + 5 * DAY_MS }],
      second: [{ domainName: 'second-due.com', expiresAtMs: NOW + 6 * DAY_MS }],
    });
    sandbox = world.sandbox;
  }, START_HOOK_TIMEOUT_MS);

  afterAll(async () => {
    await world?.stop();
  });

  it('with one time margin left: both accounts still buy, and their digests go out without waiting for each other', async () => {
    // The margin the jobs keep with the deployed client (its retries and timeouts, 200 s, and 30 s of ledger
    // writes), not the default one. A job stops buying with less than one margin left: exactly one, it still buys.
    const unused = {
      get: () => Promise.reject(new Error('unused')),
      refresh: () => Promise.reject(new Error('unused')),
    };
    const margin = computeTimeMarginMs(createAlibabaClient({ credentials: unused }).worstCaseCallMs);
    await coldHandler('renew')({}, { awsRequestId: 'wait-1', getRemainingTimeInMillis: () => margin });

    expect(sandbox.state().submissions.map((s) => s.domainName)).toEqual(['main-due.com']);
    expect(sandbox.state('second').submissions.map((s) => s.domainName)).toEqual(['second-due.com']);
    const emails = await world.emails();
    expect(emails).toHaveLength(2);
    // The first out names the other account as still running, not as having nothing to report.
    expect(emails[0]).toMatch(/==== Account (main|second) ====\nStill running when the others reported/);
    const all = emails.join('\n');
    expect(all).toContain('main-due.com');
    expect(all).toContain('second-due.com');
  });
});
