import type { Sandbox } from '../../lib/sandbox';
import { coldHandler } from '../helpers/lambda';
import { START_HOOK_TIMEOUT_MS } from '../helpers/timeouts';
import { startTwoAccounts, TWO_ACCOUNTS_NOW, type TwoAccounts } from '../helpers/two-accounts';

const NOW = TWO_ACCOUNTS_NOW;
const DAY_MS = 86_400_000;
const DUE = NOW + 5 * DAY_MS;

/**
 * Two accounts of one deployment that list the same domain at the same expiry: two RAM users (or STS sessions) of
 * one Alibaba account configured as two entries, which no API lets us detect (docs/design.md, Accounts), or a
 * domain just pushed from one to the other while both listings show it. M1 is per domain and expiry, whatever
 * the account. The planner reads the other keyspaces' claims (JobDeps.peerClaims), but the accounts of one run
 * plan at the same time: each read the other's keyspace before the other had claimed, and both bought.
 * (The sandbox serves the two entries as two accounts holding the same name and expiry: each would accept it.)
 */
describe('two accounts of one run listing the same domain and expiry', () => {
  let world: TwoAccounts;
  let sandbox: Sandbox;

  beforeAll(async () => {
    world = await startTwoAccounts({
      main: [
        { domainName: 'shared.com', expiresAtMs: DUE },
        { domainName: 'only-main.com', expiresAtMs: DUE },
      ],
      second: [
        { domainName: 'shared.com', expiresAtMs: DUE },
        { domainName: 'only-second.com', expiresAtMs: DUE },
      ],
    });
    sandbox = world.sandbox;
  }, START_HOOK_TIMEOUT_MS);

  afterAll(async () => {
    await world?.stop();
  });

  it('one renewal of the shared domain in the run, and each account still buys its own', async () => {
    await coldHandler('renew')({}, { awsRequestId: 'same-1', getRemainingTimeInMillis: () => 600_000 });
    const bought = (name?: string) =>
      sandbox
        .state(name)
        .submissions.map((s) => s.domainName)
        .sort();
    const all = [...bought(), ...bought('second')];
    expect(all.filter((d) => d === 'shared.com')).toHaveLength(1);
    expect(bought()).toContain('only-main.com');
    expect(bought('second')).toContain('only-second.com');
    // The digest names who bought it, and the other account does not report it as bought or failed.
    const email = (await world.emails()).join('\n');
    expect(email.match(/- shared\.com: /g)).toHaveLength(1);
  });

  it('the next run: the account that left it to the other does not buy it on its own released claim', async () => {
    // The account that lost the key released its claim (FAILED not-submitted): claimable again by its own ledger, and
    // its planner let that own finished claim decide before the other account's live one.
    await coldHandler('renew')({}, { awsRequestId: 'same-2', getRemainingTimeInMillis: () => 600_000 });
    const shared = [...sandbox.state().submissions, ...sandbox.state('second').submissions].filter(
      (s) => s.domainName === 'shared.com',
    );
    expect(shared).toHaveLength(1);
  });
});
