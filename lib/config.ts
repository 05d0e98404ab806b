import { type Account, PER_ACCOUNT_VARIABLES, parseAccounts } from './accounts';
import { dialectOf, SITE_PROFILES, SITES, type Site } from './alibaba/sites';
import { SETTING_NAMES as SETTINGS } from './config-names';
import { InputError } from './errors';
import { suggestKey } from './policy/describe';

/** Every setting read from the environment, in one place (documented in the README). Frozen after parsing. */
export interface Config {
  /** Policy file path (AUTORENEW_POLICY), default policies/default.json. */
  policyPath: string;
  /** Domain API endpoint (AUTORENEW_ENDPOINT). */
  endpoint: string;
  /** Secrets Manager secret id (AUTORENEW_SECRET_ID); absent: local env credentials. */
  secretId?: string;
  /**
   * A second secret with a read-only Alibaba key (AUTORENEW_READONLY_SECRET_ID): list and query, never buy. The check
   * job and `plan` use it when set; absent, they use AUTORENEW_SECRET_ID (whose key can buy).
   */
  readOnlySecretId?: string;
  /** DynamoDB table (AUTORENEW_TABLE); absent: embedded ledger. */
  table?: string;
  /** Local DynamoDB endpoint (AUTORENEW_DYNAMODB_ENDPOINT). */
  dynamodbEndpoint?: string;
  /** Embedded ledger directory (AUTORENEW_LEDGER_DIR). */
  ledgerDir: string;
  /** SNS topic (AUTORENEW_TOPIC_ARN); absent: console notifier. */
  topicArn?: string;
  /** AUTORENEW_DRY_RUN: plan only, never submit. */
  dryRun: boolean;
  /** AUTORENEW_CLIENT_IP, sent as UserClientIp. */
  clientIp?: string;
  /** AUTORENEW_QPS: client-side Domain API call budget per second (Alibaba publishes no limit). */
  qps: number;
  /** AUTORENEW_PAGE_SIZE: QueryDomainList page size (the API's maximum is UNCONFIRMED). */
  pageSize: number;
  /**
   * BSS OpenAPI endpoint for the balance (AUTORENEW_BSS_ENDPOINT). Default https://business.aliyuncs.com; when
   * AUTORENEW_ENDPOINT is a loopback sandbox and this is unset, the sandbox itself (it serves both products).
   */
  bssEndpoint: string;
  /** AUTORENEW_QUOTE_CHUNK: domains per QueryDomainRealTimePrice request (default 20; the API's limit is undocumented). */
  quoteChunk: number;
  /** AUTORENEW_SITE: the Alibaba Cloud site of the account, `cn` (default) or `intl`; picks the endpoint defaults. */
  site: Site;
  /** AUTORENEW_API_VERSION: the Domain API version sent; default the site's (cn 2018-01-29, intl 2017-12-18). */
  apiVersion: string;
  /**
   * The accounts served (AUTORENEW_ACCOUNTS, lib/accounts.ts), never empty. Without AUTORENEW_ACCOUNTS: one unnamed
   * account built from the settings above. With it, the settings above describe the first account.
   */
  accounts: readonly Readonly<Account>[];
  /**
   * AUTORENEW_GLOBAL_MAX_DOMAINS: domains per UTC day across all accounts, on top of each policy's own
   * limits.maxDomainsPerRun, shared max-min fairly among the accounts of a run (lib/jobs/accounts.ts). Absent: none.
   */
  globalMaxDomains?: number;
}

/** Domain API, China site (each site's defaults: lib/alibaba/sites.ts). */
export const DEFAULT_ENDPOINT = SITE_PROFILES.cn.endpoint;
/** BSS OpenAPI, China site. */
export const DEFAULT_BSS_ENDPOINT = SITE_PROFILES.cn.bssEndpoint;
export const DEFAULT_POLICY = 'policies/default.json';

type Env = Readonly<Record<string, string | undefined>>;

/** Throws when `name` is set but empty (blank): `fix` says what to do. */
function refuseEmpty(env: Env, name: string, fix: string): void {
  if (env[name] !== undefined && env[name].trim() === '')
    throw new InputError(`${name} is set but empty; ${fix}`, { path: name });
}

/**
 * A boolean setting's text as the functions read it: true, 1, yes / false, 0, no, or '' (unset: false), any case and
 * spaces around; undefined for anything else. Doctor reads a stack's DryRun output with it too.
 */
