import { AuthRejectedError } from '../../lib/errors';
import { createHttpPost, type HttpPost } from '../../lib/http-post';
import { executeRenew } from '../../lib/jobs';
import { formatDisplayDate } from '../../lib/sandbox/dates';
import { startWorld, type World } from '../helpers/world';

/**
 * Listings sorted on a key that is not unique. QueryDomainList is asked `OrderKeyType=ExpirationDate&OrderByType=ASC`
 * and many domains share one ExpirationDateLong (bulk registrations; the API's own example expiry is a day start);
 * QueryTaskList answers newest first and tasks made in one second tie on CreateTime. The sandbox breaks ties by order
 * of addition, so its pages never overlap; a real ORDER BY on a non-unique key with LIMIT/OFFSET may order tied rows
 * differently for different offsets (MySQL documents this). Then two pages overlap and a tied row is on neither: the
 * pager saw fewer distinct rows than TotalItemNum, retried the whole listing three times, and gave up, every run,
 * telling a person to "try again later": nothing in the account was bought (review 2026-12-07, twenty-seventh
 * session). Now, pages that keep their totals but overlap are read once more as one page (a registrar that takes
 * the page size: the sandbox's `maxPageSize` 1000 here; the maxima of both operations are UNCONFIRMED), and one that
 * refuses it fails the run with advice that fits.
 */
const NOW = Date.UTC(2026, 10, 29, 6, 0, 0);
const DAY_MS = 86_400_000;

/** One page of `all` as the registrar pages it: `pageNum` of `pageSize`, with its totals. */
function pageOf<T>(all: readonly T[], pageNum: number, pageSize: number) {
  return {
    TotalItemNum: all.length,
    CurrentPageNum: pageNum,
    PageSize: pageSize,
    TotalPageNum: Math.ceil(all.length / pageSize),
    PrePage: pageNum > 1,
    NextPage: pageNum * pageSize < all.length,
    rows: all.slice((pageNum - 1) * pageSize, pageNum * pageSize),
  };
}

/**
 * `action` answered from the sandbox's own state, sorted by `order`, with tied rows by `tie` ascending on the first
 * page and descending on the others (the order of ties depends on the offset).
 */
function tieOrderByOffset(
  action: string,
  answer: (world: World, params: URLSearchParams, tieSign: number) => Record<string, unknown>,
  getWorld: () => World,
): HttpPost {
  const real = createHttpPost().post;
  return async (req) => {
    const sent = await real(req);
    const params = new URLSearchParams(req.body);
    if (params.get('Action') !== action || sent.status !== 200 || !sent.text) return sent;
    const body = JSON.parse(sent.text) as Record<string, unknown>;
    const tieSign = Number(params.get('PageNum')) === 1 ? 1 : -1;
    return { ...sent, text: JSON.stringify({ RequestId: body.RequestId, ...answer(getWorld(), params, tieSign) }) };
  };
}

/** QueryDomainList as asked (expiry range, ExpirationDate ASC), ties ordered per offset. */
const domainListing = (w: World, p: URLSearchParams, tieSign: number) => {
  const from = Number(p.get('StartExpirationDate') ?? Number.NEGATIVE_INFINITY);
  const to = Number(p.get('EndExpirationDate') ?? Number.POSITIVE_INFINITY);
  const now = w.sandbox.now();
  const all = w.sandbox
    .state()
    .domains.filter((d) => d.expiresAtMs >= from && d.expiresAtMs <= to)
    .sort((a, b) => a.expiresAtMs - b.expiresAtMs || tieSign * a.domainName.localeCompare(b.domainName));
  const { rows, ...totals } = pageOf(all, Number(p.get('PageNum')), Number(p.get('PageSize')));
  return {
    ...totals,
    Data: {
      Domain: rows.map((d) => ({
        DomainName: d.domainName,
        InstanceId: d.instanceId,
        ExpirationDateLong: d.expiresAtMs,
        DomainStatus: d.expiresAtMs - now <= 30 * DAY_MS ? '1' : '3',
        Premium: false,
        DomainAuditStatus: 'SUCCEED',
      })),
    },
  };
};

