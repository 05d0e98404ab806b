import { resolve } from 'node:path';
import { type Account, labelOf, namesAccounts } from '../accounts';
import type { Clock } from '../clock';
import { LEDGER_CONCURRENCY, mapWithLimit } from '../concurrency';
import type { Config } from '../config';
import { InputError } from '../errors';
import { type AccountsRoom, createAccountsRoom } from '../jobs/accounts';
import type { Ledger } from '../ledger/port';
import type { Logger } from '../log';
import type { TargetCredentialSource } from '../notify/chat/credentials';
import type { Notifier } from '../notify/port';
import type { Policy } from '../policy/schema';
import type { Credentials, CredentialsProvider } from '../registrar/port';
import type { JobDeps } from '../renewal/deps';
import { computeRoomWaitLimitMs } from '../renewal/time-margin';
import type { AlibabaAccess } from '../secrets';
import { assembleDeps, type JobAdapters, withChatTargets } from './adapters';

type Env = Readonly<Record<string, string | undefined>>;

/**
 * The config as one account sees it: its site, endpoints, API version, secrets and policy in the single-account
 * fields every builder reads, and `accounts` holding just it.
 */
export function configForAccount(config: Readonly<Config>, account: Readonly<Account>): Readonly<Config> {
  const { secretId: _s, readOnlySecretId: _r, ...rest } = config;
  return Object.freeze({
    ...rest,
    site: account.site,
    endpoint: account.endpoint,
    bssEndpoint: account.bssEndpoint,
    apiVersion: account.apiVersion,
    policyPath: account.policyPath ?? config.policyPath,
    ...(account.secretId ? { secretId: account.secretId } : {}),
    ...(account.readOnlySecretId ? { readOnlySecretId: account.readOnlySecretId } : {}),
    accounts: Object.freeze([account]),
  });
}

/**
 * `--policy FILE` against the accounts a command runs: refused for an account that names its own policy, which
 * would win silently, so the run would buy under another policy than the one the person passed.
 */
export function checkPolicyFlag(accounts: readonly Account[], flag: string | undefined): void {
  if (flag === undefined) return;
  const own = accounts.find((a) => a.policyPath !== undefined && resolve(a.policyPath) !== resolve(flag));
  if (own) {
    throw new InputError(
      `--policy ${flag} does not apply to account ${labelOf(own)}, whose own policy is ${own.policyPath} (AUTORENEW_ACCOUNTS); drop --policy, or that account's "policy"`,
      { path: '--policy' },
    );
  }
}

/** One account's part of a run: its name for people, its dependencies and its policy. */
export interface AccountJob {
  label: string;
  account: Readonly<Account>;
  config: Readonly<Config>;
  deps: JobDeps;
  policy: Policy;
  /** The global cap and how this account learns its share of it; absent without AUTORENEW_GLOBAL_MAX_DOMAINS. */
  global?: { cap: number; share: (demand: number) => Promise<number> };
}

/**
 * Builds every account's dependencies for one run and the room they meet in (lib/jobs/accounts.ts): per account
 * its own registrar and billing (its endpoints, API version and key), its ledger keyspace, its policy, a logger
 * and metrics naming it, and a notifier that hands its digest to the room (plus its policy's chat targets).
 * `credentialsFor` gives each account its key source: Lambda reads Secrets Manager only (one cached provider per
 * secret across warm runs); the CLI also reads key variables and CLI profiles (adapters.ts buildCredentials).
 */
export function composeAccounts(parts: {
  job: 'renew' | 'check';
  runId: string;
  config: Readonly<Config>;
  env: Env;
  access: AlibabaAccess;
  policies: ReadonlyMap<string, Policy>;
  ledgerFor: (account: string) => Ledger;
  primary: Notifier;
  clock: Clock;
  log: Logger;
  metricsFor?: (account: string) => JobDeps['metrics'];
  credentialsFor: (config: Readonly<Config>, account: Readonly<Account>) => CredentialsProvider;
  /** The registrar (and balance) adapters the job uses: the composition root picks them (adapters.ts). */
  adapters: JobAdapters;
  /** Where the account's chat targets' URLs and signing secrets come from. */
  targetCredentialsFor: (config: Readonly<Config>) => TargetCredentialSource;
  remainingMs?: () => number;
  /**
   * The whole configuration when `--account` narrowed `config` to one entry: every entry's key is still read for
   * the shared-key check (one entry alone looked fine, and bought what the other entry held or bought).
   */
  keyPeers?: Readonly<Config>;
}): { room: AccountsRoom; jobs: AccountJob[] } {
  const accounts = parts.config.accounts;
  const peerConfig = parts.keyPeers ?? parts.config;
  const peers = peerConfig.accounts;
  const providers = peers.map((account) => parts.credentialsFor(configForAccount(peerConfig, account), account));
  const keys = sharedKeyCheck(peers.map(labelOf), providers);
  const own = accounts.map((account) => {
    const label = labelOf(account);
    const index = peers.findIndex((p) => labelOf(p) === label);
    const config = configForAccount(parts.config, account);
    const policy = parts.policies.get(config.policyPath) as Policy;
    const provider = providers[index] as CredentialsProvider;
    const credentials = peers.length > 1 ? keys.guard(index, provider) : provider;
    return {
      account,
      label,
      config,
      policy,
      credentials,
      registrar: parts.adapters.registrar(config, policy, credentials),
    };
  });
  const room = createAccountsRoom({
    job: parts.job,
    runId: parts.runId,
    labels: accounts.map(labelOf),
    primary: parts.primary,
    log: parts.log,
    ...(parts.config.globalMaxDomains !== undefined ? { globalCap: parts.config.globalMaxDomains } : {}),
    passThrough: !namesAccounts(accounts),
    ...(parts.remainingMs && accounts.length > 1
      ? {
          waitLimitMs: computeRoomWaitLimitMs(
            parts.remainingMs(),
            own.map((o) => o.registrar.worstCaseCallMs),
            // Only renew shares the cap (check buys nothing): check's 300 s are fewer than two margins.
            parts.job === 'renew' && parts.config.globalMaxDomains !== undefined,
          ),
        }
      : {}),
  });
  // Every configured account's keyspace, also those a run narrowed to one (--account) leaves out: the planner reads
  // the others' claims (JobDeps.peerClaims).
  const ledgers = new Map(peers.map((account) => [account.name, parts.ledgerFor(account.name)]));
  const jobs = own.map(({ account, label, config, policy, credentials, registrar }): AccountJob => {
    const ledger = ledgers.get(account.name) as Ledger;
    const others = [...ledgers].flatMap(([name, l]) => (name === account.name ? [] : [l]));
    const log = account.name ? parts.log.child({ account: label }) : parts.log;
    const runClaims = room.claimsFor(label);
    const deps = assembleDeps({
      registrar,
      ...(parts.adapters.billing ? { billing: parts.adapters.billing(config, credentials) } : {}),
      ledger,
      notifier: withChatTargets(room.notifierFor(label), policy, {
        credentials: parts.targetCredentialsFor(config),
        marks: ledger,
        clock: parts.clock,
        log,
        ...(namesAccounts(accounts) ? { account: label } : {}),
      }),
      clock: parts.clock,
      log,
      ...(parts.metricsFor ? { metrics: parts.metricsFor(account.name) } : {}),
      ...(parts.remainingMs ? { remainingMs: parts.remainingMs } : {}),
      ...(others.length > 0 ? { peerClaims: peerClaimsOf(others) } : {}),
      ...(runClaims ? { runClaims } : {}),
    });
    const share = room.shareFor(label);
    const cap = parts.config.globalMaxDomains;
    return {
      label,
      account,
      config,
      deps,
      policy,
      ...(share && cap !== undefined ? { global: { cap, share } } : {}),
    };
  });
  return { room, jobs };
}

