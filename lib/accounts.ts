import { readFileSync } from 'node:fs';
import { dialectOf, SITE_PROFILES, SITES, type Site } from './alibaba/sites';
import { InputError } from './errors';
import { JsonSyntaxError, type LocatedJson, parseJsonWithPositions } from './policy/json-locate';

/**
 * One Alibaba Cloud account the deployment serves. The unnamed account ('') is what a deployment without
 * AUTORENEW_ACCOUNTS has always been: its ledger items keep the single-account keys (lib/ledger/items.ts Keyspace),
 * so an existing ledger is read and extended as it is. Named accounts each have their own keyspace.
 */
export interface Account {
  /** Lower-case letters, digits and hyphens, at most 32; '' = the unnamed account (shown as `default`). */
  name: string;
  site: Site;
  /** Domain API endpoint, without a trailing slash. */
  endpoint: string;
  /** BSS OpenAPI endpoint (the balance), without a trailing slash. */
  bssEndpoint: string;
  /** Domain API version sent (the site's default unless set). */
  apiVersion: string;
  /** Secrets Manager secret with this account's key (Lambda; locally optional). */
  secretId?: string;
  /** A read-only key's secret, for check and plan. */
  readOnlySecretId?: string;
  /** Local runs without a secret: the names of the environment variables holding this account's key. */
  keyEnv?: { id: string; secret: string; token?: string };
  /** Local runs: a profile of the Alibaba Cloud CLI's config file (`aliyun configure --profile NAME`). */
  profile?: { name: string; file?: string };
  /** This account's own policy file; absent: the deployment's (AUTORENEW_POLICY). */
  policyPath?: string;
}

/**
 * Whether what people see must name the accounts: several of them, or a named one. One unnamed account is what a
 * single-account deployment always was, and its messages and output stay exactly as they were.
 */
export function namesAccounts(accounts: readonly Pick<Account, 'name'>[]): boolean {
  return accounts.length > 1 || accounts.some((a) => a.name !== '');
}

/** How an account is named to people: its name, or `default` for the unnamed one. */
export function labelOf(account: Pick<Account, 'name'>): string {
  return account.name === '' ? 'default' : account.name;
}

const NAME_RE = /^[a-z0-9](?:[a-z0-9-]{0,30}[a-z0-9])?$/;
const ENV_NAME_RE = /^[A-Za-z_][A-Za-z0-9_]{0,127}$/;
/** Settings a deployment with AUTORENEW_ACCOUNTS takes from each account instead. */
export const PER_ACCOUNT_VARIABLES = [
  'AUTORENEW_SITE',
  'AUTORENEW_ENDPOINT',
  'AUTORENEW_BSS_ENDPOINT',
  'AUTORENEW_API_VERSION',
  'AUTORENEW_SECRET_ID',
  'AUTORENEW_READONLY_SECRET_ID',
] as const;

const FIELDS = [
  'name',
  'site',
  'endpoint',
  'bssEndpoint',
  'apiVersion',
  'secretId',
  'readOnlySecretId',
  'accessKeyIdEnv',
  'accessKeySecretEnv',
  'securityTokenEnv',
  'profile',
  'profileFile',
  'policy',
] as const;

/** Reads an endpoint (see lib/config.ts readEndpoint); `where` names the setting in errors. */
export type EndpointReader = (value: string, where: string, example: string) => string;

/** What the account list was read from, for error messages. */
function sourceOf(raw: string): { text: string; where: string } {
  const trimmed = raw.trim();
  if (trimmed.startsWith('[')) return { text: trimmed, where: 'AUTORENEW_ACCOUNTS' };
  try {
    return { text: readFileSync(trimmed, 'utf8'), where: `AUTORENEW_ACCOUNTS file ${trimmed}` };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'error';
    throw new InputError(
      `AUTORENEW_ACCOUNTS: cannot read the accounts file ${trimmed} (${code}); give a JSON array of accounts or the path of a file holding one`,
      { path: 'AUTORENEW_ACCOUNTS' },
    );
  }
}

function optionalString(entry: Record<string, unknown>, key: string, where: string): string | undefined {
  const v = entry[key];
  if (v === undefined) return undefined;
  if (typeof v !== 'string' || v.trim() === '') {
    throw new InputError(`${where}.${key} must be a non-empty string`, { path: `${where}.${key}` });
  }
  return v.trim();
}

/**
 * Whether a "variable name" is rather a key pasted in its place: an AccessKeyId (`LTAI…`), or a run of 24 or more
 * mixed-case letters and digits without an underscore (an AccessKey secret has 30). Shorter camel-case names with a
 * digit, such as `AliyunAccessKey1`, are names: a 16-character bound refused them.
 */
