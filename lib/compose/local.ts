import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, stat } from 'node:fs/promises';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { type Account, labelOf, selectAccounts } from '../accounts';
import { type Clock, fixedClock, systemClock } from '../clock';
import { parseAt } from '../commands/args';
import type { CliIO } from '../commands/io';
import { type Config, isSandboxEndpoint, readConfig } from '../config';
import { isStageTableName } from '../deployment/stack';
import { InputError, LedgerInUseError } from '../errors';
import type { AccountsRoom } from '../jobs/accounts';
import { openLedgerFromEnv } from '../ledger/embedded';
import type { Ledger } from '../ledger/port';
import { createLogger } from '../log';
import type { Notifier } from '../notify/port';
import { loadPolicyFile } from '../policy/load';
import type { Policy } from '../policy/schema';
import type { JobDeps } from '../renewal/deps';
import type { AlibabaAccess } from '../secrets';
import { type AccountJob, checkPolicyFlag, composeAccounts, configForAccount, policyPathsOf } from './accounts';
import { buildBilling, buildCredentials, buildNotifier, buildRegistrar, buildTargetCredentials } from './adapters';

export interface LocalRuntime {
  config: Readonly<Config>;
  policy: Policy;
  deps: JobDeps;
  close(): Promise<void>;
}

/**
 * The simulated time of a sandbox at a loopback endpoint (`GET /_sandbox/clock`), or undefined when the endpoint
 * does not answer it (not a sandbox, or not running): then the system clock applies. Loopback only, 2 s at most.
 */
export async function readSandboxClock(endpoint: string): Promise<number | undefined> {
  if (!isSandboxEndpoint(endpoint)) return undefined;
  try {
    const res = await fetch(`${endpoint.replace(/\/+$/, '')}/_sandbox/clock`, { signal: AbortSignal.timeout(2_000) });
    if (!res.ok) return undefined;
    const body = (await res.json()) as { nowMs?: unknown };
    return typeof body.nowMs === 'number' && Number.isFinite(body.nowMs) ? body.nowMs : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The first account endpoint that looks like the sandbox (plain http to loopback) but does not answer as it
 * (`/_sandbox/clock`): a local forwarder to a real registrar. Undefined when every one answers (or none looks so).
 */
export async function findNotAnsweringAsSandbox(config: Pick<Config, 'accounts'>): Promise<string | undefined> {
  for (const { endpoint } of config.accounts) {
    if (isSandboxEndpoint(endpoint) && (await readSandboxClock(endpoint)) === undefined) return endpoint;
  }
  return undefined;
}

/**
 * Creates the embedded ledger's directory one level at a time (never Node's recursive mkdir, which spins forever
 * under /proc), so a directory that cannot be made fails at once with the path and the reason.
 */
export async function ensureLedgerDir(dir: string): Promise<void> {
  const missing: string[] = [];
  for (let cur = resolve(dir); ; cur = dirname(cur)) {
    const info = await stat(cur).catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return undefined;
      throw new InputError(
        `AUTORENEW_LEDGER_DIR ${dir}: cannot use ${cur} (${err.code ?? 'error'}); choose a writable directory`,
      );
    });
    if (info) {
      if (!info.isDirectory()) {
        throw new InputError(`AUTORENEW_LEDGER_DIR ${dir}: ${cur} is not a directory; choose a writable directory`);
      }
      break;
    }
    missing.unshift(cur);
    if (dirname(cur) === cur) break;
  }
  for (const path of missing) {
    await mkdir(path).catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'EEXIST') return;
      throw new InputError(
        `AUTORENEW_LEDGER_DIR ${dir}: cannot create ${path} (${err.code ?? 'error'}); choose a writable directory`,
      );
    });
  }
}

/** How long a command waits for an embedded ledger another local run holds: polls, each LOCK_POLL_MS apart. */
export const LOCK_WAIT_POLLS = 240;
const LOCK_POLL_MS = 500;

/**
 * Opens the ledger the environment names (AUTORENEW_TABLE, or the embedded one under AUTORENEW_LEDGER_DIR). The
 * embedded one takes one process at a time: while another local run holds it, this command says so on stderr once
 * and waits for it (up to 2 minutes), so `status` or `plan` beside a running `renew` works as soon as it ends.
 */
