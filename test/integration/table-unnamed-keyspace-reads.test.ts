import { join } from 'node:path';
import { runCli } from '../../lib/cli';
import type { CliIO } from '../../lib/commands/io';
import { openLedgerFromEnv } from '../../lib/ledger/embedded';
import type { Ledger } from '../../lib/ledger/port';
import { runRenew } from '../../lib/renewal/run-renew';
import { type Sandbox, startSandbox } from '../../lib/sandbox';
import { startDynalite } from '../helpers/ledger-dynalite';
import { DAY_MS, SANDBOX_NOW_MS } from '../helpers/sandbox-fixture';
import { stageDepsOn } from '../helpers/stage-deps';
import { PROCESS_TEST_TIMEOUT_MS } from '../helpers/timeouts';
import { testPolicy } from '../helpers/world';

// The read commands on the embedded ledger warn when no renew run is recorded in it (review 2026-12-06, round 7).
// On the stage's table they did not, although a shell without the stage's AUTORENEW_ACCOUNTS reads the unnamed
// keyspace, which no job of a named-account stage writes: `status <domain>` said "no renewal recorded" for a domain
// the stage's run had just bought (its task still queued, the listing at the old expiry), and `unhold` said "was not
// held" for a domain the stage's account holds (review 2026-12-07, twenty-fifth session).
jest.setTimeout(PROCESS_TEST_TIMEOUT_MS);

const ROOT = join(__dirname, '..', '..');
const TABLE = 'aliyun-domain-autorenew-prod-ledger';
const POLICY = join(__dirname, '..', 'fixtures', 'policies', 'buy-when-due.json');

let dynamo: Awaited<ReturnType<typeof startDynalite>>;
let sandbox: Sandbox;
let opened: Awaited<ReturnType<typeof openLedgerFromEnv>>;

const tableEnv = () => ({ AUTORENEW_TABLE: TABLE, AUTORENEW_DYNAMODB_ENDPOINT: dynamo.endpoint });
/** The operator's shell: the stage's table, not the stage's AUTORENEW_ACCOUNTS (as docs/deploy.md's hand runs). */
const shell = () => ({ ...tableEnv(), AUTORENEW_POLICY: POLICY });

async function cli(...args: string[]) {
  const out: string[] = [];
  const io: CliIO = { out: (l) => out.push(l), err: (l) => out.push(l), isTTY: false, env: shell(), cwd: ROOT };
  const code = await runCli(args, io);
  return { code, text: out.join('\n') };
}

beforeEach(async () => {
  dynamo = await startDynalite();
  sandbox = await startSandbox({
    fixture: {
      domains: [
        { domainName: 'shop-brand.com', expiresAtMs: SANDBOX_NOW_MS + 5 * DAY_MS },
        { domainName: 'shop-old.com', expiresAtMs: SANDBOX_NOW_MS + 200 * DAY_MS },
      ],
      balance: 100_000,
    },
    nowMs: SANDBOX_NOW_MS,
    freezeClock: true,
    taskMs: 3_600_000,
  });
  opened = await openLedgerFromEnv(tableEnv());
});
afterEach(async () => {
  await opened?.close();
  await sandbox?.close();
  await dynamo?.stop();
});

/** A renew run record; `accounts`: as the stage's Lambda writes it, with the deployment's accounts. */
const recordRenewRun = (ledger: Ledger, runId: string, accounts?: string[]) =>
  ledger.recordRun({
    job: 'renew',
    runId,
    startedAtMs: SANDBOX_NOW_MS,
    finishedAtMs: SANDBOX_NOW_MS + 60_000,
    ok: true,
    summary: { submitted: 1 },
    ...(accounts ? { accounts } : {}),
  });

