import { InputError } from '../errors';
import { generatePortfolio } from './generator';
import { checkBalance, checkCurrency, checkInt, validateFixture } from './option-checks';
import type { SandboxAccount, SandboxAccountOptions, SandboxFixtureDomain } from './types';

/** An extra account with its portfolio built and its values checked. */
export interface ResolvedAccount extends SandboxAccount {
  domains: SandboxFixtureDomain[];
  balance: number;
  currency: string;
}

const NAME_RE = /^[a-z0-9][a-z0-9-]{0,31}$/;
const KEYS = new Set([
  'name',
  'accessKeyId',
  'accessKeySecret',
  'readOnlyAccessKeyId',
  'readOnlyAccessKeySecret',
  'domains',
  'seed',
  'fixture',
  'balance',
  'currency',
]);

function requireText(value: unknown, where: string): string {
  if (typeof value !== 'string' || value === '') throw new InputError(`${where} must be a non-empty string`);
  return value;
}

function optionalText(value: unknown, where: string): string | undefined {
  return value === undefined ? undefined : requireText(value, where);
}

/** Checks one entry of options.accounts; `where` names it in errors (`sandbox option accounts[1] ("intl")`). */
function resolveAccount(a: SandboxAccountOptions, i: number, seed: number, nowMs: number): ResolvedAccount {
  if (typeof a !== 'object' || a === null || Array.isArray(a)) {
    throw new InputError(`sandbox option accounts[${i}] must be an object {name, accessKeyId, accessKeySecret, ...}`);
  }
  if (typeof a.name !== 'string' || !NAME_RE.test(a.name)) {
    throw new InputError(
      `sandbox option accounts[${i}].name must match ^[a-z0-9][a-z0-9-]{0,31}$ (lower-case letters, digits, '-'), got ${JSON.stringify(a.name)}`,
    );
  }
  const where = `sandbox option accounts[${i}] ("${a.name}")`;
  for (const key of Object.keys(a)) {
    if (!KEYS.has(key)) throw new InputError(`${where}: unknown key "${key}"; allowed: ${[...KEYS].join(', ')}`);
  }
  const accessKeyId = requireText(a.accessKeyId, `${where}.accessKeyId`);
  const accessKeySecret = requireText(a.accessKeySecret, `${where}.accessKeySecret`);
  const count = checkInt(`${where}.domains`, a.domains, 0, 1_000_000, 50);
  const ownSeed = checkInt(`${where}.seed`, a.seed, 0, 2 ** 32 - 1, (seed + i + 1) % 2 ** 32);
  return {
    name: a.name,
    accessKeyId,
    accessKeySecret,
    readOnlyAccessKeyId:
      optionalText(a.readOnlyAccessKeyId, `${where}.readOnlyAccessKeyId`) ?? `${accessKeyId}-readonly`,
    readOnlyAccessKeySecret:
      optionalText(a.readOnlyAccessKeySecret, `${where}.readOnlyAccessKeySecret`) ?? `${accessKeySecret}-readonly`,
    domains: a.fixture ? validateFixture(a.fixture, `${where}.fixture`) : generatePortfolio(count, ownSeed, nowMs),
    balance: checkBalance(a.balance ?? a.fixture?.balance, `${where}.balance`),
    currency: checkCurrency(a.currency, `${where}.currency`),
  };
}

/**
 * Checks options.accounts against each other and the primary account: names unique, every AccessKeyId (main and
 * read-only, of every account) used once, since the key id alone picks the account a request talks to.
 */
export function resolveAccounts(
  accounts: SandboxAccountOptions[] | undefined,
  primary: SandboxAccount,
  seed: number,
  nowMs: number,
): ResolvedAccount[] {
  if (accounts === undefined) return [];
  if (!Array.isArray(accounts)) throw new InputError('sandbox option accounts must be an array of account objects');
  const resolved = accounts.map((a, i) => resolveAccount(a, i, seed, nowMs));
  const names = new Set<string>();
  const keyOwners = new Map<string, string>();
  for (const account of [primary, ...resolved]) {
    const label = account.name === '' ? 'the primary account' : `account "${account.name}"`;
    if (account.name !== '') {
      if (names.has(account.name)) {
        throw new InputError(
          `sandbox option accounts: the name "${account.name}" is used twice; give each a unique name`,
        );
      }
      names.add(account.name);
    }
    // Messages name the fields, never the key ids themselves (errors never carry AccessKeyIds).
    for (const field of ['accessKeyId', 'readOnlyAccessKeyId'] as const) {
      const keyId = account[field];
      const owner = keyOwners.get(keyId);
      if (owner !== undefined) {
        throw new InputError(
          `sandbox option accounts: the ${field} of ${label} is already the ${owner}; every key id (main and read-only, of every account) must be unique`,
        );
      }
      keyOwners.set(keyId, `${field} of ${label}`);
    }
  }
  return resolved;
}