export async function openLocalLedger(
  io: CliIO,
  config: Readonly<Config> = readConfig(io.env),
  env: Readonly<Record<string, string | undefined>> = io.env,
  options: { createTable?: boolean } = {},
) {
  const dir = resolve(io.cwd, config.ledgerDir);
  if (!config.table) await ensureLedgerDir(dir);
  for (let poll = 0; ; poll++) {
    try {
      return await openLedgerFromEnv({ ...env, AUTORENEW_LEDGER_DIR: dir }, options);
    } catch (err) {
      if (!(err instanceof LedgerInUseError) || poll >= LOCK_WAIT_POLLS) throw err;
      if (poll === 0) io.err(`${err.message.split(';')[0]}; waiting up to 2 minutes for it to finish`);
      await new Promise((done) => setTimeout(done, LOCK_POLL_MS));
    }
  }
}

interface LocalOptions {
  policy?: string;
  at?: string;
  atAllowedAnywhere?: boolean;
  verbose?: boolean;
  notifyTo?: 'out' | 'err';
  /** `read` (plan, check): the read-only key of AUTORENEW_READONLY_SECRET_ID when set. Default `buy`. */
  alibabaAccess?: AlibabaAccess;
  /** `--account NAME`: only this one of AUTORENEW_ACCOUNTS. */
  account?: string;
  /** The job run over the accounts, named in a several-account digest. Default `renew`. */
  job?: 'renew' | 'check';
  /** A run that may buy: say so when it opens a new, empty embedded ledger. */
  buying?: boolean;
  /** The same command's second opening (renew, after its question): its warnings were given at the first. */
  reopened?: boolean;
}

/** The job clock of a local run: `--at`, else a loopback sandbox's simulated time, else the system clock. */
async function selectClock(config: Readonly<Config>, options: LocalOptions): Promise<Clock> {
  if (options.at !== undefined) {
    if (!options.atAllowedAnywhere && !config.accounts.every((a) => isSandboxEndpoint(a.endpoint))) {
      throw new InputError(
        '--at is only allowed against a loopback sandbox endpoint (AUTORENEW_ENDPOINT=http://127.0.0.1:...)',
      );
    }
    // A loopback URL is not a sandbox by its shape alone: a local plain-http forwarder to the real API bought real
    // renewals for a pretend date (review 2026-12-07). It must answer as the sandbox.
    const notSandbox = options.atAllowedAnywhere ? undefined : await findNotAnsweringAsSandbox(config);
    if (notSandbox !== undefined) {
      throw new InputError(
        `--at is only allowed against the sandbox: ${notSandbox} is a loopback address but does not answer as the sandbox (GET /_sandbox/clock); nothing was read or bought`,
        { path: 'AUTORENEW_ENDPOINT' },
      );
    }
    return fixedClock(parseAt(options.at));
  }
  // Only when every account is a sandbox, as for --at: one clock serves every account, and a sandbox listed first
  // gave its simulated time to a real account's plan (review 2026-12-05, round 5, I).
  if (config.accounts.every((a) => isSandboxEndpoint(a.endpoint))) {
    // The sandbox clock and --at are one idea: against a loopback sandbox, the run uses the sandbox's time.
    const sandboxNow = await readSandboxClock(config.endpoint);
    if (sandboxNow !== undefined) {
      const offset = sandboxNow - Date.now();
      return { now: () => Date.now() + offset };
    }
  }
  return systemClock;
}

/** Every policy file the accounts use, loaded and validated (M5), keyed by the path as configured. */
async function loadPolicies(io: CliIO, config: Readonly<Config>): Promise<Map<string, Policy>> {
  const policies = new Map<string, Policy>();
  for (const path of policyPathsOf(config)) {
    policies.set(path, await loadPolicyFile(isAbsolute(path) ? path : resolve(io.cwd, path)));
  }
  return policies;
}

/** The environment a local run reads: the process's, with `--policy` as AUTORENEW_POLICY. */
function localEnv(io: CliIO, options: LocalOptions): CliIO['env'] {
  return { ...io.env, ...(options.policy ? { AUTORENEW_POLICY: options.policy } : {}) };
}

/** The config with only the accounts `--account` picks (all when it is absent). */
function pickAccounts(config: Readonly<Config>, account: string | undefined): Readonly<Config> {
  if (account === undefined) return config;
  const accounts = selectAccounts(config.accounts, account);
  return Object.freeze({ ...configForAccount(config, accounts[0] as Account), accounts: Object.freeze(accounts) });
}

