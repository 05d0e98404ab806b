import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { format } from 'node:util';
import { type Sandbox, startSandbox } from '../../lib/sandbox';
import { type CliResult, runCliInProcess, runCliProcess } from '../helpers/cli-process';
import { portfolio } from '../helpers/world';

/**
 * Secrets never leave the process (issue 9): eleven CLI commands run with a known AccessKeyId and secret; all stdout,
 * stderr, console notifications and the ledger dump (status --json) are searched for them, with --verbose, on the
 * happy path and on the authentication-failure path (wrong secret).
 *
 * The paid run and the whole authentication-failure path run as real child processes (what a crashing or failing
 * process prints, stack traces included, is the point there). The other happy-path commands run in this process
 * through runCli, with everything written to the console or to process.stdout/stderr while they run captured too,
 * so a leak through a stray console.log is caught as it would be in a child's output.
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

/** runCliInProcess, plus whatever reaches the console or process.stdout/stderr while the command runs. */
async function runInProcessCapturingAll(args: string[], secret: string): Promise<CliResult> {
  const stray: string[] = [];
  const spies = [
    jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      stray.push(String(chunk));
      return true;
    }),
    jest.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      stray.push(String(chunk));
      return true;
    }),
    ...(['log', 'info', 'warn', 'error', 'debug'] as const).map((level) =>
      jest.spyOn(console, level).mockImplementation((...parts: unknown[]) => {
        stray.push(format(...parts));
      }),
    ),
  ];
  try {
    const result = await runCliInProcess(args, env(secret), dir);
    return { ...result, stderr: `${result.stderr}${stray.join('\n')}` };
  } finally {
    for (const spy of spies) spy.mockRestore();
  }
}

async function run(args: string[], secret = SECRET, how: 'process' | 'in-process' = 'process'): Promise<CliResult> {
  const result =
    how === 'process' ? await runCliProcess(args, env(secret), dir) : await runInProcessCapturingAll(args, secret);
  outputs.push({ args, result });
  return result;
}

/** A happy-path command in this process (see the file's comment). */
const runHere = (args: string[]) => run(args, SECRET, 'in-process');

const at = () => ['--at', new Date(sandbox.now()).toISOString()];

describe('no AccessKeyId or secret in any output', () => {
  it('every command, happy path and --verbose', async () => {
    expect((await runHere(['validate', join(dir, 'policy.json')])).code).toBe(0);
    expect((await runHere(['plan'])).code).toBe(0);
    expect((await runHere(['plan', '--json', '--verbose'])).code).toBe(0);
    const renew = await run(['renew', '--yes', '--verbose', ...at()]);
    expect(renew.code).toBe(0);
    expect(renew.stdout).toMatch(/submitted 6/);
    sandbox.setClock({ advanceMs: 5 * 60_000 });
    expect((await runHere(['check', '--verbose', ...at()])).code).toBe(0);
    expect((await runHere(['check', '--json', ...at()])).code).toBe(0);
    const status = await runHere(['status', '--json', '--verbose']);
    expect(status.code).toBe(0);
    expect(JSON.parse(status.stdout).recentBatches.length).toBeGreaterThan(0);
    expect((await runHere(['status'])).code).toBe(0);
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
