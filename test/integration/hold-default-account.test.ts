import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EXIT } from '../../lib/commands/io';
import { openLedgerFromEnv } from '../../lib/ledger/embedded';
import { type Sandbox, startSandbox } from '../../lib/sandbox';
import { INTL_KEY, twoAccountEnv } from '../helpers/accounts-env';
import { runCliInProcess } from '../helpers/cli-process';
import { PROCESS_TEST_TIMEOUT_MS } from '../helpers/timeouts';

jest.setTimeout(PROCESS_TEST_TIMEOUT_MS);

const NOW = Date.UTC(2026, 11, 3, 6, 0, 0);
const DAY_MS = 86_400_000;

/**
 * The README's upgrade path keeps the existing account unnamed (`"name": ""`) next to named ones. `hold --account
 * default` then picks one account whose name is '', and openAccountLedgers computes `labelled` from the picked
 * account alone (namesAccounts([{name: ''}]) was false): hold printed the single-account message, "the renew job
 * will not buy them", with no account named, while account intl, which lists the same x.com, still buys it. Now
 * `labelled` is of the deployment's accounts.
 */
describe('hold with several accounts (review 2026-12-06)', () => {
  let sandbox: Sandbox;
  let dir: string;
  let env: Record<string, string>;

  beforeAll(async () => {
    sandbox = await startSandbox({
      nowMs: NOW,
      freezeClock: true,
      taskMs: 60_000,
      fixture: {
        domains: [
          { domainName: 'x.com', expiresAtMs: NOW + 5 * DAY_MS },
          { domainName: 'selling-it.com', expiresAtMs: NOW + 5 * DAY_MS },
        ],
      },
      accounts: [
        {
          name: 'intl',
          ...INTL_KEY,
          currency: 'USD',
          fixture: { domains: [{ domainName: 'x.com', expiresAtMs: NOW + 5 * DAY_MS, price: 11 }] },
        },
      ],
    });
    dir = await mkdtemp(join(tmpdir(), 'review-hold-default-'));
    await writeFile(
      join(dir, 'policy.json'),
      JSON.stringify({ version: 1, window: { daysBeforeExpiry: 30 }, notify: { advanceDays: 0 } }),
    );
    await writeFile(
      join(dir, 'intl.json'),
      JSON.stringify({
        version: 1,
        window: { daysBeforeExpiry: 30 },
        notify: { advanceDays: 0 },
        money: { currency: 'USD', checkDomainPrice: 'use' },
      }),
    );
    env = {
      AUTORENEW_LEDGER_DIR: join(dir, 'ledger'),
      AUTORENEW_POLICY: join(dir, 'policy.json'),
      ...twoAccountEnv(sandbox, join(dir, 'intl.json')),
    };
    (await openLedgerFromEnv({ AUTORENEW_LEDGER_DIR: join(dir, 'ledger') })).close();
  });

  afterAll(async () => {
    await sandbox?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('names the account and says the other account still buys the domain', async () => {
    const hold = await runCliInProcess(['hold', 'x.com', '--account', 'default', '--no-run-check'], env);
    expect(hold.code).toBe(EXIT.ok);
    // intl lists x.com at the same kind of expiry and is not held: it still buys it.
    const intlPlan = await runCliInProcess(['plan', '--account', 'intl', '--json'], env);
    expect(JSON.parse(intlPlan.stdout).decisions.find((d: { domain: string }) => d.domain === 'x.com')).toMatchObject({
      action: 'renew',
    });
    const summary = hold.stdout.split('\n').find((l) => l.startsWith('hold:'));
    expect(summary).toMatch(
      /^hold: 1 domain\(s\) held in account default; account default's renew job will not buy them; another account of this deployment that lists them still does/,
    );
  });

  // Review 2026-12-06, round 8 (hold look-up). selling-it.com is in account default only. Held with the wrong
  // --account, the look-up refused (good), but the refusal told only to check the spelling or pass --not-listed ("a
  // domain on its way into account intl"), never that account default holds the name: followed, the hold was
  // confirmed in intl and default's renew job bought it.
  it('hold --account intl of a name account default holds: the refusal names account default', async () => {
    const refused = await runCliInProcess(['hold', 'selling-it.com', '--account', 'intl', '--no-run-check'], env);
    expect(refused.code).toBe(EXIT.invalidInput);
    expect(refused.stderr).toMatch(
      /account intl does not hold selling-it\.com \(DomainNotExist, request id [^;]+; account default of this deployment holds it \(--account default\)\)/,
    );
  });

  it('--not-listed in the wrong account: held, and told that account default still buys it', async () => {
    const held = await runCliInProcess(
      ['hold', 'selling-it.com', '--account', 'intl', '--not-listed', '--no-run-check'],
      env,
    );
    expect(held.code).toBe(EXIT.ok);
    expect(held.stderr).toMatch(
      /^selling-it\.com: account intl does not hold it at the registrar yet; held anyway \(--not-listed\).*; account default of this deployment holds it \(--account default\), and its renew job still buys it: hold it there too$/m,
    );
  });
});