/**
 * Builds the CLI-side dependencies of one account: config from the environment, the policy (validated first: M5),
 * the registrar (env credentials or Secrets Manager), the ledger (AUTORENEW_TABLE or the embedded one, in the
 * account's keyspace), the console notifier (or SNS when AUTORENEW_TOPIC_ARN is set). With several accounts
 * configured, `--account NAME` says which. `--at` sets the job clock; outside `plan` it is allowed only against a
 * loopback sandbox, so nobody buys renewals in the real account with a pretend date. Without `--at`, a run against
 * a loopback sandbox uses the sandbox's clock.
 */
export async function openLocalRuntime(io: CliIO, options: LocalOptions): Promise<LocalRuntime> {
  // Refused before the ledger is opened or any policy read: a command of one account must be told which.
  const { accounts } = pickAccounts(readConfig(localEnv(io, options)), options.account);
  checkPolicyFlag(accounts, options.policy);
  if (accounts.length > 1) {
    throw new InputError(
      `${accounts.length} accounts are configured (${accounts.map(labelOf).join(', ')}); pass --account NAME to say which one`,
      { path: '--account' },
    );
  }
  const all = await openLocalAccounts(io, options);
  const job = all.jobs[0] as AccountJob;
  return { config: job.config, policy: job.policy, deps: job.deps, close: all.close };
}

/**
 * Whether this CLI run's notices reach only its terminal while its ledger is a deployed stage's (AUTORENEW_TABLE
 * naming a stage's table, `aliyun-domain-autorenew-<stage>-ledger`, without AUTORENEW_TOPIC_ARN): then it must not
 * record them as delivered ({@link Notifier.recordsDelivery}), the stage's scheduled jobs still owe them. A table of
 * another name is the CLI's own (runs from cron on DynamoDB): its notices are recorded as before, or they would
 * repeat every run and the advance notice would never start.
 */
export function isTerminalOnStageLedger(config: Pick<Config, 'table' | 'topicArn'>): boolean {
  return config.table !== undefined && isStageTableName(config.table) && !config.topicArn;
}

/**
 * The embedded ledger's directory when this run would create it (no ledger there yet, and no AUTORENEW_TABLE);
 * undefined otherwise. It lives under the working directory by default, so a command run from another directory
 * than the scheduled one starts an empty ledger that no renew run reads.
 */
export function newLocalLedgerDir(
  io: Pick<CliIO, 'cwd'>,
  config: Pick<Config, 'table' | 'ledgerDir'>,
): string | undefined {
  if (config.table !== undefined) return undefined;
  const dir = resolve(io.cwd, config.ledgerDir);
  return existsSync(join(dir, 'dynalite')) ? undefined : dir;
}

/** Whether none of `ledgers` has a renew run recorded (their keyspaces of one embedded ledger). */
async function everyAccountLacksRenewRun(ledgers: readonly Ledger[]): Promise<boolean> {
  const runs = await Promise.all(ledgers.map((l) => l.lastRun('renew')));
  return runs.every((r) => r === undefined);
}

/**
 * A stage's ledger as a CLI run uses it: its run records are the stage's functions' own. A hand run (a dry run too)
 * recorded as the last renew run silenced check's "the renew job has not run" alert for another 36 hours, and let
 * `hold`'s gate pass from a shell that does not know the stage's accounts (review 2026-12-05, round 5, L).
 */
export function withoutRunRecords(ledger: Ledger): Ledger {
  return { ...ledger, recordRun: async () => {} };
}

/**
 * A local ledger whose run records carry the account's registrar endpoint (RunRecord.endpoint), on the embedded
 * ledger only: `hold` there counts only a renew run against its own account's endpoint.
 */
function withRunEndpoint(ledger: Ledger, config: Readonly<Config>, accountName: string): Ledger {
  const endpoint = config.accounts.find((a) => a.name === accountName)?.endpoint;
  if (config.table !== undefined || endpoint === undefined) return ledger;
  return { ...ledger, recordRun: (run) => ledger.recordRun({ ...run, endpoint }) };
}

/**
 * The CLI's primary notifier (SNS, or the console), marked as recording no delivery on a stage's table without a
 * topic: marked at the primary, not only on each job's notifier, since the chat fan-out between them records the
 * primary's delivery itself (review 2026-12-05, round 5, J: the stage's SNS then skipped that digest all day).
 */
export function buildLocalPrimary(config: Readonly<Config>, write: (line: string) => void): Notifier {
  const primary = buildNotifier(config, write);
  return isTerminalOnStageLedger(config) ? { ...primary, recordsDelivery: false } : primary;
}

