import { join } from 'node:path';
import { runCli } from '../../lib/cli';
import { type CliIO, EXIT } from '../../lib/commands/io';
import { executeRenew } from '../../lib/jobs';
import { openLedgerFromEnv } from '../../lib/ledger/embedded';
import { given } from '../helpers/builder';
import { startDynalite } from '../helpers/ledger-dynalite';
import { PROCESS_TEST_TIMEOUT_MS } from '../helpers/timeouts';

// Review 2026-12-06 (round 6, helper rvw) (76a28e3). A dry run records no run any more, the deployed stage's too: its renew function, deployed
// with dryRun=true as the README says to start ("read the first plan digest ... then deploy with dryRun=false"),
// records nothing however often it runs. `hold` on the stage's table asks for a recorded renew run of the account
// (the keyspace check of review 2026-12-05, round 4, H). During the whole dry-run phase, the very time a person reads
// the plan digest and holds what must not be bought before going live, the correctly configured hold
// (AUTORENEW_ACCOUNTS as deployed, --account cn) is refused exactly like the one from a shell in the wrong keyspace,
// and both are told to pass --no-run-check "before the stage's first renew run", which also accepts the wrong
// keyspace: the gate no longer tells them apart, and the wrong-keyspace hold is confirmed and then bought.
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
const env = () => ({ AUTORENEW_TABLE: 'prod-ledger', AUTORENEW_DYNAMODB_ENDPOINT: dynamo.endpoint });
const accounts = JSON.stringify([
  { name: 'cn', secretId: 'a/cn' },
  { name: 'intl-shop', site: 'intl', secretId: 'a/intl' },
]);

beforeAll(async () => {
  dynamo = await startDynalite();
});
afterAll(() => dynamo?.stop());

it('a dry-run stage whose renew function ran: hold with the stage accounts and --account is accepted', async () => {
  const t = await given({ domains: ['example.com+10d'] });
  const opened = await openLedgerFromEnv(env());
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
  const held = await cli({ ...env(), AUTORENEW_ACCOUNTS: accounts }, 'hold', 'example.com', '--account', 'cn');
  // ... and from a shell without the stage's accounts (the wrong keyspace): refused, as it should be.
  const wrong = await cli(env(), 'hold', 'example.com');
  expect(wrong.code).toBe(EXIT.invalidInput);
  // Both refusals are the same, so the gate tells nothing apart during the dry-run phase:
  expect({ code: held.code, stderr: held.stderr }).toEqual({ code: EXIT.ok, stderr: '' });
});
