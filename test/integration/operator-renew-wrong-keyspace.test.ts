import { randomUUID } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAlibabaRegistrar } from '../../lib/alibaba';
import { runCli } from '../../lib/cli';
import type { CliIO } from '../../lib/commands/io';
import { openLedgerFromEnv } from '../../lib/ledger/embedded';
import type { Registrar } from '../../lib/registrar/port';
import { runRenew } from '../../lib/renewal/run-renew';
import { type Sandbox, startSandbox } from '../../lib/sandbox';
import { startDynalite } from '../helpers/ledger-dynalite';
import { DAY_MS, SANDBOX_NOW_MS } from '../helpers/sandbox-fixture';
import { sandboxClientOptions, stageDepsOn } from '../helpers/stage-deps';
import { PROCESS_TEST_TIMEOUT_MS } from '../helpers/timeouts';
import { duplicateSubmissions, testPolicy } from '../helpers/world';

// Review 2026-12-07 (operator commands racing the scheduled jobs). docs/deploy.md shows the hand run of a reviewed
// plan on the stage's table (`AUTORENEW_TABLE=... autorenew plan --out`, then `renew --plan`). On a stage that serves
// named accounts only (AUTORENEW_ACCOUNTS, `"name": "shop"`), a shell without AUTORENEW_ACCOUNTS runs as the unnamed
// account: its claims, holds, budgets and open batches are another keyspace than the stage's. `hold` refused exactly
// this shell (round 4, H); `renew` did not, and bought blind to the stage's ledger:
//  - racing the scheduled run (claimed, about to send): the same (domain, expiry) was submitted twice (M1);
//  - after a person held the domain in the stage's account: the veto was ignored.
jest.setTimeout(PROCESS_TEST_TIMEOUT_MS);

const ROOT = join(__dirname, '..', '..');
const TABLE = 'aliyun-domain-autorenew-prod-ledger';
const POLICY = join(__dirname, '..', 'fixtures', 'policies', 'buy-when-due.json');

let dynamo: Awaited<ReturnType<typeof startDynalite>>;
let sandbox: Sandbox;
let opened: Awaited<ReturnType<typeof openLedgerFromEnv>>;

const tableEnv = () => ({ AUTORENEW_TABLE: TABLE, AUTORENEW_DYNAMODB_ENDPOINT: dynamo.endpoint });
/** The operator's shell: the stage's table and the account's key, not the stage's AUTORENEW_ACCOUNTS. */
const shell = () => ({
  ...tableEnv(),
  AUTORENEW_ENDPOINT: sandbox.url,
  ALIBABA_CLOUD_ACCESS_KEY_ID: sandbox.accessKeyId,
  ALIBABA_CLOUD_ACCESS_KEY_SECRET: sandbox.accessKeySecret,
  AUTORENEW_POLICY: POLICY,
});

/** The stage's own environment for its accounts (what the hand run should have had). */
const stageShell = () => ({
  ...tableEnv(),
  AUTORENEW_ACCOUNTS: JSON.stringify([
    { name: 'shop', endpoint: sandbox.url, accessKeyIdEnv: 'SHOP_KEY_ID', accessKeySecretEnv: 'SHOP_KEY_SECRET' },
  ]),
  SHOP_KEY_ID: sandbox.accessKeyId,
  SHOP_KEY_SECRET: sandbox.accessKeySecret,
  AUTORENEW_POLICY: POLICY,
});

async function cli(...args: string[]) {
  return cliIn(shell(), ...args);
}

async function cliIn(env: Record<string, string>, ...args: string[]) {
  const out: string[] = [];
  const io: CliIO = { out: (l) => out.push(l), err: (l) => out.push(l), isTTY: false, env, cwd: ROOT };
  const code = await runCli(args, io);
  return { code, text: out.join('\n') };
}

function sandboxRegistrar(): Registrar {
  return createAlibabaRegistrar(sandboxClientOptions(sandbox));
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
  });
  opened = await openLedgerFromEnv(tableEnv());
  // The stage has been running: its renew function's runs are recorded under its named account.
  await opened.forAccount('shop').recordRun({
    job: 'renew',
    runId: 'lambda-yesterday',
    startedAtMs: SANDBOX_NOW_MS - DAY_MS,
    finishedAtMs: SANDBOX_NOW_MS - DAY_MS + 60_000,
    ok: true,
    summary: { submitted: 0 },
  });
});
afterEach(async () => {
  await opened?.close();
  await sandbox?.close();
  await dynamo?.stop();
});

it('a hand renew on the stage table racing the scheduled run does not submit the same renewal twice', async () => {
  const real = sandboxRegistrar();
  let hand: { code: number; text: string } | undefined;
  // The scheduled run has claimed shop-brand.com and is about to send it: the operator's hand run happens now.
  const registrar: Registrar = {
    ...real,
    submitRenewBatch: async (request) => {
      hand ??= await cli('renew', '--yes');
      return real.submitRenewBatch(request);
    },
  };
  await runRenew(stageDepsOn(sandbox, opened.forAccount('shop'), registrar), {
    policy: testPolicy({ limits: { maxAttempts: 3, retryAfterHours: 24 } }),
    dryRun: false,
    runId: 'lambda-today',
  });
  expect(hand?.code).toBe(1);
  expect(hand?.text).toMatch(
    /no renew run is recorded for account default in aliyun-domain-autorenew-prod-ledger: .*set AUTORENEW_ACCOUNTS as deployed and pass --account NAME.*--no-run-check; nothing was bought/,
  );
  expect(duplicateSubmissions(sandbox)).toEqual([]);
  expect(sandbox.state().submissions).toHaveLength(1);
});

it("a hand renew on the stage table does not buy a domain a person held in the stage's account", async () => {
  await opened
    .forAccount('shop')
    .putHolds([{ domain: 'shop-brand.com', reason: 'selling it', createdAtMs: Date.now() }]);
  expect((await cli('renew', '--yes')).code).toBe(1);
  expect(sandbox.state().submissions.map((s) => s.domainName)).toEqual([]);
});

it("the deploy guide's hand run (plan --out, renew --plan) on the stage table honours the stage account's hold", async () => {
  await opened
    .forAccount('shop')
    .putHolds([{ domain: 'shop-brand.com', reason: 'selling it', createdAtMs: Date.now() }]);
  const planFile = join(tmpdir(), `plan-${randomUUID()}.json`);
  try {
    await cli('plan', '--out', planFile);
    expect((await cli('renew', '--plan', planFile, '--yes')).code).toBe(1);
  } finally {
    await rm(planFile, { force: true });
  }
  expect(sandbox.state().submissions.map((s) => s.domainName)).toEqual([]);
});

it("control: the same hand run with the stage's AUTORENEW_ACCOUNTS honours the hold", async () => {
  await opened
    .forAccount('shop')
    .putHolds([{ domain: 'shop-brand.com', reason: 'selling it', createdAtMs: Date.now() }]);
  const run = await cliIn(stageShell(), 'renew', '--yes');
  expect(run.code).toBe(0);
  expect(sandbox.state().submissions.map((s) => s.domainName)).toEqual([]);
});

it('--no-run-check buys on a table where no renew run is recorded yet (before the first one)', async () => {
  const run = await cli('renew', '--yes', '--no-run-check');
  expect(run.code).toBe(0);
  expect(sandbox.state().submissions.map((s) => s.domainName)).toEqual(['shop-brand.com']);
});