function looksLikeKey(value: string): boolean {
  return (
    /^LTAI/i.test(value) ||
    (value.length >= 24 && !value.includes('_') && /[a-z]/.test(value) && /[A-Z]/.test(value) && /\d/.test(value))
  );
}

/**
 * The name of a variable holding a key. Its value is never shown in an error: a key pasted in place of the name
 * was echoed to the terminal and the logs (review 2026-12-05, round 4).
 */
function envName(entry: Record<string, unknown>, key: string, where: string): string | undefined {
  const v = optionalString(entry, key, where);
  if (v !== undefined && (!ENV_NAME_RE.test(v) || looksLikeKey(v))) {
    throw new InputError(
      `${where}.${key} must be the name of the environment variable holding the key (letters, digits and _), not the key itself: put the key in a variable (e.g. CN_KEY_SECRET) and name that variable here (the value given is not shown)`,
      { path: `${where}.${key}` },
    );
  }
  return v;
}

function readAccount(value: unknown, index: number, readEndpoint: EndpointReader, loopback: (e: string) => boolean) {
  const where = `AUTORENEW_ACCOUNTS[${index}]`;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new InputError(`${where} must be an object such as {"name": "cn-main", "site": "cn", "secretId": "..."}`, {
      path: where,
    });
  }
  const entry = value as Record<string, unknown>;
  const unknown = Object.keys(entry).filter((k) => !(FIELDS as readonly string[]).includes(k));
  if (unknown.length > 0) {
    throw new InputError(`${where} has unknown key ${JSON.stringify(unknown[0])}; the keys are ${FIELDS.join(', ')}`, {
      path: `${where}.${unknown[0]}`,
    });
  }
  const rawName = entry.name ?? '';
  if (typeof rawName !== 'string' || (rawName !== '' && !NAME_RE.test(rawName)) || rawName === 'default') {
    throw new InputError(
      `${where}.name=${JSON.stringify(rawName)}: use 1-32 lower-case letters, digits and hyphens (not "default"), or "" for the unnamed account whose ledger predates accounts`,
      { path: `${where}.name` },
    );
  }
  const rawSite = entry.site ?? 'cn';
  const site = SITES.find((s) => s === rawSite);
  if (!site) {
    throw new InputError(`${where}.site=${JSON.stringify(rawSite)}: use "cn" (China site) or "intl" (international)`, {
      path: `${where}.site`,
    });
  }
  const profile = SITE_PROFILES[site];
  const apiVersion = dialectOf(
    optionalString(entry, 'apiVersion', where) ?? profile.apiVersion,
    `${where}.apiVersion`,
  ).version;
  const endpoint = readEndpoint(
    optionalString(entry, 'endpoint', where) ?? profile.endpoint,
    `${where}.endpoint`,
    profile.endpoint,
  );
  const bssEndpoint = readEndpoint(
    optionalString(entry, 'bssEndpoint', where) ?? (loopback(endpoint) ? endpoint : profile.bssEndpoint),
    `${where}.bssEndpoint`,
    profile.bssEndpoint,
  );
  const id = envName(entry, 'accessKeyIdEnv', where);
  const secret = envName(entry, 'accessKeySecretEnv', where);
  const token = envName(entry, 'securityTokenEnv', where);
  if ((id === undefined) !== (secret === undefined) || (token !== undefined && id === undefined)) {
    throw new InputError(`${where}: give accessKeyIdEnv and accessKeySecretEnv together (securityTokenEnv with them)`, {
      path: `${where}.accessKeyIdEnv`,
    });
  }
  const profileName = optionalString(entry, 'profile', where);
  const profileFile = optionalString(entry, 'profileFile', where);
  if (profileFile !== undefined && profileName === undefined) {
    throw new InputError(`${where}.profileFile needs profile (the profile's name in that file)`, {
      path: `${where}.profileFile`,
    });
  }
  if (profileName !== undefined && id !== undefined) {
    throw new InputError(`${where}: give one key source, profile or accessKeyIdEnv/accessKeySecretEnv, not both`, {
      path: `${where}.profile`,
    });
  }
  const account: Account = {
    name: rawName,
    site,
    endpoint: endpoint.replace(/\/+$/, ''),
    bssEndpoint: bssEndpoint.replace(/\/+$/, ''),
    apiVersion,
  };
  const secretId = optionalString(entry, 'secretId', where);
  const readOnlySecretId = optionalString(entry, 'readOnlySecretId', where);
  const policyPath = optionalString(entry, 'policy', where);
  if (secretId) account.secretId = secretId;
  if (readOnlySecretId) account.readOnlySecretId = readOnlySecretId;
  if (id && secret) account.keyEnv = { id, secret, ...(token ? { token } : {}) };
  if (profileName) account.profile = { name: profileName, ...(profileFile ? { file: profileFile } : {}) };
  if (policyPath) account.policyPath = policyPath;
  return account;
}

