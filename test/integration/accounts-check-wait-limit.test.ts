import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Sandbox } from '../../lib/sandbox';
import { coldHandler } from '../helpers/lambda';
import { START_HOOK_TIMEOUT_MS } from '../helpers/timeouts';
import { startTwoAccounts, TWO_ACCOUNTS_NOW, type TwoAccounts } from '../helpers/two-accounts';

const NOW = TWO_ACCOUNTS_NOW;
const DAY_MS = 86_400_000;
/** serverless.yml: the check function's timeout (300 s): what getRemainingTimeInMillis says at its start. */
function checkTimeoutMs(): number {
  const yaml = createRequire(createRequire(`${process.cwd()}/package.json`).resolve('osls/package.json'))(
    'js-yaml',
  ) as {
    load(text: string): { functions: { check: { timeout: number } } };
  };
  return yaml.load(readFileSync('serverless.yml', 'utf8')).functions.check.timeout * 1000;
}

/**
 * The room's wait limit (time-margin.ts computeRoomWaitLimitMs) was two of the jobs' margins with the deployed
 * client, 2 x 200 s = 400 s, before the deadline. The check function has 300 s in all (serverless.yml), so for every
 * hourly check run with several accounts the limit was 0: the room never waited, each account's digest went out as
 * its own message, and the first said the others were "Still running when the others reported, close to the time
 * limit" at the start of a 5-minute run (review 2026-12-06). Without a global cap the room waits one margin.
 */
describe('the deployed check handler, two accounts, a fresh 300 s invocation', () => {
  let world: TwoAccounts;
  let sandbox: Sandbox;

  beforeAll(async () => {
    world = await startTwoAccounts({
      main: [{ domainName: 'main-due.com', expiresAtMs: NOW + 5 * DAY_MS }],
      second: [{ domainName: 'second-due.com', expiresAtMs: NOW + 6 * DAY_MS }],
      env: { AUTORENEW_GLOBAL_MAX_DOMAINS: '10' },
    });
    sandbox = world.sandbox;
  }, START_HOOK_TIMEOUT_MS);

  afterAll(async () => {
    await world?.stop();
  });

  it('check confirms both accounts\' renewals in one digest, not one per account with "still running ... close to the time limit"', async () => {
    // Renew with ten minutes left: both buy, one combined digest (as test/integration/accounts.test.ts).
    await coldHandler('renew')({}, { awsRequestId: 'renew-1', getRemainingTimeInMillis: () => 600_000 });
    expect(sandbox.state().submissions.map((s) => s.domainName)).toEqual(['main-due.com']);
    expect(sandbox.state('second').submissions.map((s) => s.domainName)).toEqual(['second-due.com']);
    expect(await world.emails()).toHaveLength(1);

    sandbox.setClock({ advanceMs: 10 * 60_000 });
    // The hourly check, fresh: its whole 300 s ahead of it.
    const timeout = checkTimeoutMs();
    expect(timeout).toBe(300_000);
    await coldHandler('check')({}, { awsRequestId: 'check-1', getRemainingTimeInMillis: () => timeout });
    const emails = await world.emails();
    const all = emails.join('\n');
    expect(all).toContain('main-due.com');
    expect(all).toContain('second-due.com');
    expect(all).not.toContain('close to the time limit');
    expect(emails).toHaveLength(1);
  });
});
