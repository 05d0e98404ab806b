import { domainToASCII } from 'node:url';

/** Renewal price per year in CNY by TLD (roughly Alibaba's list prices); unknown TLDs use the default. */
const PRICES_CNY: Readonly<Record<string, number>> = {
  com: 69,
  cn: 39,
  'com.cn': 39,
  net: 79,
  org: 85,
  io: 398,
  xyz: 85,
  中国: 39,
  公司: 39,
  网络: 39,
};
const DEFAULT_PRICE_CNY = 99;
/** Premium domains renew at a multiple of the normal price unless a fixture gives one. */
const PREMIUM_MULTIPLIER = 20;

const GTLDS = new Set(['com', 'net', 'org']);
const CCTLDS = new Set(['cn', 'com.cn', 'io', '中国']);

/** The public suffix used for pricing: `com.cn` for `a.com.cn`, else the last label. */
export function tldOf(domainName: string): string {
  const labels = domainName.toLowerCase().split('.');
  const last2 = labels.slice(-2).join('.');
  return last2 === 'com.cn' ? last2 : (labels[labels.length - 1] ?? '');
}

/** Renewal price per year in CNY for a domain. */
export function priceOf(domainName: string, premium: boolean): number {
  const base = PRICES_CNY[tldOf(domainName)] ?? DEFAULT_PRICE_CNY;
  return premium ? base * PREMIUM_MULTIPLIER : base;
}

/** The API's DomainType: `gTLD`, `ccTLD` or `New gTLD`. */
export function domainTypeOf(domainName: string): string {
  const tld = tldOf(domainName);
  if (GTLDS.has(tld)) return 'gTLD';
  if (CCTLDS.has(tld)) return 'ccTLD';
  return 'New gTLD';
}

/** Lookup key for a domain: lower-case ASCII (punycode), so Unicode and xn-- spellings find the same domain. */
export function domainKey(domainName: string): string {
  const lower = domainName.trim().toLowerCase();
  return domainToASCII(lower) || lower;
}