describe('pages whose tied rows are ordered differently per offset', () => {
  let world: World;
  afterEach(async () => world?.stop());

  it('QueryDomainList: every domain is still listed, and the due ones renewed', async () => {
    // 95 domains expiring earlier, then 10 sharing one expiry: the tie straddles the 100-row page boundary.
    const domains = [
      ...Array.from({ length: 95 }, (_, i) => ({
        domainName: `early${String(i).padStart(3, '0')}.com`,
        expiresAtMs: NOW + 5 * DAY_MS + i * 60_000,
      })),
      ...Array.from({ length: 10 }, (_, i) => ({ domainName: `brand${i}.com`, expiresAtMs: NOW + 10 * DAY_MS })),
    ];
    const post = tieOrderByOffset('QueryDomainList', domainListing, () => world);
    world = await startWorld({
      ledger: 'memory',
      sandbox: { nowMs: NOW, freezeClock: true, balance: 1_000_000, maxPageSize: 1000, fixture: { domains } },
      policy: { limits: { maxDomainsPerRun: 500 } },
      client: { post },
    });
    await executeRenew(world.deps(), { policy: world.policy, dryRun: false, runId: 'r1' });
    const submitted = new Set(world.sandbox.state().submissions.map((s) => s.domainName));
    expect(submitted.size).toBe(105);
    for (let i = 0; i < 10; i++) expect(submitted.has(`brand${i}.com`)).toBe(true);
  });

  it('QueryTaskList: the foreign-task read does not stop the run from buying a due domain', async () => {
    const others = Array.from({ length: 105 }, (_, i) => ({
      domainName: `other${String(i).padStart(3, '0')}.com`,
      expiresAtMs: NOW + 200 * DAY_MS,
    }));
    const post = tieOrderByOffset(
      'QueryTaskList',
      (w, p, tieSign) => {
        const begin = Number(p.get('BeginCreateTime') ?? Number.NEGATIVE_INFINITY);
        const end = Number(p.get('EndCreateTime') ?? Number.POSITIVE_INFINITY);
        const all = w.sandbox
          .state()
          .tasks.filter((t) => t.createdAtMs >= begin && t.createdAtMs <= end)
          .sort((a, b) => b.createdAtMs - a.createdAtMs || tieSign * a.taskNo.localeCompare(b.taskNo));
        const { rows, ...totals } = pageOf(all, Number(p.get('PageNum')), Number(p.get('PageSize')));
        return {
          ...totals,
          Data: {
            TaskInfo: rows.map((t) => {
              const done = t.details.every((d) => d.status === 'EXECUTE_SUCCESS' || d.status === 'EXECUTE_FAILURE');
              return {
                TaskNo: t.taskNo,
                TaskNum: t.details.length,
                TaskType: 'ORDER_RENEW',
                TaskTypeDescription: 'Create a renewal order',
                TaskStatus: done ? 'COMPLETE' : 'EXECUTING',
                TaskStatusCode: done ? 3 : 2,
                TaskCancelStatus: 'INIT',
                TaskCancelStatusCode: 0,
                CreateTime: formatDisplayDate(t.createdAtMs),
                Clientip: '127.0.0.1',
              };
            }),
          },
        };
      },
      () => world,
    );
    world = await startWorld({
      ledger: 'memory',
      sandbox: {
        nowMs: NOW,
        freezeClock: true,
        balance: 1_000_000,
        maxPageSize: 1000,
        fixture: { domains: [{ domainName: 'due.com', expiresAtMs: NOW + 12 * DAY_MS }, ...others] },
      },
      client: { post },
    });
    // 105 renewal tasks made in one instant (a bulk order by hand five days ago): finished long since.
    for (const d of others) {
      await world.registrar.submitRenewBatch({
        items: [{ domainName: d.domainName, years: 1, currentExpiryMs: d.expiresAtMs, permitPremium: false }],
      });
    }
    world.sandbox.setClock({ advanceMs: 5 * DAY_MS });
    await executeRenew(world.deps(), { policy: world.policy, dryRun: false, runId: 'r1' });
    expect(world.sandbox.state().submissions.filter((s) => s.domainName === 'due.com')).toHaveLength(1);
  });

  it('a registrar that refuses the one page: the run fails loudly, with the page size advice, and buys nothing', async () => {
    const domains = Array.from({ length: 105 }, (_, i) => ({
      domainName: `tied${String(i).padStart(3, '0')}.com`,
      expiresAtMs: NOW + 10 * DAY_MS,
    }));
    const post = tieOrderByOffset('QueryDomainList', domainListing, () => world);
    world = await startWorld({
      ledger: 'memory',
      sandbox: { nowMs: NOW, freezeClock: true, balance: 1_000_000, fixture: { domains } },
      client: { post },
    });
    await expect(executeRenew(world.deps(), { policy: world.policy, dryRun: false, runId: 'r1' })).rejects.toThrow(
      /QueryDomainList failed: the pages did not add up \(got 100 distinct items, the registrar reported 105\)\. Tried 3 times and once as one page of 105 \(.*PageSize: must be between 1 and 100.*\).*set AUTORENEW_PAGE_SIZE/,
    );
    expect(world.sandbox.state().submissions).toEqual([]);
    expect(world.notifier.sent.map((m) => m.event)).toEqual(['error']);
  });
  it('a key refused during the one-page read is reported as the refusal (its AccessKey advice), not as paging', async () => {
    const domains = Array.from({ length: 105 }, (_, i) => ({
      domainName: `tied${String(i).padStart(3, '0')}.com`,
      expiresAtMs: NOW + 10 * DAY_MS,
    }));
    const paged = tieOrderByOffset('QueryDomainList', domainListing, () => world);
    // The key loses its RAM grant between the third pass and the one-page read.
    const post: HttpPost = async (req) => {
      if (new URLSearchParams(req.body).get('PageSize') !== '105') return paged(req);
      const refusal = { RequestId: 'R-RAM', Code: 'Forbidden.RAM', Message: 'User not authorized to operate' };
      return { status: 403, header: () => undefined, text: JSON.stringify(refusal) } as never;
    };
    world = await startWorld({
      ledger: 'memory',
      sandbox: { nowMs: NOW, freezeClock: true, balance: 1_000_000, maxPageSize: 1000, fixture: { domains } },
      client: { post },
    });
    await expect(
      executeRenew(world.deps(), { policy: world.policy, dryRun: false, runId: 'r1' }),
    ).rejects.toBeInstanceOf(AuthRejectedError);
    expect(world.sandbox.state().submissions).toEqual([]);
    expect(world.notifier.sent.map((m) => m.email).join('\n')).toMatch(/AccessKey was refused/);
  });
});