export function parseBoolText(text: string): boolean | undefined {
  const raw = text.trim().toLowerCase();
  if (raw === '' || raw === 'false' || raw === '0' || raw === 'no') return false;
  if (raw === 'true' || raw === '1' || raw === 'yes') return true;
  return undefined;
}

function readBool(env: Env, name: string): boolean {
  // Set but empty is refused, not read as false: AUTORENEW_DRY_RUN="" (a variable meant to be filled in) bought
  // (review 2026-12-05, round 4).
  refuseEmpty(env, name, 'set it to true or false, or unset it');
  const value = parseBoolText(env[name] ?? '');
  if (value !== undefined) return value;
  throw new InputError(`${name}=${JSON.stringify(env[name])} is not a boolean; use true or false`, { path: name });
}

function readNumber(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name]?.trim();
  if (!raw) return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < min || n > max) {
    throw new InputError(`${name}=${JSON.stringify(raw)} must be a number from ${min} to ${max}`, { path: name });
  }
  return n;
}

function readInteger(env: Env, name: string, fallback: number, min: number, max: number): number {
  const n = readNumber(env, name, fallback, min, max);
  if (!Number.isInteger(n)) {
    throw new InputError(`${name}=${JSON.stringify(env[name])} must be a whole number from ${min} to ${max}`, {
      path: name,
    });
  }
  return n;
}

/**
 * An API endpoint from `name` (or `fallback`): a URL, `https://`, or plain `http://` to a loopback sandbox only —
 * signed requests (and renew's paid ones) never travel in clear text. Refused before any request.
 */
function readEndpoint(env: Env, name: string, fallback: string): string {
  const example = name === 'AUTORENEW_BSS_ENDPOINT' ? DEFAULT_BSS_ENDPOINT : DEFAULT_ENDPOINT;
  return checkEndpoint(readOptional(env, name) ?? fallback, name, example);
}

/** An endpoint's value checked (see readEndpoint); `name` says where it was set, `example` a right one. */
function checkEndpoint(endpoint: string, name: string, example: string): string {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    // Quoted with everything up to its last "@" masked: the value never parsed, so its parts are not known, and a
    // password may hold a "/" (review 2026-12-07: `[^/]*@` left such a password whole).
    const shown = endpoint.replace(/^([a-z][a-z0-9+.-]*:\/\/)?.*@/i, (_m, scheme?: string) => `${scheme ?? ''}***@`);
    throw new InputError(`${name}=${JSON.stringify(shown)} is not a URL; use e.g. ${example}`, { path: name });
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new InputError(`${name} must start with https:// (or http:// for a loopback sandbox)`, { path: name });
  }
  // Never quoted: the password would reach the logs, the terminal and the error notice (review 2026-12-07).
  if (url.username !== '' || url.password !== '') {
    throw new InputError(`${name} must not carry a user name or password (user:password@); use e.g. ${example}`, {
      path: name,
    });
  }
  if (url.protocol === 'http:' && !isSandboxEndpoint(endpoint)) {
    throw new InputError(
      `${name}=${JSON.stringify(endpoint)}: plain http is allowed for a loopback sandbox only (127.0.0.1, ::1, localhost); use https:// (e.g. ${example})`,
      { path: name },
    );
  }
  return endpoint;
}

function readOptional(env: Env, name: string): string | undefined {
  const v = env[name]?.trim();
  return v ? v : undefined;
}

/**
 * A setting whose default picks another policy or ledger: set but empty is refused, not read as unset
 * (AUTORENEW_POLICY="$P" with P unset ran the default policy, which buys every domain within 30 days; an empty
 * ledger setting a ledger that knows none of the claims: review 2026-12-05, round 4). The deployment always fills
 * them; settings it may leave empty (an endpoint, the client IP) still read empty as unset.
 */
function readChosen(env: Env, name: string, fallback: string): string | undefined {
  refuseEmpty(env, name, `set it, or unset it for ${fallback}`);
  return readOptional(env, name);
}

/**
 * AUTORENEW_TABLE, a table's name. DynamoDB takes its ARN too, but whether a table is a stage's (its hand runs then
 * leave their notices to the stage's topic and record no renew run) is told by its name: by its ARN, a hand run
 * marked a will-lapse line delivered to one terminal and posed as the stage's last renew run (review 2026-12-07,
 * twenty-sixth session).
 */
