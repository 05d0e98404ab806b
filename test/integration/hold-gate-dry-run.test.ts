import { join } from 'node:path';
import { runCli } from '../../lib/cli';
import { type CliIO, EXIT } from '../../lib/commands/io';
import { openLedgerFromEnv } from '../../lib/ledger/embedded';
import { type Sandbox, startSandbox } from '../../lib/sandbox';
import { startDynalite } from '../helpers/ledger-dynalite';
import { createTestFixture, SANDBOX_NOW_MS } from '../helpers/sandbox-fixture';
import { PROCESS_TEST_TIMEOUT_MS } from '../helpers/timeouts';

// Review rvl: `hold` on the deployed table is refused while no renew run is recorded for its account there
// (review 2026-12-05, round 4, helper H: a shell without the stage's AUTORENEW_ACCOUNTS holds in the unnamed
// keyspace, which no job of a several-account stage reads). But ANY renew run recorded there opens that gate, and
// the operator's own `renew --dry-run` from that same shell records one (report-run.ts records every run, dry or not).
// So: dry run from the wrong shell (the README's "start with a plan" habit), then `hold example.com` -> "the renew job
// will not buy them", exit 0, while the stage's named-account job never reads that hold and buys the domain.
jest.setTimeout(PROCESS_TEST_TIMEOUT_MS);

const ROOT = join(__dirname, '..', '..');
const TABLE = 'aliyun-domain-autorenew-prod-ledger';

async function cli(env: Record<string, string>, ...args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIO = { out: (l) => out.push(l), err: (l) => err.push(l), isTTY: false, env, cwd: ROOT };
  const code = await runCli(args, io);
  return { code, stdout: out.join('\n'), stderr: err.join('\n') };
}

let dynamo: Awaited<ReturnType<typeof startDynalite>>;
let sandbox: Sandbox;
const tableEnv = () => ({ AUTORENEW_TABLE: TABLE, AUTORENEW_DYNAMODB_ENDPOINT: dynamo.endpoint });

beforeAll(async () => {
  dynamo = await startDynalite();
  sandbox = await startSandbox({ fixture: { ...createTestFixture(), balance: 100_000 }, nowMs: SANDBOX_NOW_MS });
  const opened = await openLedgerFromEnv(tableEnv());
  const now = Date.now();
  try {
    // The deployed stage serves named accounts only: its renew runs are recorded under them.
    for (const account of ['cn', 'intl-shop']) {
      await opened.forAccount(account).recordRun({
        job: 'renew',
        runId: `lambda-${account}`,
        startedAtMs: now - 3_600_000,
        finishedAtMs: now - 3_500_000,
        ok: true,
        summary: { submitted: 3 },
      });
    }
  } finally {
    await opened.close();
  }
});
afterAll(async () => {
  await sandbox?.close();
  await dynamo?.stop();
});

async function holdsOf(account: string) {
  const opened = await openLedgerFromEnv(tableEnv());
  try {
    return (await opened.forAccount(account).listHolds()).map((h) => h.domain);
  } finally {
    await opened.close();
  }
}

it('a dry run from a shell without the stage accounts does not make a later hold there look safe', async () => {
  // The shell has the table and a key, not AUTORENEW_ACCOUNTS (the deploy guide's hand-run example has none).
  const shell = {
    ...tableEnv(),
    AUTORENEW_ENDPOINT: sandbox.url,
    ALIBABA_CLOUD_ACCESS_KEY_ID: sandbox.accessKeyId,
    ALIBABA_CLOUD_ACCESS_KEY_SECRET: sandbox.accessKeySecret,
  };
  // Before: refused, as designed.
  const first = await cli(shell, 'hold', 'example.com', '--reason', 'selling it');
  expect(first.code).toBe(EXIT.invalidInput);

  // The operator looks at what would be bought: a dry run, which buys nothing...
  const dry = await cli(shell, 'renew', '--dry-run');
  expect(dry.code).toBe(EXIT.ok);

  // ...and the same hold is now accepted into the unnamed keyspace, which no job of the stage reads.
  const held = await cli(shell, 'hold', 'example.com', '--reason', 'selling it');
  expect({ code: held.code, unnamedHolds: await holdsOf('') }).toEqual({
    code: EXIT.invalidInput,
    unnamedHolds: [],
  });
});
