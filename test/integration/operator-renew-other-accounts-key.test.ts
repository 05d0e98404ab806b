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

// renew's keyspace gate (renew.ts refuseUnreadKeyspace) lets a hand run on a stage's table buy for an account
// "with a renew run recorded there". On the README's own layout for several accounts, the stage keeps its first
// account unnamed ([{"name": ""}, {"name": "shop"}]): the unnamed keyspace has a renew run every day, recorded by the
// stage for ITS key. An operator's shell with the shop account's key but without the stage's AUTORENEW_ACCOUNTS runs
// as the unnamed account: the gate passes (a run is recorded), and the hand run lists shop's domains with shop's key,
// blind to shop's keyspace (its claims, holds, open batches). Racing the scheduled run, it submitted the same
// renewal again (review 2026-12-07, twenty-sixth session). The stage's run records name the deployment's accounts
// (RunRecord.accounts): a buying shell that does not configure them all is refused.
jest.setTimeout(PROCESS_TEST_TIMEOUT_MS);

const ROOT = join(__dirname, '..', '..');
const TABLE = 'aliyun-domain-autorenew-prod-ledger';
const POLICY = join(__dirname, '..', 'fixtures', 'policies', 'buy-when-due.json');

let dynamo: Awaited<ReturnType<typeof startDynalite>>;
let sandbox: Sandbox;
let opened: Awaited<ReturnType<typeof openLedgerFromEnv>>;

const tableEnv = () => ({ AUTORENEW_TABLE: TABLE, AUTORENEW_DYNAMODB_ENDPOINT: dynamo.endpoint });

async function cli(...args: string[]) {
  const out: string[] = [];
  // The operator's shell: the stage's table and the shop account's key (the sandbox's), no AUTORENEW_ACCOUNTS.
  const env = {
    ...tableEnv(),
    AUTORENEW_ENDPOINT: sandbox.url,
    ALIBABA_CLOUD_ACCESS_KEY_ID: sandbox.accessKeyId,
    ALIBABA_CLOUD_ACCESS_KEY_SECRET: sandbox.accessKeySecret,
    AUTORENEW_POLICY: POLICY,
  };
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
  opened = await openLedgerFromEnv(tableEnv());
  // The stage serves two accounts: the unnamed one (its cn key, another Alibaba account) and "shop". Both have run.
  for (const account of ['', 'shop']) {
    await opened.forAccount(account).recordRun({
      job: 'renew',
      runId: `lambda-yesterday-${account || 'default'}`,
      startedAtMs: SANDBOX_NOW_MS - DAY_MS,
      finishedAtMs: SANDBOX_NOW_MS - DAY_MS + 60_000,
      ok: true,
      summary: { submitted: 0 },
      // As the stage's Lambda writes it (withDeploymentAccounts): the deployment's accounts.
      accounts: ['', 'shop'],
    });
  }
});
afterEach(async () => {
  await opened?.close();
  await sandbox?.close();
  await dynamo?.stop();
});

it("a hand renew with the shop account's key but not the stage's accounts does not submit shop's renewal twice", async () => {
  const real = createAlibabaRegistrar(sandboxClientOptions(sandbox));
  let hand: { code: number; text: string } | undefined;
  // The stage's shop run has claimed shop-brand.com and is about to send it: the operator's hand run happens now.
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
  expect(hand).toBeDefined();
  expect(hand?.code).not.toBe(0);
  expect(hand?.text).toMatch(/serve account\(s\) shop, which this shell does not configure.*nothing was bought/s);
  expect(duplicateSubmissions(sandbox)).toEqual([]);
  expect(sandbox.state().submissions).toHaveLength(1);
});
