import type { Ledger } from '../../lib/ledger/port';
import type { ListedDomain, ListQuery, Registrar } from '../../lib/registrar/port';
import { given } from '../helpers/builder';

/**
 * Claims read while the listing runs (lib/renewal/plan-listing.ts, createClaimReadAhead): each page's candidates are
 * read as the pages arrive, the plan reads only what is left, and the plan is the one it would be without them.
 */

const PAGE = 10;

/** The registrar's listing delivered page by page (sorted by name), the event loop turning between pages. */
function paged(inner: Registrar, events: string[]): Registrar {
  return {
    ...inner,
    async listDomains(query: ListQuery): Promise<ListedDomain[]> {
      const { onPage, ...rest } = query;
      const all = [...(await inner.listDomains(rest))].sort((a, b) => a.domainName.localeCompare(b.domainName));
      for (let i = 0; i < all.length; i += PAGE) {
        onPage?.(all.slice(i, i + PAGE));
        for (let turn = 0; turn < 5; turn++) await new Promise((resolve) => setImmediate(resolve));
      }
      events.push('listing done');
      return all;
    },
  };
}

/** The ledger with its claim reads recorded (and the first `failReads` of them failing). */
function watched(inner: Ledger, events: string[], read: string[], failReads = 0): Ledger {
  let calls = 0;
  const ledger = Object.create(inner) as Ledger;
  ledger.getClaims = async (keys) => {
    calls += 1;
    events.push(`getClaims ${keys.length}`);
    if (calls <= failReads) throw new Error('DynamoDB throttled (test)');
    read.push(...keys.map((k) => `${k.domain}#${k.expiryMs}`));
    return inner.getClaims(keys);
  };
  return ledger;
}

/** 60 listed domains: due-00..due-39 (5 days left, due) and later-00..later-19 (200 days left, not due). */
const DOMAINS = [
  ...Array.from({ length: 40 }, (_, i) => `due-${String(i).padStart(2, '0')}.com+5d`),
  ...Array.from({ length: 20 }, (_, i) => `later-${String(i).padStart(2, '0')}.com+200d`),
];

describe('claims read while the listing runs', () => {
  test('are read as pages arrive; the plan then reads only what is left, and no key twice', async () => {
    const t = await given({ domains: DOMAINS, taskMs: 3_600_000 });
    const events: string[] = [];
    const read: string[] = [];
    const deps = { registrar: paged(t.registrar, events), ledger: watched(t.ledger, events, read) };
    const run = await t.renew({ deps });
    expect(run.summary.submitted).toBe(40);
    const done = events.indexOf('listing done');
    const before = events.slice(0, done).filter((e) => e.startsWith('getClaims'));
    expect(before.length).toBeGreaterThanOrEqual(1);
    // No key was read twice, and no domain but the due ones. Each due domain is read at its listed key and at that
    // expiry's two day-start readings (UTC, UTC+8: readOwnOtherReadings), each key once.
    expect(new Set(read).size).toBe(read.length);
    const domainsRead = read.map((k) => k.slice(0, k.indexOf('#')));
    expect([...new Set(domainsRead)].sort()).toEqual(DOMAINS.slice(0, 40).map((d) => d.replace('+5d', '')));
    const listed = new Map((await t.registrar.listDomains({})).map((d) => [d.domainName, d.expiresAtMs]));
    for (const d of DOMAINS.slice(0, 40).map((x) => x.replace('+5d', ''))) {
      expect(read.filter((k) => k === `${d}#${listed.get(d)}`)).toHaveLength(1);
    }
  });

  test('the plan is the one without them: a second run finds every renewal in flight and buys nothing', async () => {
    const t = await given({ domains: DOMAINS, taskMs: 3_600_000 });
    await t.renew();
    const events: string[] = [];
    const second = await t.renew({
      deps: { registrar: paged(t.registrar, events), ledger: watched(t.ledger, events, []) },
    });
    expect(second.summary.submitted).toBe(0);
    expect(second.plan.totals.byReason['in-flight']).toBe(40);
    expect(t.registrar.submissions()).toHaveLength(40);
  });

  test('a read that fails during the listing costs nothing: the plan reads those keys itself', async () => {
    const t = await given({ domains: DOMAINS, taskMs: 3_600_000 });
    await t.renew();
    const events: string[] = [];
    const read: string[] = [];
    const deps = { registrar: paged(t.registrar, events), ledger: watched(t.ledger, events, read, 1) };
    const second = await t.renew({ deps });
    expect(events.filter((e) => e.startsWith('getClaims')).length).toBeGreaterThanOrEqual(2);
    expect(second.plan.totals.byReason['in-flight']).toBe(40);
    expect(second.summary.submitted).toBe(0);
    expect(new Set(read.map((k) => k.slice(0, k.indexOf('#')))).size).toBe(40);
    expect(t.registrar.submissions()).toHaveLength(40);
  });
});
