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

// A hand `renew` on a stage's table and the stage's accounts (renew.ts refuseUnreadKeyspace): the stage's run records
// name the deployment's accounts (RunRecord.accounts, written by the Lambda), and a buying shell that does not
// configure them all is refused (review 2026-12-07, twenty-sixth session).
jest.setTimeout(PROCESS_TEST_TIMEOUT_MS);

const ROOT = join(__dirname, '..', '..');
const TABLE = 'aliyun-domain-autorenew-prod-ledger';
const POLICY = join(__dirname, '..', 'fixtures', 'policies', 'buy-when-due.json');

let dynamo: Awaited<ReturnType<typeof startDynalite>>;
/** The shop account's Alibaba account (the sandbox's key), with shop-brand.com due. */
let sandbox: Sandbox;
let opened: Awaited<ReturnType<typeof openLedgerFromEnv>>;

const tableEnv = () => ({ AUTORENEW_TABLE: TABLE, AUTORENEW_DYNAMODB_ENDPOINT: dynamo.endpoint });

async function cliIn(env: Record<string, string>, ...args: string[]) {
  const out: string[] = [];
  const io: CliIO = { out: (l) => out.push(l), err: (l) => out.push(l), isTTY: false, env, cwd: ROOT };
  const code = await runCli(args, io);
  return { code, text: out.join('\n') };
}

/** Yesterday's renew run of each account, as the stage's Lambda records it (withDeploymentAccounts). */
async function recordStageRuns(accounts: readonly string[]): Promise<void> {
  for (const account of accounts) {
    await opened.forAccount(account).recordRun({
      job: 'renew',
      runId: `lambda-yesterday-${account || 'default'}`,
      startedAtMs: SANDBOX_NOW_MS - DAY_MS,
      finishedAtMs: SANDBOX_NOW_MS - DAY_MS + 60_000,
      ok: true,
      summary: { submitted: 0 },
      accounts: [...accounts],
    });
  }
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
});
afterEach(async () => {
  await opened?.close();
  await sandbox?.close();
  await dynamo?.stop();
});

// On the README's own layout for several accounts, the stage keeps its first account unnamed ([{"name": ""},
// {"name": "shop"}]): the unnamed keyspace has a renew run every day, recorded by the stage for ITS key. An operator's
// shell with the shop account's key but without the stage's AUTORENEW_ACCOUNTS runs as the unnamed account: the gate
// passed (a run is recorded), and the hand run listed shop's domains with shop's key, blind to shop's keyspace (its
// claims, holds, open batches). Racing the scheduled run, it submitted the same renewal again.
describe('a stage serving its unnamed account and "shop"', () => {
  beforeEach(() => recordStageRuns(['', 'shop']));

  it("a hand renew with the shop account's key but not the stage's accounts does not submit shop's renewal twice", async () => {
    // The operator's shell: the stage's table and the shop account's key (the sandbox's), no AUTORENEW_ACCOUNTS.
    const shell = {
      ...tableEnv(),
      AUTORENEW_ENDPOINT: sandbox.url,
      ALIBABA_CLOUD_ACCESS_KEY_ID: sandbox.accessKeyId,
      ALIBABA_CLOUD_ACCESS_KEY_SECRET: sandbox.accessKeySecret,
      AUTORENEW_POLICY: POLICY,
    };
    const real = createAlibabaRegistrar(sandboxClientOptions(sandbox));
    let hand: { code: number; text: string } | undefined;
    // The stage's shop run has claimed shop-brand.com and is about to send it: the operator's hand run happens now.
    const registrar: Registrar = {
      ...real,
      submitRenewBatch: async (request) => {
        hand ??= await cliIn(shell, 'renew', '--yes');
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
});

// The refusal compared the stage's accounts with rt.config.accounts, which openLocalAccounts had already cut to the
// one account `--account NAME` picks (local.ts pickAccounts). So the very shell the refusal (and docs/deploy.md) asks
// for, "set AUTORENEW_ACCOUNTS as deployed and pass --account NAME", was refused on every stage serving two or more
// accounts (review of that day's fix): the whole configuration's names count.
describe('a stage serving "shop" and "corp"', () => {
  /** corp's own Alibaba account (another key), with nothing due. */
  let corp: Sandbox;
  beforeEach(async () => {
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
    await recordStageRuns(['shop', 'corp']);
  });
  afterEach(async () => {
    await corp?.close();
  });

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
});