/**
 * Refuses every account whose AccessKey another account of the run also loads: the configuration check compares
 * secret names and variable names, so one key under two entries (a secret named once by name and once by ARN, two
 * variables holding the same value) passed it, and each entry's own ledger keyspace renewed the same domains again
 * (review 2026-12-04). At an account's first credentials read every account's key is read, once, and the check is
 * made on all of them: none of the entries sharing a key runs (whichever ran would ignore the other's holds and
 * budgets), whatever order they load in. An entry whose key could not be read at the check is compared once it
 * reads, with every key read so far, so it is refused and the entry that read the key first runs alone. The key
 * itself is never named.
 */
export function sharedKeyCheck(labels: readonly string[], providers: readonly CredentialsProvider[]) {
  // AccessKeyId -> the entries that read it: at the check, or later and let run. Every read is compared with all
  // of them, not with the check's results only: when the reads at the check failed together (throttling), each
  // later read found nothing to compare with, and both entries of one key ran (review 2026-12-05, round 4).
  const holders = new Map<string, Set<number>>();
  const hold = (accessKeyId: string, index: number) =>
    holders.set(accessKeyId, new Set([...(holders.get(accessKeyId) ?? []), index]));
  let loaded: Promise<void> | undefined;
  const load = async () =>
    (loaded ??= Promise.allSettled(providers.map((p) => p.get())).then((settled) =>
      settled.forEach((r, j) => {
        if (r.status === 'fulfilled') hold(r.value.accessKeyId, j);
      }),
    ));
  const admit = (index: number, creds: Credentials): Credentials => {
    const sharing = [...(holders.get(creds.accessKeyId) ?? [])].filter((j) => j !== index);
    if (sharing.length > 0)
      throw new InputError(
        `accounts ${[labels[index], ...sharing.map((j) => labels[j])].join(' and ')} use the same AccessKey: one Alibaba account under two entries of AUTORENEW_ACCOUNTS would be renewed twice; none of them runs until one entry per Alibaba account is left (account ${labels[index]} did nothing this run)`,
        { path: 'AUTORENEW_ACCOUNTS' },
      );
    hold(creds.accessKeyId, index);
    return creds;
  };
  return {
    guard(index: number, own: CredentialsProvider): CredentialsProvider {
      return {
        async get() {
          await load();
          return admit(index, await own.get());
        },
        async refresh() {
          await load();
          return admit(index, await own.refresh());
        },
      };
    },
  };
}

/** The distinct policy files the accounts use (each account's own, else the deployment's), in order. */
export function policyPathsOf(config: Readonly<Config>): string[] {
  return [...new Set(config.accounts.map((a) => a.policyPath ?? config.policyPath))];
}

/**
 * Reads the claims of `keys` in every ledger keyspace of `peers` (the deployment's other accounts), for the planner's
 * cross-account guard (JobDeps.peerClaims).
 */
export function peerClaimsOf(
  peers: readonly Pick<Ledger, 'getClaims' | 'listClaimsForDomain'>[],
): NonNullable<JobDeps['peerClaims']> {
  return async (keys, wholeDomains) =>
    (
      await Promise.all(
        peers.flatMap((p) => [
          keys.length > 0 ? p.getClaims(keys) : Promise.resolve([]),
          mapWithLimit(wholeDomains, LEDGER_CONCURRENCY, (d) => p.listClaimsForDomain(d)).then((all) => all.flat()),
        ]),
      )
    ).flat();
}