function readTable(env: Env): string | undefined {
  const table = readChosen(env, 'AUTORENEW_TABLE', 'the embedded ledger (AUTORENEW_LEDGER_DIR)');
  if (table?.startsWith('arn:')) {
    const name = table.slice(table.lastIndexOf('/') + 1);
    throw new InputError(
      `AUTORENEW_TABLE is an ARN: give the table's name${name && name !== table ? ` (${name})` : ''}, not its ARN`,
      { path: 'AUTORENEW_TABLE' },
    );
  }
  return table;
}

function readSite(env: Env): Site {
  const raw = readOptional(env, 'AUTORENEW_SITE') ?? 'cn';
  const site = SITES.find((s) => s === raw.toLowerCase());
  if (!site) {
    throw new InputError(
      `AUTORENEW_SITE=${JSON.stringify(raw)} is not an Alibaba Cloud site; use cn (China site, the default) or intl (international site)`,
      { path: 'AUTORENEW_SITE' },
    );
  }
  return site;
}

/** The accounts: AUTORENEW_ACCOUNTS, or the one unnamed account of the single-account settings. */
function readAccounts(env: Env, single: Account): Account[] {
  const raw = readOptional(env, 'AUTORENEW_ACCOUNTS');
  if (raw === undefined) return [single];
  const clash = PER_ACCOUNT_VARIABLES.find((name) => readOptional(env, name) !== undefined);
  if (clash) {
    throw new InputError(
      `${clash} is set together with AUTORENEW_ACCOUNTS; with accounts each entry carries its own site, endpoints, API version and secrets: move it into the account and unset ${clash}`,
      { path: clash },
    );
  }
  return parseAccounts(raw, checkEndpoint, isSandboxEndpoint);
}

/** Prefixes of variables that are not settings: chat targets (named by the policy) and the test suite's. */
export const UNLISTED_PREFIXES = ['AUTORENEW_TARGET_', 'AUTORENEW_TEST_'] as const;

/**
 * Throws on an AUTORENEW_ variable that is no setting: a misspelt one was ignored without a word (review 2026-12-04:
 * a dry-run flag spelt without its underscore left the run buying).
 */
function refuseUnknownVariables(env: Env, named: readonly string[]): void {
  const squeeze = (name: string) => name.toUpperCase().replace(/_/g, '');
  for (const name of Object.keys(env)) {
    // A near miss of the prefix too (autorenew_dry_run, AUTO_RENEW_DRY_RUN): ignored, the run bought (review
    // 2026-12-05, round 4). Variable names are case-sensitive.
    const nearMiss = !name.startsWith('AUTORENEW_') && squeeze(name).startsWith('AUTORENEW');
    if ((!name.startsWith('AUTORENEW_') && !nearMiss) || SETTINGS.includes(name) || named.includes(name)) continue;
    if (!nearMiss && UNLISTED_PREFIXES.some((prefix) => name.startsWith(prefix))) continue;
    const meant =
      SETTINGS.find((s) => squeeze(s) === squeeze(name)) ??
      suggestKey(name, SETTINGS) ??
      SETTINGS.find((s) => s.startsWith(name) || name.startsWith(s));
    throw new InputError(
      `${name} is not an autorenew setting${meant ? ` (did you mean ${meant}?)` : ''}; unset it or correct its name (\`autorenew help\` lists the settings): it would be ignored`,
      { path: name },
    );
  }
}

