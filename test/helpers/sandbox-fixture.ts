import type { SandboxFixture } from '../../lib/sandbox';

/** 2026-01-01T00:00:00Z: the simulated "now" of the fixture-based sandbox tests. */
export const SANDBOX_NOW_MS = Date.UTC(2026, 0, 1);
export const DAY_MS = 86_400_000;

/**
 * A small hand-made portfolio around {@link SANDBOX_NOW_MS}: one domain per interesting case.
 * Prices are the TLD defaults (com 69, cn 39, net 79) unless given.
 */
export function createTestFixture(): SandboxFixture {
  const at = (days: number) => SANDBOX_NOW_MS + days * DAY_MS;
  return {
    domains: [
      { domainName: 'due-soon.com', expiresAtMs: at(10), groupName: 'Brand', groupId: '1001' },
      { domainName: 'far-away.com', expiresAtMs: at(300) },
      { domainName: 'in-grace.cn', expiresAtMs: at(-5), groupName: 'Marketing', groupId: '1002' },
      { domainName: 'redeem-me.net', expiresAtMs: at(-45) },
      { domainName: 'fancy.com', expiresAtMs: at(20), premium: true, price: 5000 },
      { domainName: 'nine-years.org', expiresAtMs: at(9 * 365) },
      { domainName: '例子.中国', expiresAtMs: at(15), groupName: 'Legacy', groupId: '1003' },
      { domainName: 'pricey.io', expiresAtMs: at(25), price: 4000 },
    ],
  };
}