it("status <domain> on the stage table, from a shell without the stage's accounts, warns that the keyspace is not the runs'", async () => {
  const shop = opened.forAccount('shop');
  // The stage's scheduled renew run (account shop) buys shop-brand.com; its task waits in Alibaba's queue.
  await runRenew(stageDepsOn(sandbox, shop), {
    policy: testPolicy({ limits: { maxAttempts: 3, retryAfterHours: 24 } }),
    dryRun: false,
    runId: 'lambda-today',
  });
  await recordRenewRun(shop, 'lambda-today');
  expect(sandbox.state().submissions.map((s) => s.domainName)).toEqual(['shop-brand.com']);

  const status = await cli('status', 'shop-brand.com');
  expect(status.code).toBe(0);
  expect(status.text).toMatch(/no renew run is recorded for this account in table aliyun-domain-autorenew-prod-ledger/);
  const retry = await cli('retry', 'shop-brand.com');
  expect(retry.text).toMatch(/no renew run is recorded for this account in table/);

  // Control: with a renew run recorded in the unnamed keyspace, no warning.
  await recordRenewRun(opened.ledger, 'unnamed');
  expect((await cli('status', 'shop-brand.com')).text).not.toMatch(/no renew run is recorded/);
});

it("unhold on the stage table, from a shell without the stage's accounts, does not say 'was not held' unwarned", async () => {
  const shop = opened.forAccount('shop');
  await recordRenewRun(shop, 'lambda-yesterday');
  await shop.putHolds([{ domain: 'shop-old.com', reason: 'selling it', createdAtMs: Date.now() }]);
  const unhold = await cli('unhold', 'shop-old.com');
  expect(unhold.text).not.toMatch(/shop-old\.com: was not held \(nothing to remove\)/);
  expect(unhold.text).toMatch(/no renew run is recorded for this account in table/);
  expect((await shop.listHolds()).map((h) => h.domain)).toEqual(['shop-old.com']);
});

// The README's upgrade path to several accounts keeps the existing account as the unnamed one ("name": "") and adds
// named ones: the unnamed keyspace has renew runs too, so the warning above was not given, and `status <domain>` said
// "no renewal recorded" of a domain the stage's named account had just bought (review 2026-12-07, twenty-fifth
// session). The Lambda's run records now name the deployment's accounts, and the CLI says which it does not see.
it('status, holds, unhold and retry on a stage serving the unnamed account and a named one name the account this shell does not see', async () => {
  const shop = opened.forAccount('shop');
  await recordRenewRun(opened.ledger, 'lambda-today-default', ['', 'shop']);
  await runRenew(stageDepsOn(sandbox, shop), {
    policy: testPolicy({ limits: { maxAttempts: 3, retryAfterHours: 24 } }),
    dryRun: false,
    runId: 'lambda-today-shop',
  });
  await recordRenewRun(shop, 'lambda-today-shop', ['', 'shop']);
  expect(sandbox.state().submissions.map((s) => s.domainName)).toEqual(['shop-brand.com']);

  const unseen = /the stage's renew runs also serve account\(s\) shop, which this shell does not configure/;
  const status = await cli('status', 'shop-brand.com');
  expect(status.code).toBe(0);
  expect(status.text).toMatch(unseen);
  expect((await cli('holds')).text).toMatch(unseen);
  expect((await cli('unhold', 'shop-brand.com')).text).toMatch(unseen);
  expect((await cli('retry', 'shop-brand.com')).text).toMatch(unseen);
  // hold writes to the unnamed keyspace: it says so, and that a domain of shop is not stopped by it (the names are not
  // checked at the registrar: this shell has no Alibaba credentials).
  const hold = await cli('hold', 'shop-brand.com');
  expect(hold.code).toBe(0);
  expect(hold.text).toMatch(unseen);
  expect(hold.text).toMatch(/a hold here does not stop their renewals/);
  // A record without the deployment's accounts (a CLI run, an older version) adds no such warning.
  await recordRenewRun(opened.ledger, 'cli');
  await recordRenewRun(shop, 'cli');
  expect((await cli('status', 'shop-brand.com')).text).not.toMatch(/also serve account/);
});