/** The job with its notifier marked as reaching no one of the stage (its notices stay pending). */
export function withUnrecordedNotices(job: AccountJob): AccountJob {
  return { ...job, deps: { ...job.deps, notifier: { ...job.deps.notifier, recordsDelivery: false } } };
}

/** Every configured account's part of one local run (or the one `--account` picks), and the room they meet in. */
export interface LocalAccountsRuntime {
  /** The accounts picked (`--account`): its `accounts` are the ones run. */
  config: Readonly<Config>;
  /** The names of every account this shell configures, before `--account` picks one. */
  configuredAccounts: readonly string[];
  jobs: AccountJob[];
  room: AccountsRoom;
  runId: string;
  close(): Promise<void>;
}

/** Like {@link openLocalRuntime}, for every account at once: what `renew` and `check` run over. */
export async function openLocalAccounts(io: CliIO, options: LocalOptions): Promise<LocalAccountsRuntime> {
  const env = localEnv(io, options);
  const whole = readConfig(env);
  const config = pickAccounts(whole, options.account);
  checkPolicyFlag(config.accounts, options.policy);
  const clock = await selectClock(config, options);
  const policies = await loadPolicies(io, config);
  // The embedded ledger lives under the working directory by default: run from another one, a renew started on an
  // empty ledger, without the holds, failures and records of what was bought (review 2026-12-04). One that only the
  // free commands (plan, forecast) created is as empty, and renew said nothing there (review 2026-12-07): no renew
  // run recorded for any account counts too.
  const fresh = options.buying && !config.dryRun && newLocalLedgerDir(io, config) !== undefined;
  const opened = await openLocalLedger(io, config, env);
  const warnEmpty = options.buying && !config.dryRun && config.table === undefined;
  const unread =
    warnEmpty && !fresh && (await everyAccountLacksRenewRun(config.accounts.map((a) => opened.forAccount(a.name))));
  if ((fresh || unread) && !options.reopened) {
    const where = resolve(io.cwd, config.ledgerDir);
    io.err(
      `autorenew: ${fresh ? 'a new, empty ledger' : 'no renew run is recorded in the ledger'} at ${where}: this run knows of nothing bought, held or failed before. If autorenew ran before from another directory, stop now and set AUTORENEW_LEDGER_DIR to that ledger`,
    );
  }
  const write = options.notifyTo === 'err' ? io.err : io.out;
  const log = createLogger({ level: options.verbose ? 'debug' : 'warn', sink: io.err });
  const runId = randomUUID();
  const unrecorded = isTerminalOnStageLedger(config);
  const onStage = config.table !== undefined && isStageTableName(config.table);
  // A hand dry run records no run either: one tried from a home directory made `hold` there confirm a veto no real
  // renew run reads (review 2026-12-06, round 5). The stage's own dry runs (the Lambda) still record theirs: they
  // prove the keyspace to `hold`'s gate and to doctor while the stage is dry (round 6).
  const dryRenew = (options.job ?? 'renew') === 'renew' && (!options.buying || config.dryRun);
  const recordsRuns = !onStage && !dryRenew;
  const { room, jobs } = composeAccounts({
    job: options.job ?? 'renew',
    runId,
    config,
    env,
    access: options.alibabaAccess ?? 'buy',
    policies,
    ledgerFor: (account) =>
      recordsRuns
        ? withRunEndpoint(opened.forAccount(account), config, account)
        : withoutRunRecords(opened.forAccount(account)),
    credentialsFor: (accountConfig, account) =>
      buildCredentials(accountConfig, env, options.alibabaAccess ?? 'buy', account),
    adapters: { registrar: buildRegistrar, billing: buildBilling },
    targetCredentialsFor: (accountConfig) => buildTargetCredentials(accountConfig, env, options.alibabaAccess ?? 'buy'),
    // SNS or console, plus each policy's chat targets when it has any.
    primary: buildLocalPrimary(config, write),
    clock,
    log,
    ...(config !== whole ? { keyPeers: whole } : {}),
  });
  const configuredAccounts = whole.accounts.map((a) => a.name);
  if (!unrecorded) return { config, configuredAccounts, jobs, room, runId, close: opened.close };
  if (options.buying || options.job === 'check') {
    io.err(
      'autorenew: notices are shown here only (AUTORENEW_TABLE without AUTORENEW_TOPIC_ARN): they stay pending for the stage, whose next scheduled run sends them',
    );
  }
  return { config, configuredAccounts, jobs: jobs.map(withUnrecordedNotices), room, runId, close: opened.close };
}
