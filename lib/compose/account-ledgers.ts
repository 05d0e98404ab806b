import { resolve } from 'node:path';
import { type Account, labelOf, namesAccounts, selectAccounts } from '../accounts';
import type { CliIO } from '../commands/io';
import { type Config, readConfig } from '../config';
import { InputError } from '../errors';
import type { Ledger, RunRecord } from '../ledger/port';
import { newLocalLedgerDir, openLocalLedger } from './local';

/** One account's view of the ledger: how it is named to people, the account, and its keyspace. */
export interface AccountLedger {
  /** `default` for the unnamed account, else its name. */
  label: string;
  account: Readonly<Account>;
  ledger: Ledger;
}

/** The ledgers of the accounts a ledger-only command (status, holds, hold, unhold, retry) works on. */
export interface AccountLedgers {
  accounts: AccountLedger[];
  /** The other configured accounts' keyspaces of the same ledger (read only: `retry` names a peer's failure). */
  peers: AccountLedger[];
  /** True when the output should name the account: more than one shown, or the one shown is named. */
  labelled: boolean;
  /** The deployed table (AUTORENEW_TABLE), which the scheduled jobs share; false for the embedded ledger. */
  shared: boolean;
  /** Where the ledger is, for messages: the table's name, or the embedded ledger's directory (absolute). */
  location: string;
  /** The configuration read from the environment (`hold` asks each account's registrar about the names). */
  config: Readonly<Config>;
  close(): Promise<void>;
}

/**
 * Opens the ledger the environment names once and returns the keyspace of each account `--account NAME` picks
 * (every configured account when absent). `write`: the command changes the ledger (hold, unhold, retry), so with
 * several accounts configured `--account` is required: a hold written under another account's keys would not stop
 * the renewal it was meant to stop. `existing`: refused when the embedded ledger does not exist yet (`hold`). Both
 * refused before the ledger is opened, so nothing is written.
 */
export async function openAccountLedgers(io: CliIO, options: LedgerCommandOptions = {}): Promise<AccountLedgers> {
  const { config, picked } = pickLedgerAccounts(io, options);
  const opened = await openLocalLedger(io, config);
  return {
    accounts: picked.map((account) => ({
      label: labelOf(account),
      account,
      ledger: opened.forAccount(account.name),
    })),
    peers: config.accounts
      .filter((account) => !picked.includes(account))
      .map((account) => ({ label: labelOf(account), account, ledger: opened.forAccount(account.name) })),
    // Of the deployment, not of the one picked: `--account default` beside named accounts is one of several.
    labelled: namesAccounts(config.accounts),
    shared: config.table !== undefined,
    location: config.table ?? resolve(io.cwd, config.ledgerDir),
    config,
    close: opened.close,
  };
}

/** What a ledger command asks of {@link openAccountLedgers} and {@link pickLedgerAccounts}. */
export interface LedgerCommandOptions {
  account?: string | undefined;
  write?: boolean;
  /** `hold`: refused where there is no ledger yet, with hold's own advice (--no-run-check). */
  existing?: boolean;
  /** The command's name, for the refusal of any other command where there is no ledger yet. */
  command?: string;
}

/**
 * The checks of {@link openAccountLedgers}, without opening the ledger (so without taking the embedded ledger's
 * lock): the config and the accounts picked. `hold` asks the registrar about its names in between.
 */
export function pickLedgerAccounts(
  io: CliIO,
  options: LedgerCommandOptions = {},
): { config: Readonly<Config>; picked: Account[] } {
  const config = readConfig(io.env);
  if (options.write && options.account === undefined && config.accounts.length > 1) {
    throw new InputError(
      `${config.accounts.length} accounts are configured (${config.accounts.map(labelOf).join(', ')}); ` +
        'pass --account NAME to say which one; nothing was written',
      { path: '--account' },
    );
  }
  const picked = selectAccounts(config.accounts, options.account);
  // Checked before the ledger is opened, so onlyAccount below cannot fail with the ledger held.
  if (options.write && picked.length !== 1) throw new Error('openAccountLedgers: a write needs exactly one account');
  // Before the ledger is opened (opening creates it): a hold in a new embedded ledger, run from another directory
  // than the renew runs, was confirmed as a veto no renew run reads, and the domain was bought (review 2026-12-05,
  // round 5, L).
  const fresh = newLocalLedgerDir(io, config);
  // Any other command: opening would create an empty ledger there, which `holds` read as "no holds: the renew job
  // may buy every due domain", `unhold` as "was not held", and which then passed hold's gate (review 2026-12-06).
  if (fresh !== undefined && !options.existing && options.command !== undefined) {
    throw new InputError(
      `no ledger at ${fresh}: ${options.command} reads the ledger the renew runs use (.autorenew in the directory they run from, or AUTORENEW_LEDGER_DIR). Run it from that directory or set AUTORENEW_LEDGER_DIR to it; nothing was read or written`,
      { path: 'AUTORENEW_LEDGER_DIR' },
    );
  }
  if (fresh !== undefined && options.existing) {
    throw new InputError(
      `no ledger at ${fresh}: the renew runs read holds from their own ledger (.autorenew in the directory they run from, or AUTORENEW_LEDGER_DIR). Run this from that directory or set AUTORENEW_LEDGER_DIR to it; before the first renew run anywhere, pass --no-run-check; nothing was written`,
      { path: 'AUTORENEW_LEDGER_DIR' },
    );
  }
  return { config, picked };
}

