import { type ResolvedAccount, resolveAccounts } from './accounts-options';
import { resolveFaults } from './faults';
import { generatePortfolio } from './generator';
import { checkBalance, checkCurrency, checkInt, checkNumber, validateFixture } from './option-checks';
import type { SandboxFaultSettings, SandboxFixtureDomain, SandboxOptions } from './types';

/** SandboxOptions with defaults applied and values checked. */
export interface ResolvedOptions {
  port: number;
  /** '' (the primary account). */
  name: string;
  accessKeyId: string;
  accessKeySecret: string;
  readOnlyAccessKeyId: string;
  readOnlyAccessKeySecret: string;
  seed: number;
  nowMs: number;
  freezeClock: boolean;
  taskMs: number;
  maxBatch: number;
  maxPageSize: number;
  balance: number;
  currency: string;
  rejectStaleExpiry: boolean;
  faults: SandboxFaultSettings;
  domains: SandboxFixtureDomain[];
  /** The extra accounts (options.accounts), checked, portfolios built. */
  accounts: ResolvedAccount[];
}

/** Applies defaults; throws InputError naming the bad option. */
export function resolveOptions(o: SandboxOptions): ResolvedOptions {
  const nowMs = checkNumber('nowMs', o.nowMs, 0, Date.now());
  const seed = checkInt('seed', o.seed, 0, 2 ** 32 - 1, 1);
  const count = checkInt('domains', o.domains, 0, 1_000_000, 50);
  const domains = o.fixture ? validateFixture(o.fixture) : generatePortfolio(count, seed, nowMs);
  const primary = {
    name: '',
    accessKeyId: o.accessKeyId || 'sandbox-access-key-id',
    accessKeySecret: o.accessKeySecret || 'sandbox-access-key-secret',
    readOnlyAccessKeyId: o.readOnlyAccessKeyId || 'sandbox-readonly-key-id',
    readOnlyAccessKeySecret: o.readOnlyAccessKeySecret || 'sandbox-readonly-key-secret',
  };
  return {
    port: checkInt('port', o.port, 0, 65535, 0),
    ...primary,
    accounts: resolveAccounts(o.accounts, primary, seed, nowMs),
    seed,
    nowMs,
    freezeClock: o.freezeClock ?? false,
    taskMs: checkNumber('taskMs', o.taskMs, 0, 60_000),
    maxBatch: checkInt('maxBatch', o.maxBatch, 1, 100_000, 100),
    maxPageSize: checkInt('maxPageSize', o.maxPageSize, 1, 100_000, 100),
    balance: checkBalance(o.balance ?? o.fixture?.balance),
    currency: checkCurrency(o.currency),
    rejectStaleExpiry: o.rejectStaleExpiry ?? true,
    faults: resolveFaults(o.faults ?? {}, 'sandbox option faults'),
    domains,
  };
}