/** Parses and validates the environment once; throws InputError naming the variable and the fix. */
export function readConfig(env: Env): Readonly<Config> {
  const site = readSite(env);
  const profile = SITE_PROFILES[site];
  const apiVersion = dialectOf(readOptional(env, 'AUTORENEW_API_VERSION') ?? profile.apiVersion).version;
  const endpoint = readEndpoint(env, 'AUTORENEW_ENDPOINT', profile.endpoint);
  const bssEndpoint = readEndpoint(
    env,
    'AUTORENEW_BSS_ENDPOINT',
    isSandboxEndpoint(endpoint) ? endpoint : profile.bssEndpoint,
  );
  const optional = {
    secretId: readOptional(env, 'AUTORENEW_SECRET_ID'),
    readOnlySecretId: readOptional(env, 'AUTORENEW_READONLY_SECRET_ID'),
    table: readTable(env),
    dynamodbEndpoint: readOptional(env, 'AUTORENEW_DYNAMODB_ENDPOINT'),
    topicArn: readOptional(env, 'AUTORENEW_TOPIC_ARN'),
    clientIp: readOptional(env, 'AUTORENEW_CLIENT_IP'),
  };
  const config: Config = {
    policyPath: readChosen(env, 'AUTORENEW_POLICY', `the default policy (${DEFAULT_POLICY})`) ?? DEFAULT_POLICY,
    endpoint: endpoint.replace(/\/+$/, ''),
    ledgerDir: readChosen(env, 'AUTORENEW_LEDGER_DIR', 'the default ledger directory (.autorenew)') ?? '.autorenew',
    dryRun: readBool(env, 'AUTORENEW_DRY_RUN'),
    qps: readNumber(env, 'AUTORENEW_QPS', 10, 0.1, 1000),
    pageSize: readInteger(env, 'AUTORENEW_PAGE_SIZE', 100, 1, 1000),
    bssEndpoint: bssEndpoint.replace(/\/+$/, ''),
    quoteChunk: readInteger(env, 'AUTORENEW_QUOTE_CHUNK', 20, 1, 100),
    ...(readOptional(env, 'AUTORENEW_GLOBAL_MAX_DOMAINS') !== undefined
      ? { globalMaxDomains: readInteger(env, 'AUTORENEW_GLOBAL_MAX_DOMAINS', 0, 1, 100_000) }
      : {}),
    site,
    apiVersion,
    accounts: [],
  };
  for (const [k, v] of Object.entries(optional))
    if (v !== undefined) (config as unknown as Record<string, string>)[k] = v;
  const accounts = readAccounts(env, {
    name: '',
    site,
    endpoint: config.endpoint,
    bssEndpoint: config.bssEndpoint,
    apiVersion,
    ...(config.secretId ? { secretId: config.secretId } : {}),
    ...(config.readOnlySecretId ? { readOnlySecretId: config.readOnlySecretId } : {}),
  });
  // After the accounts: a variable an account names for its key (accessKeyIdEnv...) may have any name.
  refuseUnknownVariables(
    env,
    accounts.flatMap((a) =>
      a.keyEnv ? [a.keyEnv.id, a.keyEnv.secret, ...(a.keyEnv.token ? [a.keyEnv.token] : [])] : [],
    ),
  );
  const first = accounts[0] as Account;
  // The single-account settings describe the first account, for the commands that serve one account.
  Object.assign(config, {
    site: first.site,
    endpoint: first.endpoint,
    bssEndpoint: first.bssEndpoint,
    apiVersion: first.apiVersion,
    accounts: Object.freeze(accounts.map((a) => Object.freeze(a))),
  });
  if (first.secretId) config.secretId = first.secretId;
  if (first.readOnlySecretId) config.readOnlySecretId = first.readOnlySecretId;
  return Object.freeze(config);
}

/**
 * Inside Lambda the registrar can only be Alibaba's own API: `https://` on a `*.aliyuncs.com` host, no credentials
 * or port in the URL. Anything else (a typo'd or planted endpoint would receive every signed request, and renew's
 * paid ones) is a configuration error at cold start, before any call.
 */
export function checkLambdaEndpoint(endpoint: string, name = 'AUTORENEW_ENDPOINT'): void {
  let url: URL | undefined;
  try {
    url = new URL(endpoint);
  } catch {
    url = undefined;
  }
  const host = url?.hostname.toLowerCase() ?? '';
  const ok =
    url?.protocol === 'https:' &&
    url.username === '' &&
    url.password === '' &&
    url.port === '' &&
    /^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+aliyuncs\.com$/.test(host);
  if (!ok) {
    throw new InputError(
      `${name}=${JSON.stringify(endpoint)} is not allowed in Lambda: use https://<name>.aliyuncs.com ` +
        `(default ${name === 'AUTORENEW_BSS_ENDPOINT' ? DEFAULT_BSS_ENDPOINT : DEFAULT_ENDPOINT}); other endpoints are for the local CLI and the sandbox only`,
      { path: name },
    );
  }
}

/**
 * True when the endpoint is a sandbox on this machine: plain http to a loopback address, where nothing real is bought,
 * `--at` and fast clocks are allowed and renew does not ask. https to a loopback address is no sandbox (the sandbox
 * serves http only): it may be a TLS proxy or tunnel to the real registrar (review 2026-12-05, round 4).
 */
export function isSandboxEndpoint(endpoint: string): boolean {
  try {
    const url = new URL(endpoint);
    if (url.protocol !== 'http:') return false;
    const host = url.hostname;
    // An IPv4 literal in 127/8 only: `127.0.0.1.example.com` is a DNS name that can point anywhere.
    return host === 'localhost' || host === '[::1]' || host === '::1' || /^127(?:\.\d{1,3}){3}$/.test(host);
  } catch {
    return false;
  }
}
