import type { SandboxFixture } from '../sandbox';

const DAY_MS = 86_400_000;

/**
 * A small, realistic mixed portfolio relative to `nowMs`: due and not due, expired within the grace period,
 * in redemption, premium, several TLDs and groups, an IDN, one domain with Alibaba's own auto-renew on (skipped),
 * one the demo puts on hold, and one priced above the account balance, so it is deferred with a top-up message.
 */
export function buildDemoPortfolio(nowMs: number): SandboxFixture {
  const at = (days: number) => nowMs + Math.round(days * DAY_MS);
  return {
    balance: 5_000,
    domains: [
      { domainName: 'acme.com', expiresAtMs: at(12), groupName: 'Brand' },
      { domainName: 'acme.cn', expiresAtMs: at(5), groupName: 'Brand' },
      { domainName: 'acme.com.cn', expiresAtMs: at(8), groupName: 'Brand' },
      { domainName: 'acme-shop.net', expiresAtMs: at(25), groupName: 'Marketing' },
      { domainName: 'acme-events.org', expiresAtMs: at(29.5), groupName: 'Marketing' },
      { domainName: '例子.中国', expiresAtMs: at(20) },
      { domainName: 'acme-labs.io', expiresAtMs: at(-3), groupName: 'Legacy' },
      { domainName: 'old-campaign.com', expiresAtMs: at(-45), groupName: 'Legacy' },
      { domainName: 'gold.xyz', expiresAtMs: at(10), premium: true },
      { domainName: 'acme-app.com', expiresAtMs: at(18), autoRenewEnabled: true },
      { domainName: 'big-ticket.io', expiresAtMs: at(15), price: 100_000 },
      { domainName: 'summer-sale.xyz', expiresAtMs: at(200), groupName: 'Marketing' },
      { domainName: 'acme.net', expiresAtMs: at(400), groupName: 'Brand' },
      { domainName: 'acme-legacy.net', expiresAtMs: at(60), groupName: 'Legacy' },
    ],
  };
}

/**
 * The demo's second account, on the international site (USD): one due domain priced by CheckDomain, one due later
 * in the window, one not due.
 */
export function buildIntlPortfolio(nowMs: number): SandboxFixture {
  const at = (days: number) => nowMs + Math.round(days * DAY_MS);
  return {
    balance: 200,
    domains: [
      { domainName: 'acme-global.com', expiresAtMs: at(6), price: 12.5 },
      { domainName: 'acme-global.net', expiresAtMs: at(21), price: 14 },
      { domainName: 'acme-global.org', expiresAtMs: at(300) },
    ],
  };
}
