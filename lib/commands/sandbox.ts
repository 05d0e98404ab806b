import { readFile } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { InputError } from '../errors';
import { type SandboxFaults, type SandboxFixture, type SandboxOptions, startSandbox } from '../sandbox';
import { type CliIO, type Command, EXIT } from './io';

const USAGE = `usage: autorenew sandbox [options]
  --port N               listen on 127.0.0.1:N (default 8787; 0 = any free port)
  --domains N            generated portfolio size (default 50)
  --seed N               seed for the portfolio and the fault dice (default 1)
  --fixture FILE         JSON {"domains":[{"domainName","expiresAtMs",...}],"balance"?} instead of generated domains
  --access-key-id ID     (default sandbox-access-key-id)
  --access-key-secret S  (default sandbox-access-key-secret)
  --latency-ms N         delay before every API answer
  --throttle-rate F      fraction 0-1 answered 400 Throttling.User (not executed)
  --error-rate F         fraction 0-1 answered 503 ServiceUnavailable (not executed)
  --lose-rate F          fraction 0-1 executed, then the connection is dropped without an answer
  --task-ms N            simulated ms a task detail spends waiting and again executing (default 60000)
  --max-batch N          max OrderRenewParam entries per call (default 100)
  --max-page-size N      max PageSize of QueryDomainList/QueryTaskList (default 100)
  --balance CNY          account balance (default 1000000000)
Control: GET /_sandbox/state, POST /_sandbox/faults {"throttleRate":0.1,...}, POST /_sandbox/clock {"advanceMs":n}

examples:
  npx autorenew sandbox --domains 200 --seed 7
  npx autorenew sandbox --port 0 --fixture portfolio.json --lose-rate 0.2 --task-ms 1000`;

