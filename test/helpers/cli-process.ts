import { type ChildProcess, spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { runCli } from '../../lib/cli';

const ROOT = resolve(__dirname, '..', '..');
const BIN = resolve(ROOT, 'bin', 'autorenew.js');

/** How one `autorenew` child process ended, with everything it printed. */
export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface CliChild {
  child: ChildProcess;
  /** Settles when the process has exited (never rejects). */
  done: Promise<CliResult>;
  /** Sends SIGKILL (the process dies at whatever line it is on) and waits for the exit. */
  kill(): Promise<CliResult>;
}

/** The run's bundle cache for scripts/load-ts.cjs (test/helpers/global-setup.ts), if any: not configuration. */
function bundleCache(): Record<string, string> {
  const dir = process.env.LOAD_TS_CACHE_DIR;
  return dir ? { LOAD_TS_CACHE_DIR: dir } : {};
}

/**
 * Starts `node bin/autorenew.js <args>` with ONLY the given environment (plus PATH and the bundle cache), so nothing of the developer's
 * AWS or Alibaba configuration leaks into a test. The working directory defaults to the repository root.
 */
export function spawnCli(args: readonly string[], env: Record<string, string>, cwd = ROOT): CliChild {
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd,
    env: {
      PATH: process.env.PATH ?? '',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      ...bundleCache(),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d: Buffer) => {
    stdout += d.toString();
  });
  child.stderr?.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  const done = new Promise<CliResult>((resolveDone) => {
    child.once('close', (code, signal) => resolveDone({ code, signal, stdout, stderr }));
  });
  return {
    child,
    done,
    kill: () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      return done;
    },
  };
}

/** Runs one CLI command to its end. */
export function runCliProcess(args: readonly string[], env: Record<string, string>, cwd?: string): Promise<CliResult> {
  return spawnCli(args, env, cwd).done;
}

/**
 * Runs one `autorenew` command in this process through runCli (the entry point bin/autorenew.js calls), with the
 * same env a child would get and no TTY. About a hundred times cheaper than a child; use it where the test is about
 * what the command does, not about the process (its exit, signals or a crash).
 */
export async function runCliInProcess(
  args: readonly string[],
  env: Record<string, string>,
  cwd = ROOT,
): Promise<CliResult> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(args, {
    out: (l) => out.push(l),
    err: (l) => err.push(l),
    isTTY: false,
    env: { PATH: process.env.PATH ?? '', ...env },
    cwd,
  });
  const text = (lines: string[]) => lines.map((l) => `${l}\n`).join('');
  return { code, signal: null, stdout: text(out), stderr: text(err) };
}

/** How a command run with {@link runCliInRepo} ended. */
export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The parent's environment without anything that could point the CLI at a real account, table or topic. */
export function cleanEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v === undefined || /^(AUTORENEW_|ALIBABA_CLOUD_|AWS_)/.test(k)) continue;
    env[k] = v;
  }
  return { ...env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' };
}

/**
 * Runs `node bin/autorenew.js <args>` from the repository root with {@link cleanEnv} plus `env` (an `undefined` value
 * removes a variable), to its end.
 */
export async function runCliInRepo(
  args: readonly string[],
  env: Record<string, string | undefined> = {},
): Promise<CliRun> {
  const merged = Object.fromEntries(
    Object.entries({ ...cleanEnv(), ...env }).filter((e): e is [string, string] => e[1] !== undefined),
  );
  const { code, stdout, stderr } = await runCliProcess(args, merged);
  return { code, stdout, stderr };
}

/**
 * {@link runCliInRepo} in this process: the same env (the parent's, cleaned, plus `env`) given to runCli as the
 * command's env, no TTY. For tests about what a command does rather than about the process it runs in.
 */
export async function runCliInRepoInProcess(
  args: readonly string[],
  env: Record<string, string | undefined> = {},
): Promise<CliRun> {
  const merged = Object.fromEntries(
    Object.entries({ ...cleanEnv(), ...env }).filter((e): e is [string, string] => e[1] !== undefined),
  );
  const { code, stdout, stderr } = await runCliInProcess(args, merged);
  return { code, stdout, stderr };
}

/**
 * Waits until `predicate` holds (it may be async, e.g. a ledger read), checking it after each turn of the event
 * loop's timers: every 5 ms at first, backing off to every 100 ms. Gives up after `attempts` checks (default 1 500:
 * about 140 s idle, longer under load) with an error naming `what`. Bounded by a count of checks, not a deadline, so
 * a slow machine only makes it wait longer; prefer awaiting an event where the code under test offers one.
 */
export async function waitUntil(
  predicate: () => boolean | Promise<boolean>,
  what: string,
  attempts = 1_500,
): Promise<void> {
  for (let attempt = 0; !(await predicate()); attempt++) {
    if (attempt >= attempts) throw new Error(`gave up after ${attempts} checks waiting for ${what}`);
    await new Promise((r) => setTimeout(r, Math.min(100, 5 * 2 ** Math.floor(attempt / 20))));
  }
}

/**
 * `stderr` without `hold`'s warning that it could not look the names up at the registrar (no Alibaba key in the
 * test's shell, or an unreadable secret: hold-typo.test.ts covers the warning itself).
 */
export function besidesUncheckedNames(stderr: string): string {
  return stderr.replace(/^hold: \d+ of \d+ name\(s\) not checked at the registrar \(.*(\n|$)/m, '');
}
