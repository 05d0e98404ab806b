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

// The README's upgrade path to several accounts keeps the existing account as the unnamed one ("name": "") and adds
// named ones: the unnamed keyspace has renew runs too. From a shell without the stage's AUTORENEW_ACCOUNTS,
// `status <domain>` read only the unnamed keyspace, gave no warning (it has runs), and said "no renewal recorded" of
// a domain the stage's named account had just bought: a person told so renews by hand (review 2026-12-07,
// twenty-fifth session). The Lambda's run records now name the deployment's accounts, and the CLI says which it does
// not see.
jest.setTimeout(PROCESS_TEST_TIMEOUT_MS);

const ROOT = join(__dirname, '..', '..');
const TABLE = 'aliyun-domain-autorenew-prod-ledger';
const POLICY = join(__dirname, '..', 'fixtures', 'policies', 'buy-when-due.json');

let dynamo: Awaited<ReturnType<typeof startDynalite>>;
let sandbox: Sandbox;
let opened: Awaited<ReturnType<typeof openLedgerFromEnv>>;

const tableEnv = () => ({ AUTORENEW_TABLE: TABLE, AUTORENEW_DYNAMODB_ENDPOINT: dynamo.endpoint });
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
      domains: [{ domainName: 'shop-brand.com', expiresAtMs: SANDBOX_NOW_MS + 5 * DAY_MS }],
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

/** A renew run record as the stage's Lambda writes it: with the deployment's accounts. */
const recordRenewRun = (ledger: Ledger, runId: string) =>
  ledger.recordRun({
    job: 'renew',
    runId,
    startedAtMs: SANDBOX_NOW_MS,
    finishedAtMs: SANDBOX_NOW_MS + 60_000,
    ok: true,
    summary: { submitted: 1 },
    accounts: ['', 'shop'],
  });

it('status, holds, unhold and retry on a stage serving the unnamed account and a named one name the account this shell does not see', async () => {
  const shop = opened.forAccount('shop');
  await recordRenewRun(opened.ledger, 'lambda-today-default');
  await runRenew(stageDepsOn(sandbox, shop), {
    policy: testPolicy({ limits: { maxAttempts: 3, retryAfterHours: 24 } }),
    dryRun: false,
    runId: 'lambda-today-shop',
  });
  await recordRenewRun(shop, 'lambda-today-shop');
  expect(sandbox.state().submissions.map((s) => s.domainName)).toEqual(['shop-brand.com']);

  const unseen = /the stage's renew runs also serve account\(s\) shop, which this shell does not configure/;
  const status = await cli('status', 'shop-brand.com');
  expect(status.code).toBe(0);
  expect(status.text).toMatch(unseen);
  expect((await cli('holds')).text).toMatch(unseen);
  expect((await cli('unhold', 'shop-brand.com')).text).toMatch(unseen);
  expect((await cli('retry', 'shop-brand.com')).text).toMatch(unseen);
});

it('control: a record without the deployment accounts (a CLI run, an older version) adds no such warning', async () => {
  await opened.ledger.recordRun({
    job: 'renew',
    runId: 'cli',
    startedAtMs: SANDBOX_NOW_MS,
    finishedAtMs: SANDBOX_NOW_MS + 60_000,
    ok: true,
    summary: {},
  });
  expect((await cli('status', 'shop-brand.com')).text).not.toMatch(/also serve account/);
});