const OPTIONS = {
  port: { type: 'string' },
  domains: { type: 'string' },
  seed: { type: 'string' },
  fixture: { type: 'string' },
  'access-key-id': { type: 'string' },
  'access-key-secret': { type: 'string' },
  'latency-ms': { type: 'string' },
  'throttle-rate': { type: 'string' },
  'error-rate': { type: 'string' },
  'lose-rate': { type: 'string' },
  'task-ms': { type: 'string' },
  'max-batch': { type: 'string' },
  'max-page-size': { type: 'string' },
  balance: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

const DEFAULT_PORT = 8787;

function toNumber(flag: string, raw: string | undefined, kind: 'int' | 'fraction' | 'number'): number | undefined {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  const ok =
    raw.trim() !== '' &&
    Number.isFinite(n) &&
    n >= 0 &&
    (kind !== 'int' || Number.isInteger(n)) &&
    (kind !== 'fraction' || n <= 1);
  if (!ok) {
    const want =
      kind === 'int' ? 'a whole number >= 0' : kind === 'fraction' ? 'a fraction from 0 to 1' : 'a number >= 0';
    throw new InputError(`sandbox: --${flag} must be ${want}, got "${raw}"`);
  }
  return n;
}

async function readFixture(path: string, cwd: string): Promise<SandboxFixture> {
  const full = isAbsolute(path) ? path : resolve(cwd, path);
  let text: string;
  try {
    text = await readFile(full, 'utf8');
  } catch {
    throw new InputError(`sandbox: cannot read --fixture ${path}; check the path`, { file: path });
  }
  try {
    return JSON.parse(text) as SandboxFixture;
  } catch {
    throw new InputError(`sandbox: --fixture ${path} is not valid JSON`, { file: path });
  }
}

/** Turns the command line into SandboxOptions; throws InputError naming the bad flag. */
export async function parseSandboxArgs(args: readonly string[], cwd: string): Promise<SandboxOptions | 'help'> {
  let values: ReturnType<typeof parseArgs<{ options: typeof OPTIONS }>>['values'];
  try {
    ({ values } = parseArgs({ args: [...args], options: OPTIONS, strict: true, allowPositionals: false }));
  } catch (err) {
    throw new InputError(`sandbox: ${(err as Error).message}`);
  }
  if (values.help) return 'help';
  const faults: SandboxFaults = {};
  const latencyMs = toNumber('latency-ms', values['latency-ms'], 'number');
  const throttleRate = toNumber('throttle-rate', values['throttle-rate'], 'fraction');
  const errorRate = toNumber('error-rate', values['error-rate'], 'fraction');
  const loseRate = toNumber('lose-rate', values['lose-rate'], 'fraction');
  if (latencyMs !== undefined) faults.latencyMs = latencyMs;
  if (throttleRate !== undefined) faults.throttleRate = throttleRate;
  if (errorRate !== undefined) faults.errorRate = errorRate;
  if (loseRate !== undefined) faults.loseRate = loseRate;
  const numbers = {
    port: toNumber('port', values.port, 'int') ?? DEFAULT_PORT,
    domains: toNumber('domains', values.domains, 'int'),
    seed: toNumber('seed', values.seed, 'int'),
    taskMs: toNumber('task-ms', values['task-ms'], 'number'),
    maxBatch: toNumber('max-batch', values['max-batch'], 'int'),
    maxPageSize: toNumber('max-page-size', values['max-page-size'], 'int'),
    balance: toNumber('balance', values.balance, 'number'),
  };
  const options: SandboxOptions = { faults };
  for (const [key, value] of Object.entries(numbers)) {
    if (value !== undefined) (options as Record<string, unknown>)[key] = value;
  }
  if (values['access-key-id'] !== undefined) options.accessKeyId = values['access-key-id'];
  if (values['access-key-secret'] !== undefined) options.accessKeySecret = values['access-key-secret'];
  if (values.fixture !== undefined) options.fixture = await readFixture(values.fixture, cwd);
  return options;
}

function waitForProcessSignal(): Promise<string> {
  return new Promise((resolve) => {
    const onSignal = (signal: string) => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      resolve(signal);
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
}

/**
 * Runs the sandbox until `stop` settles (the command itself passes "SIGINT or SIGTERM received"), then closes it.
 * Returns the exit code: 0 after a clean stop, 1 for bad flags or options.
 */
export async function runSandbox(args: readonly string[], io: CliIO, stop: () => Promise<unknown>): Promise<number> {
  let sandbox: Awaited<ReturnType<typeof startSandbox>>;
  try {
    const options = await parseSandboxArgs(args, io.cwd);
    if (options === 'help') {
      io.out(USAGE);
      return EXIT.ok;
    }
    sandbox = await startSandbox(options);
  } catch (err) {
    if (err instanceof InputError) {
      io.err(err.message);
      io.err('run `autorenew sandbox --help` for the flags');
      return EXIT.invalidInput;
    }
    if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      io.err('sandbox: the port is already in use; pick another with --port (0 = any free port)');
      return EXIT.invalidInput;
    }
    throw err;
  }
  const state = sandbox.state();
  // A sandbox's own made-up credentials are printed on purpose: that is how a user points a client at it.
  io.out(`Sandbox registrar (Alibaba Domain API 2018-01-29) listening on ${sandbox.url}`);
  io.out(`  AccessKeyId:     ${sandbox.accessKeyId}`);
  io.out(`  AccessKeySecret: ${sandbox.accessKeySecret}`);
  io.out(`  ${state.domains.length} domains, balance ${state.balance} CNY`);
  io.out(
    `  use: AUTORENEW_ENDPOINT=${sandbox.url} ALIBABA_CLOUD_ACCESS_KEY_ID=${sandbox.accessKeyId} ALIBABA_CLOUD_ACCESS_KEY_SECRET=${sandbox.accessKeySecret}`,
  );
  io.out(`  control: GET ${sandbox.url}/_sandbox/state, POST /_sandbox/faults, POST /_sandbox/clock`);
  io.out('Press Ctrl+C to stop.');
  await stop();
  await sandbox.close();
  io.out('Sandbox stopped.');
  return EXIT.ok;
}

/** `autorenew sandbox`: starts the sandbox registrar and runs until SIGINT/SIGTERM. */
export const sandboxCommand: Command = (args, io) => runSandbox(args, io, waitForProcessSignal);
