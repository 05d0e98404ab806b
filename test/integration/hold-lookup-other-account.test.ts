import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EXIT } from '../../lib/commands/io';
import { openLedgerFromEnv } from '../../lib/ledger/embedded';
import { type Sandbox, startSandbox } from '../../lib/sandbox';
import { INTL_KEY, twoAccountEnv } from '../helpers/accounts-env';
import { runCliInProcess } from '../helpers/cli-process';
import { PROCESS_TEST_TIMEOUT_MS } from '../helpers/timeouts';

// Review 2026-12-06, round 8 (hold look-up). Two accounts (default: China site; intl). selling-it.com is in account default only.
// A person holds it with the wrong --account: the look-up refused (good), but the refusal told them only to check the
// spelling or pass --not-listed ("a domain on its way into account intl"); it never said that account default of this
// same deployment holds the name. Following the advice confirmed a hold in intl, and default's renew job bought it.
// The refusal now names the account holding it, and --not-listed says that account still buys it.
jest.setTimeout(PROCESS_TEST_TIMEOUT_MS);

const NOW = Date.UTC(2026, 11, 3, 6, 0, 0);
const DAY_MS = 86_400_000;
let sandbox: Sandbox;
let dir: string;
let env: Record<string, string>;

beforeAll(async () => {
  sandbox = await startSandbox({
    nowMs: NOW,
    freezeClock: true,
    taskMs: 60_000,
    fixture: { domains: [{ domainName: 'selling-it.com', expiresAtMs: NOW + 5 * DAY_MS }], balance: 1000 },
    accounts: [
      {
        name: 'intl',
        ...INTL_KEY,
        currency: 'USD',
        balance: 1000,
        fixture: { domains: [{ domainName: 'other.com', expiresAtMs: NOW + 300 * DAY_MS, price: 11 }] },
      },
    ],
  });
  dir = await mkdtemp(join(tmpdir(), 'rvh-other-account-'));
  const policy = { version: 1, window: { daysBeforeExpiry: 30 }, notify: { advanceDays: 0 } };
  await writeFile(join(dir, 'policy.json'), JSON.stringify(policy));
  await writeFile(
    join(dir, 'intl.json'),
    JSON.stringify({ ...policy, money: { currency: 'USD', checkDomainPrice: 'use' } }),
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