/**
 * For a read-only command (`status`, `holds`) where there is no embedded ledger yet: says so, creating none, and
 * returns true (the command then ends, exit 0). Opening would create an empty ledger there, which said "no holds:
 * the renew job may buy every due domain" and then passed hold's gate (review 2026-12-06, rounds 4 and 6); and the
 * demo's digests advise `status`, whose ledger is temporary.
 */
export function sayNoLedger(
  io: CliIO,
  command: string,
  options: { account?: string | undefined; json: boolean },
): { location: string } | undefined {
  const config = readConfig(io.env);
  // Checked first, as where there is a ledger: a mistyped account name is refused either way.
  selectAccounts(config.accounts, options.account);
  const fresh = newLocalLedgerDir(io, config);
  if (fresh === undefined) return undefined;
  const line = `no ledger at ${fresh} yet: nothing is recorded here. ${command} reads the ledger the renew runs use (.autorenew in the directory they run from, or AUTORENEW_LEDGER_DIR); run it there, or set AUTORENEW_LEDGER_DIR to it (the demo's ledger was temporary)`;
  if (options.json) io.err(`autorenew ${command}: ${line}`);
  else io.out(line);
  return { location: fresh };
}

/** The warning of a ledger in which no renew run is recorded (isUnreadByRenewRuns), for read commands' output. */
export function unreadLedgerWarning(location: string, shared = false): string {
  return shared
    ? `no renew run is recorded for this account in table ${location}: if the stage serves named accounts, set AUTORENEW_ACCOUNTS as deployed and pass --account NAME; what this keyspace says (held, not held, bought, not bought) is not the stage's runs'`
    : `no renew run is recorded in the ledger at ${location}: if the renew runs use another ledger (.autorenew where they run, or AUTORENEW_LEDGER_DIR), what this ledger says (held, not held, bought, not bought) is not theirs: look there`;
}

/**
 * Whether no renew run is recorded in this ledger (an account's keyspace of it): then it may be a ledger no renew run
 * reads (an embedded one `plan`, `doctor` or `check` created in another directory; on the stage's table, the unnamed
 * keyspace of a shell without the stage's AUTORENEW_ACCOUNTS), and an empty answer from it ("no holds", "was not
 * held", "no renewal recorded") says nothing about the renew runs' own (review 2026-12-06, round 6; the table:
 * review 2026-12-07).
 */
export async function isUnreadByRenewRuns(ledger: Ledger): Promise<boolean> {
  return (await ledger.lastRun('renew')) === undefined;
}

/**
 * The stage's accounts this shell does not configure, from the last renew run record the Lambda wrote in an opened
 * keyspace (RunRecord.accounts), as a warning; undefined when it sees them all. The README's way to add accounts keeps
 * the original as the unnamed one: a shell without the stage's AUTORENEW_ACCOUNTS then read only it, and said "no
 * renewal recorded" of a named account's purchase (review 2026-12-07).
 */
export async function describeUnseenAccounts(
  opened: Pick<AccountLedgers, 'accounts' | 'config'>,
): Promise<string | undefined> {
  const configured = new Set(opened.config.accounts.map((a) => a.name));
  const runs = await Promise.all(
    opened.accounts.map(({ ledger }) => ledger.lastRun('renew').catch((err: unknown) => ({ unread: err }))),
  );
  // A failed read is said, never taken for "sees them all": a throttled read dropped the warning, and "no renewal
  // recorded" of another account's fresh purchase stood alone (review 2026-12-07, thirty-first session).
  const failed = runs.find((r): r is { unread: unknown } => r !== undefined && 'unread' in r);
  if (failed) {
    const why = failed.unread instanceof Error ? failed.unread.message : String(failed.unread);
    return `could not read which accounts the stage's renew runs serve (${why}): what is said here may be of ${opened.accounts.map((a) => a.label).join(', ')} only; run it again`;
  }
  const records = runs as (RunRecord | undefined)[];
  const unseen = [...new Set(records.flatMap((r) => r?.accounts ?? []))].filter((name) => !configured.has(name));
  if (unseen.length === 0) return undefined;
  return `the stage's renew runs also serve account(s) ${unseen.map((n) => n || '(unnamed)').join(', ')}, which this shell does not configure: what is said here is of ${opened.accounts.map((a) => a.label).join(', ')} only; set AUTORENEW_ACCOUNTS as deployed and pass --account NAME`;
}

/** isUnreadByRenewRuns for every account the command opened (a read over all of them is unread only if each is). */
export async function isEveryAccountUnread(opened: Pick<AccountLedgers, 'accounts'>): Promise<boolean> {
  return (await Promise.all(opened.accounts.map(({ ledger }) => isUnreadByRenewRuns(ledger)))).every(Boolean);
}

/** The one account a write works on (openAccountLedgers with `write` has checked there is exactly one). */
export function onlyAccount(opened: AccountLedgers): AccountLedger {
  const [first, ...rest] = opened.accounts;
  if (!first || rest.length > 0) throw new Error('openAccountLedgers: a write needs exactly one account');
  return first;
}
