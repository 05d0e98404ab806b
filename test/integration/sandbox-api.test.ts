import { type Sandbox, startSandbox } from '../../lib/sandbox';
import { createTestFixture, DAY_MS, SANDBOX_NOW_MS } from '../helpers/sandbox-fixture';
import { signedCall } from '../helpers/sandbox-request';

// Listing, lookup and synchronous validation, through hand-signed V1 requests.

let sandbox: Sandbox;
let generated: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox({ fixture: createTestFixture(), nowMs: SANDBOX_NOW_MS, maxPageSize: 5, maxBatch: 3 });
  generated = await startSandbox({ domains: 23, seed: 7, nowMs: SANDBOX_NOW_MS });
});
afterAll(async () => {
  await sandbox.close();
  await generated.close();
});

interface DomainItem {
  DomainName: string;
  ExpirationDateLong: number;
  DomainStatus: string;
  ExpirationDateStatus: string;
  ExpirationCurrDateDiff: number;
  ExpirationDate: string;
}

describe('QueryDomainList', () => {
  test('pages through every domain exactly once with correct paging keys', async () => {
    const seen: string[] = [];
    for (let page = 1; page <= 5; page++) {
      const { status, body } = await signedCall(generated, 'QueryDomainList', { PageNum: page, PageSize: 5 });
      expect(status).toBe(200);
      expect(body).toMatchObject({
        TotalItemNum: 23,
        CurrentPageNum: page,
        PageSize: 5,
        TotalPageNum: 5,
        PrePage: page > 1,
        NextPage: page < 5,
      });
      seen.push(...(body.Data.Domain as DomainItem[]).map((d) => d.DomainName));
    }
    expect(seen).toHaveLength(23);
    expect(new Set(seen).size).toBe(23);
    const past = await signedCall(generated, 'QueryDomainList', { PageNum: 6, PageSize: 5 });
    expect(past.body.Data).toEqual({ Domain: [] });
  });

  test('expiration range is inclusive and sorting by ExpirationDate ASC works', async () => {
    const start = SANDBOX_NOW_MS + 10 * DAY_MS;
    const end = SANDBOX_NOW_MS + 20 * DAY_MS;
    const { body } = await signedCall(sandbox, 'QueryDomainList', {
      PageNum: 1,
      PageSize: 5,
      StartExpirationDate: start,
      EndExpirationDate: end,
      OrderKeyType: 'ExpirationDate',
      OrderByType: 'ASC',
    });
    expect((body.Data.Domain as DomainItem[]).map((d) => d.DomainName)).toEqual([
      'due-soon.com',
      '例子.中国',
      'fancy.com',
    ]);
  });

  test('domain status fields follow the simulated clock', async () => {
    const { body } = await signedCall(sandbox, 'QueryDomainList', { PageNum: 1, PageSize: 5, DomainName: 'in-grace' });
    const [item] = body.Data.Domain as DomainItem[];
    expect(item).toMatchObject({
      DomainName: 'in-grace.cn',
      DomainStatus: '1',
      ExpirationDateStatus: '2',
      ExpirationCurrDateDiff: -5,
      ExpirationDateLong: SANDBOX_NOW_MS - 5 * DAY_MS,
      // 2025-12-27T00:00:00Z is 08:00 in Beijing.
      ExpirationDate: '2025-12-27 08:00:00',
    });
    const redemption = await signedCall(sandbox, 'QueryDomainList', { PageNum: 1, PageSize: 5, QueryType: 2 });
    expect((redemption.body.Data.Domain as DomainItem[]).map((d) => d.DomainName)).toEqual(['redeem-me.net']);
    const far = await signedCall(sandbox, 'QueryDomainList', { PageNum: 1, PageSize: 5, DomainName: 'far-away.com' });
    expect(far.body.Data.Domain[0].DomainStatus).toBe('3');
  });

  test('group fields are present for grouped domains', async () => {
    const { body } = await signedCall(sandbox, 'QueryDomainList', { PageNum: 1, PageSize: 5, DomainGroupId: '1001' });
    expect(body.Data.Domain).toEqual([
      expect.objectContaining({ DomainName: 'due-soon.com', DomainGroupId: '1001', DomainGroupName: 'Brand' }),
    ]);
  });
});

