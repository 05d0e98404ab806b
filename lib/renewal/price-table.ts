import { type Money, parseMoney } from '../money';
import type { Policy } from '../policy/schema';

/**
 * The policy's one-year price for `domainName` from `money.priceTable`: the longest TLD key the name ends with wins
 * (`com.cn` before `cn`). Parsed exactly into minor units of `money.currency` (never a float).
 * @returns the one-year price, or undefined when no key matches
 */
export function findTablePrice(policy: Policy, domainName: string): Money | undefined {
  const table = policy.money.priceTable;
  if (!table) return undefined;
  const name = domainName.replace(/\.$/, '');
  let best: string | undefined;
  for (const tld of Object.keys(table)) {
    // A whole-label suffix only: "com" matches "x.com", never "x.dotcom".
    if (!name.endsWith(`.${tld}`)) continue;
    if (best === undefined || tld.length > best.length) best = tld;
  }
  if (best === undefined) return undefined;
  const value = table[best] as string | number;
  return parseMoney(value, policy.money.currency, `money.priceTable.${best}`);
}
