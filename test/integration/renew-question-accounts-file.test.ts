import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { runCli } from '../../lib/cli';
import type { CliIO } from '../../lib/commands/io';
import { type Sandbox, startSandbox } from '../../lib/sandbox';
import { startPlainForwarder } from '../helpers/plain-forwarder';
import { PROCESS_TEST_TIMEOUT_MS } from '../helpers/timeouts';

// `renew` at a terminal asks "Renew N domain(s) ...?" with the embedded ledger closed, for as long as the person
// takes, then opens everything again from the environment, which re-reads AUTORENEW_ACCOUNTS when it names a file.
// Each account's run was guarded by the plan confirmed for its label, but an account that was not there when the
// question was asked had no plan, so it ran with no guard at all: an account added to the accounts file meanwhile
// bought its due domains on a "y" that named one account's renewals only (review 2026-12-07, twenty-fifth session).
// Likewise `renew --plan FILE --max-age 1h` checked the plan's age before its question only, then bought on a "y"
// given hours later (twenty-seventh session): the age is checked again once the question is answered.
jest.setTimeout(PROCESS_TEST_TIMEOUT_MS);

const ROOT = resolve(__dirname, '..', '..');
const POLICY = join(__dirname, '..', 'fixtures', 'policies', 'buy-when-due.json');
const DAY_MS = 86_400_000;

let sandbox: Sandbox;
let forwarder: Awaited<ReturnType<typeof startPlainForwarder>>;
let dir: string;

beforeEach(async () => {
  const now = Date.now();
  sandbox = await startSandbox({
    nowMs: now,
    fixture: { domains: [{ domainName: 'main-brand.com', expiresAtMs: now + 10 * DAY_MS }], balance: 100_000 },
    accounts: [
      {
        name: 'subsidiary',
        accessKeyId: 'subsidiary-key-id',
        accessKeySecret: 'subsidiary-key-secret',
        balance: 100_000,
        fixture: { domains: [{ domainName: 'subsidiary-brand.com', expiresAtMs: now + 10 * DAY_MS }] },
      },
    ],
  });
  forwarder = await startPlainForwarder(sandbox.url);
  dir = await mkdtemp(join(tmpdir(), 'question-accounts-'));
});
afterEach(async () => {
  await forwarder?.close();
  await sandbox?.close();
  await rm(dir, { recursive: true, force: true });
});

it('an account added to the accounts file while the renew question is open: nothing is bought on that "y"', async () => {
  const accountsFile = join(dir, 'accounts.json');
  const main = { name: '', endpoint: '', accessKeyIdEnv: 'MAIN_KEY_ID', accessKeySecretEnv: 'MAIN_KEY_SECRET' };
  const subsidiary = {
    name: 'subsidiary',
    endpoint: '',
    accessKeyIdEnv: 'SUB_KEY_ID',
    accessKeySecretEnv: 'SUB_KEY_SECRET',
  };
  main.endpoint = forwarder.url;
  subsidiary.endpoint = forwarder.url;
  await writeFile(accountsFile, JSON.stringify([main]));
  const questions: string[] = [];
  const out: string[] = [];
  const io: CliIO = {
    out: (l) => out.push(l),
    err: (l) => out.push(l),
    isTTY: true,
    cwd: ROOT,
    env: {
      AUTORENEW_ACCOUNTS: accountsFile,
      AUTORENEW_POLICY: POLICY,
      AUTORENEW_LEDGER_DIR: join(dir, '.autorenew'),
      MAIN_KEY_ID: sandbox.accessKeyId,
      MAIN_KEY_SECRET: sandbox.accessKeySecret,
      SUB_KEY_ID: 'subsidiary-key-id',
      SUB_KEY_SECRET: 'subsidiary-key-secret',
    },
    ask: async (question) => {
      questions.push(question);
      // While the question is open, the deployment's second account is added to the accounts file.
      await writeFile(accountsFile, JSON.stringify([main, subsidiary]));
      return 'y';
    },
  };
  const code = await runCli(['renew'], io);
  expect(questions).toHaveLength(1);
  expect(questions[0]).toMatch(/^Renew 1 domain\(s\) for 1 year\(s\) in total at /);
  expect(sandbox.state('subsidiary').submissions.map((s) => s.domainName)).toEqual([]);
  expect(sandbox.state().submissions).toEqual([]);
  expect(code).not.toBe(0);
  expect(out.join('\n')).toMatch(
    /the accounts changed since the plan was confirmed \(subsidiary\): nothing was bought/,
  );
});

it('a "y" given after a saved plan grew older than --max-age buys nothing', async () => {
  const out: string[] = [];
  const questions: string[] = [];
  const env = {
    AUTORENEW_ENDPOINT: forwarder.url,
    AUTORENEW_POLICY: POLICY,
    AUTORENEW_LEDGER_DIR: join(dir, '.autorenew'),
    ALIBABA_CLOUD_ACCESS_KEY_ID: sandbox.accessKeyId,
    ALIBABA_CLOUD_ACCESS_KEY_SECRET: sandbox.accessKeySecret,
  };
  const file = join(dir, 'plan.json');
  const terminal = { out: (l: string) => out.push(l), err: (l: string) => out.push(l), isTTY: true, cwd: ROOT, env };
  expect(await runCli(['plan', '--out', file], terminal)).toBe(0);
  const code = await runCli(['renew', '--plan', file, '--max-age', '1h'], {
    ...terminal,
    ask: async (question) => {
      questions.push(question);
      // The person answers two hours later (the run's clock is the system's: the forwarder is not the sandbox).
      const answeredAt = Date.now() + 2 * 3_600_000;
      jest.spyOn(Date, 'now').mockImplementation(() => answeredAt);
      return 'y';
    },
  });
  jest.restoreAllMocks();
  expect(questions).toHaveLength(1);
  expect(sandbox.state().submissions).toEqual([]);
  expect(code).not.toBe(0);
  expect(out.join('\n')).toMatch(
    /the plan was made 2\.0 h ago .*older than --max-age 1\.0 h; make a new plan; nothing was bought/,
  );
});
