import { join } from 'node:path';
import { runCli } from '../../lib/cli';
import { type CliIO, EXIT } from '../../lib/commands/io';
import { executeRenew } from '../../lib/jobs';
import { openLedgerFromEnv } from '../../lib/ledger/embedded';
import { type Sandbox, startSandbox } from '../../lib/sandbox';
import { given } from '../helpers/builder';
import { startDynalite } from '../helpers/ledger-dynalite';
import { PROCESS_TEST_TIMEOUT_MS } from '../helpers/timeouts';

// Review 2026-12-05, round 4, helper H: a stage deployed with AUTORENEW_ACCOUNTS (named accounts "cn" and
// "intl-shop") keeps its items under each account's keys. An operator runs the README's example
// `AUTORENEW_TABLE=<table> npx autorenew hold example.com` from a shell without AUTORENEW_ACCOUNTS: the CLI sees one
// unnamed account, the hold landed in a keyspace no job of the stage reads, and the command said "the renew job will
// not buy them". On the deployed table a hold now needs a renew run recorded for its account there.
jest.setTimeout(PROCESS_TEST_TIMEOUT_MS);

const ROOT = join(__dirname, '..', '..');

async function cli(env: Record<string, string>, ...args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIO = { out: (l) => out.push(l), err: (l) => err.push(l), isTTY: false, env, cwd: ROOT };
  const code = await runCli(args, io);
  return { code, stdout: out.join('\n'), stderr: err.join('\n') };
}

let dynamo: Awaited<ReturnType<typeof startDynalite>>;
const env = (table = 'prod-ledger') => ({ AUTORENEW_TABLE: table, AUTORENEW_DYNAMODB_ENDPOINT: dynamo.endpoint });
let sandbox: Sandbox;
/**
 * The stage's AUTORENEW_ACCOUNTS in an operator's shell. The deployed entries name secrets; here each has key
 * variables and the loopback sandbox as its registrar, so `hold`'s look-up of example.com asks the sandbox, never
 * Secrets Manager or Alibaba (review 2026-12-06, round 8).
 */
const stageShell = () => {
  return {
    AUTORENEW_ACCOUNTS: JSON.stringify([
      { name: 'cn', endpoint: sandbox.url, accessKeyIdEnv: 'CN_ID', accessKeySecretEnv: 'CN_SECRET' },
      {
        name: 'intl-shop',
        site: 'intl',
        endpoint: sandbox.url,
        accessKeyIdEnv: 'SHOP_ID',
        accessKeySecretEnv: 'SHOP_SECRET',
      },
    ]),
    CN_ID: sandbox.accessKeyId,
    CN_SECRET: sandbox.accessKeySecret,
    SHOP_ID: 'shop-key-id',
    SHOP_SECRET: 'shop-key-secret',
  };
};

beforeAll(async () => {
  sandbox = await startSandbox({
    fixture: { domains: [{ domainName: 'example.com', expiresAtMs: Date.now() + 10 * 86_400_000 }] },
  });
  dynamo = await startDynalite();
  const opened = await openLedgerFromEnv(env());
  const now = Date.now();
  try {
    // What the deployed stage has written: its renew runs, under the named accounts only.
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
  await dynamo?.stop();
  await sandbox?.close();
});

async function holdsOf(account: string) {
  const opened = await openLedgerFromEnv(env());
  try {
    return (await opened.forAccount(account).listHolds()).map((h) => h.domain);
  } finally {
    await opened.close();
  }
}

describe('hold on the deployed table', () => {
  it('from a shell that does not know the stage accounts: refused, saying what to set, nothing written', async () => {
    const held = await cli(env(), 'hold', 'example.com', '--reason', 'selling it');
    expect(held.code).toBe(EXIT.invalidInput);
    expect(held.stderr).toContain('no renew run is recorded for account default in prod-ledger');
    expect(held.stderr).toContain('set AUTORENEW_ACCOUNTS as deployed and pass --account NAME');
    expect(await holdsOf('')).toEqual([]);
  });

  it('with the stage accounts and --account: written where the renew job of that account reads it', async () => {
    const held = await cli({ ...env(), ...stageShell() }, 'hold', 'example.com', '--account', 'cn');
    expect(held.code).toBe(EXIT.ok);
    expect(await holdsOf('cn')).toEqual(['example.com']);
  });

  it('--no-run-check: written all the same (before the stage first run)', async () => {
    const held = await cli(env(), 'hold', 'early.com', '--no-run-check');
    expect(held.code).toBe(EXIT.ok);
    expect(await holdsOf('')).toEqual(['early.com']);
  });
});

/**
 * Review 2026-12-06 (round 6, helper rvw): a stage deployed with dryRun=true, as the README says to start, must still
 * record its renew runs. When no dry run recorded one, the correctly configured hold (AUTORENEW_ACCOUNTS as
 * deployed, --account cn) was refused exactly like one from the wrong keyspace, and both were told to pass
 * --no-run-check, which also accepts the wrong keyspace: confirmed, then bought.
 */
describe('hold on a dry-run stage (its own table)', () => {
  it('whose renew function ran: hold with the stage accounts and --account is accepted', async () => {
    const dry = env('dry-ledger');
    const t = await given({ domains: ['example.com+10d'] });
    const opened = await openLedgerFromEnv(dry);
    try {
      // The dry-run stage's renew function, as scheduled, for each of its accounts (dryRun=true).
      for (const account of ['cn', 'intl-shop']) {
        await executeRenew(t.deps({ ledger: opened.forAccount(account) }), {
          policy: t.policy,
          dryRun: true,
          runId: `lambda-${account}`,
        });
      }
    } finally {
      await opened.close();
    }
    // The plan digest names example.com; the operator, configured as deployed, holds it before going live.
    const held = await cli({ ...dry, ...stageShell() }, 'hold', 'example.com', '--account', 'cn');
    // ... and from a shell without the stage's accounts (the wrong keyspace): refused, as it should be.
    const wrong = await cli(dry, 'hold', 'example.com');
    expect(wrong.code).toBe(EXIT.invalidInput);
    expect({ code: held.code, stderr: held.stderr }).toEqual({ code: EXIT.ok, stderr: '' });
  });
});