describe('QueryDomainList over a changing account', () => {
  // Pages of one query share one filtered, sorted result (memoised per query); a renewal, an added domain or, for
  // QueryType, the clock must still show on the next call.
  let own: Sandbox;
  beforeEach(async () => {
    own = await startSandbox({ fixture: createTestFixture(), nowMs: SANDBOX_NOW_MS, taskMs: 60_000 });
  });
  afterEach(async () => {
    await own.close();
  });
  const names = (body: { Data: { Domain: DomainItem[] } }) => body.Data.Domain.map((d) => d.DomainName);
  const window = {
    PageNum: 1,
    PageSize: 10,
    StartExpirationDate: SANDBOX_NOW_MS + 5 * DAY_MS,
    EndExpirationDate: SANDBOX_NOW_MS + 30 * DAY_MS,
    OrderKeyType: 'ExpirationDate',
    OrderByType: 'ASC',
  };

  test('a renewal moves the domain out of the next identical query, and its expiry with it', async () => {
    expect(names((await signedCall(own, 'QueryDomainList', window)).body)).toEqual([
      'due-soon.com',
      '例子.中国',
      'fancy.com',
      'pricey.io',
    ]);
    const submit = await signedCall(
      own,
      'SaveBatchTaskForCreatingOrderRenew',
      {
        'OrderRenewParam.1.DomainName': 'due-soon.com',
        'OrderRenewParam.1.SubscriptionDuration': 1,
        'OrderRenewParam.1.CurrentExpirationDate': SANDBOX_NOW_MS + 10 * DAY_MS,
      },
      { method: 'POST' },
    );
    expect(submit.status).toBe(200);
    own.setClock({ advanceMs: 3 * 60_000 });
    const after = await signedCall(own, 'QueryDomainList', window);
    expect(names(after.body)).toEqual(['例子.中国', 'fancy.com', 'pricey.io']);
    expect(after.body.TotalItemNum).toBe(3);
    const moved = await signedCall(own, 'QueryDomainList', { PageNum: 1, PageSize: 10, DomainName: 'due-soon' });
    expect(moved.body.Data.Domain[0].ExpirationDateLong).toBe(Date.UTC(2027, 0, 11));
  });

  test('a domain registered between two pages of one query shows on the next page (pageShiftRate)', async () => {
    const first = await signedCall(own, 'QueryDomainList', { ...window, PageSize: 2 });
    expect(first.body.TotalItemNum).toBe(4);
    own.setFaults({ pageShiftRate: 1 });
    const second = await signedCall(own, 'QueryDomainList', { ...window, PageSize: 2, PageNum: 2 });
    expect(second.body.TotalItemNum).toBe(5);
  });

  test('QueryType follows the clock for the same query', async () => {
    const query = { PageNum: 1, PageSize: 10, QueryType: 2 };
    expect(names((await signedCall(own, 'QueryDomainList', query)).body)).toEqual(['redeem-me.net']);
    own.setClock({ advanceMs: 35 * DAY_MS });
    expect(names((await signedCall(own, 'QueryDomainList', query)).body).sort()).toEqual([
      'in-grace.cn',
      'redeem-me.net',
    ]);
  });
});

describe('QueryDomainByDomainName', () => {
  test('returns a flat object; IDNs are found by Unicode and punycode', async () => {
    const uni = await signedCall(sandbox, 'QueryDomainByDomainName', { DomainName: '例子.中国' });
    expect(uni.status).toBe(200);
    expect(uni.body).toMatchObject({ DomainName: '例子.中国', DomainGroupId: 1003, DomainGroupName: 'Legacy' });
    expect(uni.body.Data).toBeUndefined();
    const puny = await signedCall(sandbox, 'QueryDomainByDomainName', { DomainName: 'xn--fsqu00a.xn--fiqs8s' });
    expect(puny.body.InstanceId).toBe(uni.body.InstanceId);
  });

  test('unknown domain -> 400 DomainNotExist', async () => {
    const res = await signedCall(sandbox, 'QueryDomainByDomainName', { DomainName: 'missing.com' });
    expect(res.status).toBe(400);
    expect(res.body.Code).toBe('DomainNotExist');
  });
});

