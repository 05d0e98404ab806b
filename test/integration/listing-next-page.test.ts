import { createHttpPost, type HttpAnswer, type HttpPost } from '../../lib/http-post';
import { executeRenew } from '../../lib/jobs';
import { startWorld, type World } from '../helpers/world';

/**
 * A QueryDomainList answer whose totals stop short of its own `NextPage` flag (a capped or miscounted total): the
 * registrar says a next page exists on what its TotalPageNum calls the last page. The pager read only
 * TotalPageNum/TotalItemNum, which agreed with the rows it got, so the rest of the listing was never asked for: its
 * domains were in no plan, never bought, never named, and lapsed silently (review 2026-12-07, twenty-seventh
 * session). Now the last page's NextPage is followed once: rows there fail the listing loudly; an empty page ends it.
 */
const NOW = Date.UTC(2026, 10, 29, 6, 0, 0);
const DAY_MS = 86_400_000;

interface ListBody {
  TotalItemNum: number;
  TotalPageNum: number;
  CurrentPageNum: number;
  NextPage: boolean;
  Data: { Domain: unknown[] };
}

/**
 * The sandbox over HTTP with each QueryDomainList answer (a 200 with a body) replaced by `rewrite` of its body and the
 * page number asked: a body to send as the 200's, or a whole answer.
 */
function rewritingListing(rewrite: (body: ListBody, pageNum: number) => ListBody | HttpAnswer): HttpPost {
  const real = createHttpPost().post;
  return async (req) => {
    const asked = new URLSearchParams(req.body);
    if (asked.get('Action') !== 'QueryDomainList') return real(req);
    const answer = await real(req);
    if (answer.status !== 200 || !answer.text) return answer;
    const out = rewrite(JSON.parse(answer.text) as ListBody, Number(asked.get('PageNum')));
    return 'status' in out ? out : { ...answer, text: JSON.stringify(out) };
  };
}

/**
 * The sandbox over HTTP, its QueryDomainList pages of `keep` rows whose totals say the first page is all there is:
 * page 1 with NextPage `nextPage`, page 2 with the rest (NextPage false). The sandbox's own page 1 holds every row.
 */
function shortTotals(keep: number, nextPage: boolean): HttpPost {
  let all: unknown[] = []; // the sandbox's page 1, which holds every row: the rows of both pages
  return rewritingListing((body, pageNum) => {
    if (pageNum === 1) all = body.Data.Domain;
    const rows = pageNum === 1 ? all.slice(0, keep) : pageNum === 2 ? all.slice(keep) : [];
    return {
      ...body,
      TotalItemNum: keep,
      TotalPageNum: 1,
      NextPage: pageNum === 1 && nextPage,
      Data: { Domain: rows },
    };
  });
}

const domains = ['a.com', 'b.com', 'c.com'].map((domainName, i) => ({
  domainName,
  expiresAtMs: NOW + (5 + i) * DAY_MS,
}));

describe('a listing page that says NextPage:true on its last page by TotalPageNum', () => {
  let world: World;
  afterEach(async () => world?.stop());

  it('with rows after it: the listing is refused, never read as complete', async () => {
    world = await startWorld({ sandbox: { nowMs: NOW, fixture: { domains } }, client: { post: shortTotals(2, true) } });
    await expect(world.registrar.listDomains({})).rejects.toThrow(
      /QueryDomainList failed: the pages did not add up \(page 1 says a next page exists \(NextPage\) though TotalPageNum is 1, and page 2 has 1 more row\(s\)\)/,
    );
  });

  it('a renew run buys nothing on it and fails loudly: c.com, due in 7 days, is not silently left out', async () => {
    world = await startWorld({ sandbox: { nowMs: NOW, fixture: { domains } }, client: { post: shortTotals(2, true) } });
    await expect(executeRenew(world.deps(), { policy: world.policy, dryRun: false, runId: 'r1' })).rejects.toThrow(
      /QueryDomainList failed/,
    );
    expect(world.sandbox.state().submissions).toEqual([]);
    expect(world.notifier.sent.map((m) => m.event)).toEqual(['error']);
  });

  it('without the flag the same totals read as complete (the flag is what tells), and an empty page after it ends the listing', async () => {
    world = await startWorld({
      sandbox: { nowMs: NOW, fixture: { domains } },
      client: { post: shortTotals(2, false) },
    });
    expect((await world.registrar.listDomains({})).map((d) => d.domainName)).toEqual(['a.com', 'b.com']);
    await world.stop();
    world = await startWorld({ sandbox: { nowMs: NOW, fixture: { domains } }, client: { post: shortTotals(3, true) } });
    expect((await world.registrar.listDomains({})).map((d) => d.domainName)).toEqual(['a.com', 'b.com', 'c.com']);
  });
});

/**
 * A registrar that says `NextPage: true` on its last page (an off-by-one, e.g. from a 0-based CurrentPageNum, which
 * one doc example shows) and answers a PageNum past the last with the last page again (clamped, as common pagers
 * do). The totals add up and every row is listed; the page read after NextPage repeats rows already held, which is
 * no evidence that the totals stop short. Refused as "more rows", such an account bought nothing, every run (review
 * of the NextPage check, the same session).
 */
function clampedPastLast(): HttpPost {
  let last: unknown[] = [];
  return rewritingListing((body, pageNum) => {
    if (pageNum <= body.TotalPageNum) last = body.Data.Domain;
    const clamped = Math.min(pageNum, Math.max(1, body.TotalPageNum));
    return {
      ...body,
      CurrentPageNum: clamped,
      NextPage: clamped <= body.TotalPageNum, // off by one: true on the last page too
      Data: { Domain: pageNum > body.TotalPageNum ? last : body.Data.Domain },
    };
  });
}

/**
 * The same off-by-one NextPage, from a registrar that refuses a PageNum past the last (a parameter error): no page
 * after it exists, which is what the totals say. Read as a failed listing, such an account bought nothing, every run.
 */
function refusedPastLast(): HttpPost {
  return rewritingListing((body, pageNum) => {
    if (pageNum <= Math.max(1, body.TotalPageNum)) return { ...body, NextPage: true };
    const refusal = {
      RequestId: 'R-PAST',
      Code: 'InvalidParameter.PageNum',
      Message: 'PageNum is beyond the last page',
    };
    return { status: 400, header: () => undefined, text: JSON.stringify(refusal) };
  });
}

describe('a registrar that says NextPage on its last page by an off-by-one', () => {
  let world: World;
  afterEach(async () => world?.stop());

  it.each([
    ['repeats that page past the end', clampedPastLast],
    ['refuses the page past the end as a parameter error', refusedPastLast],
  ])('and %s: the listing is complete, and a renew run buys the due domains', async (_name, post) => {
    world = await startWorld({ sandbox: { nowMs: NOW, fixture: { domains } }, client: { post: post() } });
    expect((await world.registrar.listDomains({})).map((d) => d.domainName).sort()).toEqual([
      'a.com',
      'b.com',
      'c.com',
    ]);
    await executeRenew(world.deps(), { policy: world.policy, dryRun: false, runId: 'r1' });
    expect(new Set(world.sandbox.state().submissions.map((s) => s.domainName))).toEqual(
      new Set(['a.com', 'b.com', 'c.com']),
    );
  });
});
