import { readFile } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { InputError } from '../errors';
import {
  type SandboxAccountOptions,
  type SandboxFaults,
  type SandboxFixture,
  type SandboxOptions,
  startSandbox,
} from '../sandbox';

/** A --fixture file: the primary account's portfolio, plus optional extra accounts. */
type FixtureFile = SandboxFixture & { accounts?: SandboxAccountOptions[] };

import { type CliIO, type Command, EXIT } from './io';

const USAGE = `usage: autorenew sandbox [options]
  --port N               listen on 127.0.0.1:N (default 8787; 0 = any free port)
  --domains N            generated portfolio size (default 50)
  --seed N               seed for the portfolio and the fault dice (default 1)
  --fixture FILE         JSON {"domains":[{"domainName","expiresAtMs",...}],"balance"?} instead of generated domains;
                         may add "accounts":[{"name","accessKeyId","accessKeySecret",...}]: extra accounts, each
                         with its own domains/fixture, balance and currency (see lib/sandbox/README.md)
  --access-key-id ID     (default sandbox-access-key-id)
  --access-key-secret S  (default sandbox-access-key-secret)
  --latency-ms N         delay before every API answer
  --throttle-rate F      fraction 0-1 answered 400 Throttling.User (not executed)
  --error-rate F         fraction 0-1 answered 503 ServiceUnavailable (not executed)
  --lose-rate F          fraction 0-1 executed, then the connection is dropped without an answer
                         (throttle + error + lose rates: at most 1; one seeded draw per request decides)
  --execute-then-fail-rate F
                         fraction 0-1 of the requests not refused/lost that execute (the renewal task is created
                         and later runs) and then answer an error instead of the result
  --execute-then-fail-code CODE
                         that error's Code (default InternalError.Backend)
  --execute-then-fail-status N
                         its HTTP status, 400-599 (default 400; 5xx only with an InternalError*/ServiceUnavailable*
                         code)
  --task-queue-ms N      simulated ms a new task stays queued (WAITING_EXECUTE, expiry unchanged) before it runs
  --task-list-lag-ms N   simulated ms after creation before a new task shows in QueryTaskList
  --task-jitter-ms N     extra queue time per new task, seeded uniform 0..N simulated ms: tasks finish out of order
  --expiry-truncation T  none (default) or day: QueryDomainList/QueryDomainByDomainName report each expiry at
                         00:00:00Z of its UTC day (ExpirationDateLong, ExpirationDate, ExpirationCurrDateDiff)
  --name-form-flip-rate F
                         fraction 0-1 of QueryDomainList pages giving IDNs in the other form (Unicode <-> punycode)
  --page-shift-rate F    fraction 0-1 of QueryDomainList requests during which a new domain (page-shift-N.com) is
                         added first, so items slide between pages
  --fault-actions LIST   comma-separated Actions the faults apply to (default: all), e.g.
                         SaveBatchTaskForCreatingOrderRenew,QueryTaskList
  --refuse LIST          switch Actions off, comma-separated Action=how (how: InvalidAction, Forbidden or
                         SuccessFalse), e.g. QueryDomainRealTimePrice=InvalidAction,QueryAccountBalance=Forbidden
  --task-ms N            simulated ms a task detail spends waiting and again executing (default 60000)
  --max-batch N          max OrderRenewParam entries per call (default 100)
  --max-page-size N      max PageSize of QueryDomainList/QueryTaskList (default 100)
  --balance AMOUNT       account balance, two decimals at most (default 1000000000)
  --currency CODE        account currency of the balance and all prices (default CNY; never converted)
Control: GET /_sandbox/state, POST /_sandbox/clock {"advanceMs":n} or {"now":ms},
  POST /_sandbox/faults {"throttleRate":0.1,...} replaces the faults and echoes the complete settings; keys:
  latencyMs throttleRate errorRate loseRate executeThenFailRate executeThenFailCode executeThenFailStatus
  taskQueueMs taskListLagMs taskJitterMs expiryTruncation nameFormFlipRate pageShiftRate refusals actions
  (unknown key: 400)
  POSTs need Content-Type: application/json; only Host 127.0.0.1, localhost or [::1] is answered.

examples:
  npx autorenew sandbox --domains 200 --seed 7
  npx autorenew sandbox --port 0 --fixture portfolio.json --lose-rate 0.2 --task-ms 1000
  npx autorenew sandbox --execute-then-fail-rate 0.3 --task-list-lag-ms 120000 \
    --fault-actions SaveBatchTaskForCreatingOrderRenew`;

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
  'execute-then-fail-rate': { type: 'string' },
  'execute-then-fail-code': { type: 'string' },
  'execute-then-fail-status': { type: 'string' },
  'task-queue-ms': { type: 'string' },
  'task-list-lag-ms': { type: 'string' },
  'task-jitter-ms': { type: 'string' },
  'expiry-truncation': { type: 'string' },
  'name-form-flip-rate': { type: 'string' },
  'page-shift-rate': { type: 'string' },
  'fault-actions': { type: 'string' },
  refuse: { type: 'string' },
  currency: { type: 'string' },
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

