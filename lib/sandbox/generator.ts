import { addYearsUtc, DAY_MS } from './dates';
import { createPrng, type Prng } from './prng';
import type { SandboxFixtureDomain } from './types';

const FIRST = [
  'acme',
  'blue',
  'north',
  'pixel',
  'green',
  'river',
  'cloud',
  'data',
  'bright',
  'swift',
  'golden',
  'urban',
  'silver',
  'maple',
  'nova',
  'peak',
  'coral',
  'lotus',
  'summit',
  'harbor',
  'crystal',
  'orbit',
  'panda',
  'dragon',
];
const SECOND = [
  'labs',
  'hub',
  'mart',
  'works',
  'soft',
  'tech',
  'media',
  'shop',
  'travel',
  'foods',
  'games',
  'bank',
  'health',
  'design',
  'studio',
  'logistics',
  'capital',
  'energy',
  'home',
  'auto',
];
const ASCII_TLDS = [
  { tld: 'com', weight: 40 },
  { tld: 'cn', weight: 14 },
  { tld: 'net', weight: 10 },
  { tld: 'org', weight: 8 },
  { tld: 'io', weight: 7 },
  { tld: 'com.cn', weight: 8 },
  { tld: 'xyz', weight: 7 },
];
const IDN_WEIGHT = 6;
const IDN_LABELS = ['例子', '品牌', '科技', '商城', '云计算', '数据', '旅游', '美食'];
const IDN_TLDS = ['中国', '公司', '网络'];
const GROUPS = [
  { name: 'Brand', id: '1001', weight: 20 },
  { name: 'Marketing', id: '1002', weight: 20 },
  { name: 'Legacy', id: '1003', weight: 15 },
  { name: undefined, id: undefined, weight: 45 },
];
const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

function pickWeighted<T extends { weight: number }>(rng: Prng, items: readonly T[]): T {
  const total = items.reduce((s, i) => s + i.weight, 0);
  let r = rng.next() * total;
  for (const item of items) {
    r -= item.weight;
    if (r < 0) return item;
  }
  return items[items.length - 1] as T;
}

function createName(rng: Prng): string {
  const roll = rng.next() * (100 + IDN_WEIGHT);
  if (roll >= 100) return `${rng.pick(IDN_LABELS)}.${rng.pick(IDN_TLDS)}`;
  const base = rng.next() < 0.7 ? `${rng.pick(FIRST)}${rng.pick(SECOND)}` : `${rng.pick(FIRST)}-${rng.pick(SECOND)}`;
  return `${base}.${pickWeighted(rng, ASCII_TLDS).tld}`;
}

function createInstanceId(rng: Prng, registeredAtMs: number): string {
  let id = `S${new Date(registeredAtMs).getUTCFullYear()}`;
  for (let i = 0; i < 10; i++) id += ALNUM[rng.int(0, ALNUM.length - 1)];
  return id;
}

function uniquify(name: string, taken: Set<string>): string {
  if (!taken.has(name)) return name;
  const dot = name.indexOf('.');
  for (let n = 2; ; n++) {
    const candidate = `${name.slice(0, dot)}${n}${name.slice(dot)}`;
    if (!taken.has(candidate)) return candidate;
  }
}

/**
 * A deterministic, realistic portfolio of `count` domains for `seed`, relative to `nowMs` (epoch ms):
 * several TLDs and a few Unicode IDNs, groups Brand/Marketing/Legacy/none, ~2% premium (at least one from 20
 * domains), expiries spread uniformly from 60 days ago to 2 years ahead (some due, some in grace, a few in
 * redemption).
 */
export function generatePortfolio(count: number, seed: number, nowMs: number): SandboxFixtureDomain[] {
  const rng = createPrng(seed);
  const taken = new Set<string>();
  const premiumCount = count >= 20 ? Math.max(1, Math.round(count * 0.02)) : 0;
  const premiumIdx = new Set<number>();
  while (premiumIdx.size < premiumCount) premiumIdx.add(rng.int(0, count - 1));
  const out: SandboxFixtureDomain[] = [];
  for (let i = 0; i < count; i++) {
    const domainName = uniquify(createName(rng), taken);
    taken.add(domainName);
    // Expiries keep a time of day, as real ones do (they follow the registration instant).
    const expiresAtMs = nowMs - 60 * DAY_MS + Math.floor(rng.next() * 790 * DAY_MS);
    const registeredAtMs = addYearsUtc(expiresAtMs, -rng.int(1, 8));
    const group = pickWeighted(rng, GROUPS);
    out.push({
      domainName,
      expiresAtMs,
      registeredAtMs: Math.min(registeredAtMs, nowMs - DAY_MS),
      instanceId: createInstanceId(rng, registeredAtMs),
      premium: premiumIdx.has(i),
      ...(group.name !== undefined ? { groupName: group.name } : {}),
      ...(group.id !== undefined ? { groupId: group.id } : {}),
    });
  }
  return out;
}
