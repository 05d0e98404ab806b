import { join } from 'node:path';
import { runCli } from '../../lib/cli';
import type { CliIO } from '../../lib/commands/io';
import { openLedgerFromEnv } from '../../lib/ledger/embedded';
import { type Sandbox, startSandbox } from '../../lib/sandbox';
import { startDynalite } from '../helpers/ledger-dynalite';
import { DAY_MS, SANDBOX_NOW_MS } from '../helpers/sandbox-fixture';
import { PROCESS_TEST_TIMEOUT_MS } from '../helpers/timeouts';

// renew.ts refuseUnreadKeyspace (a03ae62) refuses a buying shell that does not configure every account the stage's
// run records name. It compares them with rt.config.accounts, which openLocalAccounts has already cut to the one
// account `--account NAME` picks (local.ts pickAccounts). So the very shell the refusal (and docs/deploy.md) asks
// for, "set AUTORENEW_ACCOUNTS as deployed and pass --account NAME", was refused on every stage serving two or more
// accounts (review 2026-12-07, twenty-sixth session, of that day's fix): the whole configuration's names count.
jest.setTimeout(PROCESS_TEST_TIMEOUT_MS);

const ROOT = join(__dirname, '..', '..');
const TABLE = 'aliyun-domain-autorenew-prod-ledger';
const POLICY = join(__dirname, '..', 'fixtures', 'policies', 'buy-when-due.json');

let dynamo: Awaited<ReturnType<typeof startDynalite>>;
let sandbox: Sandbox;
/** corp's own Alibaba account (another key), with nothing due. */
let corp: Sandbox;
let opened: Awaited<ReturnType<typeof openLedgerFromEnv>>;

const tableEnv = () => ({ AUTORENEW_TABLE: TABLE, AUTORENEW_DYNAMODB_ENDPOINT: dynamo.endpoint });
/** The stage's own AUTORENEW_ACCOUNTS, as deployed (two named accounts). */
const stageShell = () => ({
  ...tableEnv(),
  AUTORENEW_ACCOUNTS: JSON.stringify(
    ['shop', 'corp'].map((name) => ({
      name,
      endpoint: name === 'shop' ? sandbox.url : corp.url,
      accessKeyIdEnv: `KEY_ID_${name.toUpperCase()}`,
      accessKeySecretEnv: `KEY_SECRET_${name.toUpperCase()}`,
    })),
  ),
  KEY_ID_SHOP: sandbox.accessKeyId,
  KEY_SECRET_SHOP: sandbox.accessKeySecret,
  KEY_ID_CORP: corp.accessKeyId,
  KEY_SECRET_CORP: corp.accessKeySecret,
  AUTORENEW_POLICY: POLICY,
});

async function cliIn(env: Record<string, string>, ...args: string[]) {
  const out: string[] = [];
  const io: CliIO = { out: (l) => out.push(l), err: (l) => out.push(l), isTTY: false, env, cwd: ROOT };
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
  });
  corp = await startSandbox({
    fixture: {
      domains: [{ domainName: 'corp-brand.com', expiresAtMs: SANDBOX_NOW_MS + 300 * DAY_MS }],
      balance: 100_000,
    },
    nowMs: SANDBOX_NOW_MS,
    freezeClock: true,
    accessKeyId: 'corp-access-key-id',
    accessKeySecret: 'corp-access-key-secret',
  });
  opened = await openLedgerFromEnv(tableEnv());
  for (const account of ['shop', 'corp']) {
    await opened.forAccount(account).recordRun({
      job: 'renew',
      runId: `lambda-yesterday-${account}`,
      startedAtMs: SANDBOX_NOW_MS - DAY_MS,
      finishedAtMs: SANDBOX_NOW_MS - DAY_MS + 60_000,
      ok: true,
      summary: { submitted: 0 },
      // As the stage's Lambda writes it (lambda.ts withDeploymentAccounts).
      accounts: ['shop', 'corp'],
    });
  }
});
afterEach(async () => {
  await opened?.close();
  await sandbox?.close();
  await corp?.close();
  await dynamo?.stop();
});

it('control: the stage shell without --account buys (every account configured)', async () => {
  const run = await cliIn(stageShell(), 'renew', '--yes');
  expect(run.text).not.toMatch(/which this shell does not configure/);
  expect(run.code).toBe(0);
  expect(sandbox.state().submissions.map((s) => s.domainName)).toEqual(['shop-brand.com']);
});

it("renew --account shop with the stage's AUTORENEW_ACCOUNTS, as the refusal asks, is not refused", async () => {
  const run = await cliIn(stageShell(), 'renew', '--yes', '--account', 'shop');
  expect(run.text).not.toMatch(/which this shell does not configure/);
  expect(run.code).toBe(0);
  expect(sandbox.state().submissions.map((s) => s.domainName)).toEqual(['shop-brand.com']);
});
