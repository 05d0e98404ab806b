import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Sandbox, startSandbox } from '../../lib/sandbox';
import { type CliResult, runCliProcess } from '../helpers/cli-process';
import { portfolio } from '../helpers/world';

// Eleven CLI child processes one after another: the reliability project's 120 s per test covers a loaded machine.

/**
 * Secrets never leave the process (issue 9): every CLI command runs as a child process with a known AccessKeyId and
 * secret; all stdout, stderr, console notifications and the ledger dump (status --json) are searched for them,
 * with --verbose, on the happy path and on the authentication-failure path (wrong secret).
 */

const KEY_ID = 'LTAI5tKnownKeyId7Q9x';
const SECRET = 'kN0wnS3cretValue-For-Leak-Tests';
const WRONG_SECRET = 'wR0ngS3cretValue-Also-Private';

let sandbox: Sandbox;
let dir: string;
const outputs: { args: string[]; result: CliResult }[] = [];

beforeAll(async () => {
  sandbox = await startSandbox({
    accessKeyId: KEY_ID,
    accessKeySecret: SECRET,
    fixture: portfolio(Date.now(), 6),
    taskMs: 1_000,
  });
  dir = mkdtempSync(join(tmpdir(), 'autorenew-secrets-'));
  writeFileSync(
    join(dir, 'policy.json'),
    JSON.stringify({ version: 1, limits: { maxBatchSize: 3 }, notify: { advanceDays: 0 } }),
  );
});

afterAll(async () => {
  await sandbox?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function env(secret: string): Record<string, string> {
  return {
    AUTORENEW_ENDPOINT: sandbox.url,
    ALIBABA_CLOUD_ACCESS_KEY_ID: KEY_ID,
    ALIBABA_CLOUD_ACCESS_KEY_SECRET: secret,
    AUTORENEW_LEDGER_DIR: join(dir, 'ledger'),
    AUTORENEW_POLICY: join(dir, 'policy.json'),
  };
}

async function run(args: string[], secret = SECRET): Promise<CliResult> {
  const result = await runCliProcess(args, env(secret), dir);
  outputs.push({ args, result });
  return result;
}

const at = () => ['--at', new Date(sandbox.now()).toISOString()];

describe('no AccessKeyId or secret in any output', () => {
  it('every command, happy path and --verbose', async () => {
    expect((await run(['validate', join(dir, 'policy.json')])).code).toBe(0);
    expect((await run(['plan'])).code).toBe(0);
    expect((await run(['plan', '--json', '--verbose'])).code).toBe(0);
    const renew = await run(['renew', '--yes', '--verbose', ...at()]);
    expect(renew.code).toBe(0);
    expect(renew.stdout).toMatch(/submitted 6/);
    sandbox.setClock({ advanceMs: 5 * 60_000 });
    expect((await run(['check', '--verbose', ...at()])).code).toBe(0);
    expect((await run(['check', '--json', ...at()])).code).toBe(0);
    const status = await run(['status', '--json', '--verbose']);
    expect(status.code).toBe(0);
    expect(JSON.parse(status.stdout).recentBatches.length).toBeGreaterThan(0);
    expect((await run(['status'])).code).toBe(0);
  });

  it('authentication failure (wrong secret), with --verbose', async () => {
    const plan = await run(['plan', '--verbose'], WRONG_SECRET);
    expect(plan.code).not.toBe(0);
    const renew = await run(['renew', '--yes', '--verbose', ...at()], WRONG_SECRET);
    expect(renew.code).not.toBe(0);
    await run(['check', '--verbose', ...at()], WRONG_SECRET);
    expect(sandbox.state().requests.authFailed).toBeGreaterThan(0);
  });

  it('nothing captured (stdout, stderr, notifications, ledger dump) contains them', () => {
    // Runs after the two above (jest keeps file order); a failure names the command that leaked.
    for (const { args, result } of outputs) {
      const text = `${result.stdout}\n${result.stderr}`;
      for (const secret of [KEY_ID, SECRET, WRONG_SECRET]) {
        expect({ args, leaked: text.includes(secret) ? secret : undefined }).toEqual({ args, leaked: undefined });
      }
    }
    expect(outputs.length).toBeGreaterThanOrEqual(11);
  });
});
