import { InputError } from '../errors';
import { isAmount } from './model';
import type { SandboxFixture, SandboxFixtureDomain } from './types';

// Checks of sandbox option values, shared by the primary account's options (options.ts) and the extra accounts'
// (accounts-options.ts).

export function checkInt(name: string, v: number | undefined, min: number, max: number, dflt: number): number {
  if (v === undefined) return dflt;
  if (!Number.isInteger(v) || v < min || v > max) {
    throw new InputError(`sandbox option ${name} must be an integer from ${min} to ${max}, got ${String(v)}`);
  }
  return v;
}

export function checkNumber(name: string, v: number | undefined, min: number, dflt: number): number {
  if (v === undefined) return dflt;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < min) {
    throw new InputError(`sandbox option ${name} must be a number >= ${min}, got ${String(v)}`);
  }
  return v;
}

/** The account balance: an amount with at most two decimals, negative allowed (an account in debt). */
export function checkBalance(v: number | undefined, name = 'sandbox option balance'): number {
  if (v === undefined) return 1e9;
  if (typeof v !== 'number' || !isAmount(v)) {
    throw new InputError(`${name} must be an amount with at most two decimals, got ${String(v)}`);
  }
  return v;
}

/** The account currency: an ISO 4217 code (default CNY). */
export function checkCurrency(v: string | undefined, name = 'sandbox option currency'): string {
  if (v === undefined) return 'CNY';
  if (typeof v !== 'string' || !/^[A-Z]{3}$/.test(v)) {
    throw new InputError(`${name} must be an ISO 4217 code such as "CNY" or "USD", got ${String(v)}`);
  }
  return v;
}

/** Checks a fixture: every domain has a name and a numeric expiry, names are unique (case-insensitive). */
export function validateFixture(fixture: SandboxFixture, where = 'fixture'): SandboxFixtureDomain[] {
  if (!fixture || !Array.isArray(fixture.domains)) throw new InputError(`${where}: "domains" must be an array`);
  const seen = new Set<string>();
  fixture.domains.forEach((d, i) => {
    const at = `${where}: domains[${i}]`;
    if (typeof d?.domainName !== 'string' || d.domainName.trim() === '') {
      throw new InputError(`${at}.domainName must be a non-empty string`);
    }
    if (typeof d.expiresAtMs !== 'number' || !Number.isFinite(d.expiresAtMs)) {
      throw new InputError(`${at}.expiresAtMs must be epoch milliseconds (a number)`);
    }
    if (d.price !== undefined && (typeof d.price !== 'number' || d.price <= 0 || !isAmount(d.price))) {
      throw new InputError(`${at}.price must be a positive amount with at most two decimals`);
    }
    if (d.autoRenewEnabled !== undefined && typeof d.autoRenewEnabled !== 'boolean') {
      throw new InputError(`${at}.autoRenewEnabled must be true or false`);
    }
    const key = d.domainName.toLowerCase();
    if (seen.has(key)) throw new InputError(`${at}.domainName "${d.domainName}" appears twice`);
    seen.add(key);
  });
  if (fixture.balance !== undefined && (typeof fixture.balance !== 'number' || !isAmount(fixture.balance))) {
    throw new InputError(`${where}: balance must be an amount with at most two decimals (may be negative)`);
  }
  return fixture.domains.map((d) => ({ ...d }));
}