/** Numeric fault flags: flag -> [fault key, kind]. */
const NUMERIC_FAULT_FLAGS = {
  'latency-ms': ['latencyMs', 'number'],
  'throttle-rate': ['throttleRate', 'fraction'],
  'error-rate': ['errorRate', 'fraction'],
  'lose-rate': ['loseRate', 'fraction'],
  'execute-then-fail-rate': ['executeThenFailRate', 'fraction'],
  'execute-then-fail-status': ['executeThenFailStatus', 'int'],
  'task-queue-ms': ['taskQueueMs', 'number'],
  'task-list-lag-ms': ['taskListLagMs', 'number'],
  'task-jitter-ms': ['taskJitterMs', 'number'],
  'name-form-flip-rate': ['nameFormFlipRate', 'fraction'],
  'page-shift-rate': ['pageShiftRate', 'fraction'],
} as const satisfies Record<string, readonly [keyof SandboxFaults, 'int' | 'fraction' | 'number']>;

/** The fault flags as SandboxFaults (only those given); startSandbox checks the combination. */
function parseFaultFlags(values: Record<string, string | boolean | undefined>): SandboxFaults {
  const faults: Record<string, unknown> = {};
  for (const [flag, [key, kind]] of Object.entries(NUMERIC_FAULT_FLAGS)) {
    const n = toNumber(flag, values[flag] as string | undefined, kind);
    if (n !== undefined) faults[key] = n;
  }
  const code = values['execute-then-fail-code'];
  if (typeof code === 'string') faults.executeThenFailCode = code;
  const truncation = values['expiry-truncation'];
  if (typeof truncation === 'string') {
    if (truncation !== 'none' && truncation !== 'day') {
      throw new InputError(`sandbox: --expiry-truncation must be "none" or "day", got "${truncation}"`);
    }
    faults.expiryTruncation = truncation;
  }
  const actions = values['fault-actions'];
  if (typeof actions === 'string') {
    const list = actions
      .split(',')
      .map((a) => a.trim())
      .filter((a) => a !== '');
    if (list.length === 0) throw new InputError('sandbox: --fault-actions must list at least one Action');
    faults.actions = list;
  }
  const refuse = values.refuse;
  if (typeof refuse === 'string') {
    const refusals: Record<string, string> = {};
    for (const entry of refuse.split(',').map((e) => e.trim())) {
      const [action, how] = entry.split('=');
      if (!action || !how) {
        throw new InputError(
          `sandbox: --refuse entries are Action=how, e.g. CheckDomain=InvalidAction; got "${entry}"`,
        );
      }
      refusals[action] = how;
    }
    faults.refusals = refusals;
  }
  return faults as SandboxFaults;
}

async function readFixture(path: string, cwd: string): Promise<FixtureFile> {
  const full = isAbsolute(path) ? path : resolve(cwd, path);
  let text: string;
  try {
    text = await readFile(full, 'utf8');
  } catch {
    throw new InputError(`sandbox: cannot read --fixture ${path}; check the path`, { file: path });
  }
  try {
    return JSON.parse(text) as FixtureFile;
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
  const faults = parseFaultFlags(values);
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
  if (values.fixture !== undefined) {
    // The file's "accounts" are extra accounts (startSandbox checks them); the rest is the primary's portfolio.
    const { accounts, ...fixture } = await readFixture(values.fixture, cwd);
    options.fixture = fixture;
    if (accounts !== undefined) options.accounts = accounts;
  }
  if (values.currency !== undefined) options.currency = values.currency;
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
  io.out(
    `  read-only key (lists and queries; paid calls get 403 Forbidden.RAM): ${sandbox.readOnlyAccessKeyId} / ${sandbox.readOnlyAccessKeySecret}`,
  );
  io.out(`  ${state.domains.length} domains, balance ${state.balance} ${state.currency}`);
  for (const account of sandbox.accounts.slice(1)) {
    const own = sandbox.state(account.name);
    io.out(
      `  account "${account.name}": ${account.accessKeyId} / ${account.accessKeySecret} (read-only ${account.readOnlyAccessKeyId} / ${account.readOnlyAccessKeySecret}), ${own.domains.length} domains, balance ${own.balance} ${own.currency}`,
    );
  }
  io.out(
    `  use: AUTORENEW_ENDPOINT=${sandbox.url} ALIBABA_CLOUD_ACCESS_KEY_ID=${sandbox.accessKeyId} ALIBABA_CLOUD_ACCESS_KEY_SECRET=${sandbox.accessKeySecret}`,
  );
  io.out(
    `  control: GET ${sandbox.url}/_sandbox/state[?account=NAME], POST /_sandbox/faults, POST /_sandbox/clock, POST /_sandbox/balance[?account=NAME]`,
  );
  io.out('Press Ctrl+C to stop.');
  await stop();
  await sandbox.close();
  io.out('Sandbox stopped.');
  return EXIT.ok;
}

/** `autorenew sandbox`: starts the sandbox registrar and runs until SIGINT/SIGTERM. */
export const sandboxCommand: Command = (args, io) => runSandbox(args, io, waitForProcessSignal);