describe('bad input gets a proper error body and executes nothing', () => {
  const renewOne = { 'OrderRenewParam.1.DomainName': 'due-soon.com', 'OrderRenewParam.1.SubscriptionDuration': 1 };
  const expiry = SANDBOX_NOW_MS + 10 * DAY_MS;
  test.each([
    ['unknown Action', 'RenewEverything', {}, 404, 'InvalidAction.NotFound', 'RenewEverything'],
    ['prototype key as Action', 'constructor', {}, 404, 'InvalidAction.NotFound', 'constructor'],
    ['missing PageNum', 'QueryDomainList', { PageSize: 5 }, 400, 'MissingParameter', 'PageNum'],
    ['malformed PageSize', 'QueryDomainList', { PageNum: 1, PageSize: 'ten' }, 400, 'InvalidParameter', 'PageSize'],
    ['PageSize over the max', 'QueryDomainList', { PageNum: 1, PageSize: 6 }, 400, 'ParameterIllegal', 'PageSize'],
    [
      'SubscriptionDuration 11',
      'SaveBatchTaskForCreatingOrderRenew',
      { ...renewOne, 'OrderRenewParam.1.SubscriptionDuration': 11, 'OrderRenewParam.1.CurrentExpirationDate': expiry },
      400,
      'ParameterIllegal',
      'OrderRenewParam.1.SubscriptionDuration',
    ],
    ['empty OrderRenewParam', 'SaveBatchTaskForCreatingOrderRenew', {}, 400, 'MissingParameter', 'OrderRenewParam'],
    [
      'missing CurrentExpirationDate',
      'SaveBatchTaskForCreatingOrderRenew',
      renewOne,
      400,
      'MissingParameter',
      'OrderRenewParam.1.CurrentExpirationDate',
    ],
    [
      'malformed CurrentExpirationDate',
      'SaveSingleTaskForCreatingOrderRenew',
      { DomainName: 'due-soon.com', SubscriptionDuration: 1, CurrentExpirationDate: '2026-01-11' },
      400,
      'InvalidParameter',
      'CurrentExpirationDate',
    ],
    [
      'more entries than maxBatch',
      'SaveBatchTaskForCreatingOrderRenew',
      Object.fromEntries(
        [1, 2, 3, 4].flatMap((n) => [
          [`OrderRenewParam.${n}.DomainName`, 'due-soon.com'],
          [`OrderRenewParam.${n}.SubscriptionDuration`, '1'],
          [`OrderRenewParam.${n}.CurrentExpirationDate`, String(expiry)],
        ]),
      ),
      400,
      'ParameterIllegal',
      'OrderRenewParam',
    ],
    [
      'bad TaskStatus filter',
      'QueryTaskDetailList',
      { TaskNo: 'x', PageNum: 1, PageSize: 10, TaskStatus: 7 },
      400,
      'InvalidParameter',
      'TaskStatus',
    ],
  ])('%s', async (_name, action, params, status, code, named) => {
    const res = await signedCall(sandbox, action, params as Record<string, string | number>, { method: 'POST' });
    expect(res.status).toBe(status);
    expect(res.body).toMatchObject({ Code: code, HostId: 'domain.aliyuncs.com', RequestId: expect.any(String) });
    expect(res.body.Message).toContain(named);
    expect(res.headers.get('x-acs-request-id')).toBe(res.body.RequestId);
    expect(sandbox.state().tasks).toHaveLength(0);
    expect(sandbox.state().submissions).toHaveLength(0);
  });
});