/** Throws when two accounts share a name, a secret or a key variable: one Alibaba account served twice buys twice. */
function checkDistinct(accounts: readonly Account[]): void {
  const seen = new Map<string, number>();
  const claim = (key: string, index: number, what: string) => {
    const first = seen.get(key);
    if (first !== undefined) {
      throw new InputError(
        `AUTORENEW_ACCOUNTS[${index}] has the same ${what} as AUTORENEW_ACCOUNTS[${first}]; each account once ` +
          '(the same Alibaba account under two entries would be renewed twice)',
        { path: `AUTORENEW_ACCOUNTS[${index}]` },
      );
    }
    seen.set(key, index);
  };
  for (const [i, a] of accounts.entries()) {
    claim(`name:${a.name}`, i, a.name === '' ? 'empty name (one unnamed account at most)' : `name "${a.name}"`);
    if (a.secretId) claim(`secret:${a.secretId}`, i, `secret ${a.secretId}`);
    if (a.keyEnv) claim(`env:${a.keyEnv.id}`, i, `key variable ${a.keyEnv.id}`);
    if (a.profile) claim(`profile:${a.profile.file ?? ''}#${a.profile.name}`, i, `profile ${a.profile.name}`);
  }
  // A read-only secret that is another account's secret would run that account's plan and check with the other
  // account's key (one that can buy).
  for (const [i, a] of accounts.entries()) {
    const ro = a.readOnlySecretId;
    const j = accounts.findIndex((b, k) => k !== i && (b.secretId === ro || b.readOnlySecretId === ro));
    if (ro && j >= 0) {
      throw new InputError(
        `AUTORENEW_ACCOUNTS[${i}] has the read-only secret ${ro}, which AUTORENEW_ACCOUNTS[${j}] also names; each account reads its own keys`,
        { path: `AUTORENEW_ACCOUNTS[${i}].readOnlySecretId` },
      );
    }
  }
  const keyless = (a: Account) => !a.secretId && !a.keyEnv && !a.profile;
  if (accounts.length > 1 && accounts.some(keyless)) {
    const i = accounts.findIndex(keyless);
    throw new InputError(
      `AUTORENEW_ACCOUNTS[${i}] names no key: with several accounts each needs secretId (Secrets Manager), or on the CLI accessKeyIdEnv and accessKeySecretEnv or profile (an Alibaba Cloud CLI profile)`,
      { path: `AUTORENEW_ACCOUNTS[${i}]` },
    );
  }
}

/**
 * The accounts of AUTORENEW_ACCOUNTS: a JSON array, or the path of a file holding one. Strict: unknown keys,
 * duplicate names, secrets or key variables are errors naming the entry and the fix. Endpoints go through
 * `readEndpoint`, the same rules as AUTORENEW_ENDPOINT.
 */
export function parseAccounts(
  raw: string,
  readEndpoint: EndpointReader,
  isLoopback: (endpoint: string) => boolean,
): Account[] {
  const { text, where } = sourceOf(raw);
  let located: LocatedJson;
  try {
    located = parseJsonWithPositions(text);
  } catch (err) {
    if (!(err instanceof JsonSyntaxError)) throw err;
    throw new InputError(`${where} is not valid JSON (${err.message}); give a JSON array of accounts`, {
      path: 'AUTORENEW_ACCOUNTS',
    });
  }
  // JSON keeps the last of two equal keys silently: a second "policy" or "secretId" would win unseen.
  const twice = located.duplicates[0];
  if (twice) {
    throw new InputError(
      `AUTORENEW_ACCOUNTS${twice.path} appears twice: JSON keeps only the last one; remove the other (${where}, line ${twice.position.line})`,
      { path: `AUTORENEW_ACCOUNTS${twice.path}` },
    );
  }
  const data: unknown = located.value;
  if (!Array.isArray(data) || data.length === 0) {
    throw new InputError(`${where} must be a non-empty JSON array of accounts`, { path: 'AUTORENEW_ACCOUNTS' });
  }
  const accounts = data.map((entry, i) => readAccount(entry, i, readEndpoint, isLoopback));
  checkDistinct(accounts);
  return accounts;
}

/** The accounts `--account NAME` picks (all when absent); InputError listing the names when none matches. */
export function selectAccounts(accounts: readonly Account[], name: string | undefined): Account[] {
  if (name === undefined) return [...accounts];
  const picked = accounts.filter((a) => labelOf(a) === name || a.name === name);
  if (picked.length === 0) {
    throw new InputError(
      `--account ${JSON.stringify(name)} is not a configured account; the accounts are ${accounts.map(labelOf).join(', ')}`,
      { path: '--account' },
    );
  }
  return picked;
}
