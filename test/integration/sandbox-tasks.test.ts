import { type Sandbox, startSandbox } from '../../lib/sandbox';
import { createTestFixture, DAY_MS, SANDBOX_NOW_MS } from '../helpers/sandbox-fixture';
import { signedCall } from '../helpers/sandbox-request';

// Renewal tasks: asynchronous lifecycle over simulated time, every failure case as a failed detail, effects
// applied exactly once.

const TASK_MS = 60_000;
const at = (days: number) => SANDBOX_NOW_MS + days * DAY_MS;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

type Item = { domain: string; years: number; expiry: number; premium?: boolean };

function batchParams(items: Item[], extra: Record<string, string> = {}): Record<string, string | number | boolean> {
  const params: Record<string, string | number | boolean> = { ...extra };
  items.forEach((item, i) => {
    params[`OrderRenewParam.${i + 1}.DomainName`] = item.domain;
    params[`OrderRenewParam.${i + 1}.SubscriptionDuration`] = item.years;
    params[`OrderRenewParam.${i + 1}.CurrentExpirationDate`] = item.expiry;
    if (item.premium !== undefined) params[`OrderRenewParam.${i + 1}.PermitPremiumRenew`] = item.premium;
  });
  return params;
}

async function submitBatch(sb: Sandbox, items: Item[], extra?: Record<string, string>): Promise<string> {
  const res = await signedCall(sb, 'SaveBatchTaskForCreatingOrderRenew', batchParams(items, extra), { method: 'POST' });
  expect(res.status).toBe(200);
  expect(Object.keys(res.body).sort()).toEqual(['RequestId', 'TaskNo']);
  expect(res.body.TaskNo).toMatch(UUID);
  return res.body.TaskNo;
}

interface Detail {
  DomainName: string;
  TaskStatus: string;
  TaskStatusCode: number;
  ErrorMsg?: string;
  FailReason?: string;
}

async function details(sb: Sandbox, taskNo: string, filter: Record<string, string | number> = {}): Promise<Detail[]> {
  const res = await signedCall(sb, 'QueryTaskDetailList', { TaskNo: taskNo, PageNum: 1, PageSize: 1000, ...filter });
  expect(res.status).toBe(200);
  return res.body.Data.TaskDetail;
}

async function taskInfo(sb: Sandbox, taskNo: string) {
  const res = await signedCall(sb, 'QueryTaskList', { PageNum: 1, PageSize: 50 });
  return (res.body.Data.TaskInfo as Array<{ TaskNo: string; TaskStatus: string; TaskStatusCode: number }>).find(
    (t) => t.TaskNo === taskNo,
  );
}

describe('task lifecycle', () => {
  let sb: Sandbox;
  beforeEach(async () => {
    sb = await startSandbox({ fixture: createTestFixture(), nowMs: SANDBOX_NOW_MS, taskMs: TASK_MS, balance: 10_000 });
  });
  afterEach(() => sb.close());

  test('waiting -> executing -> success over simulated time; the effect is applied once', async () => {
    const taskNo = await submitBatch(sb, [{ domain: 'due-soon.com', years: 2, expiry: at(10) }]);
    expect(sb.state().submissions).toEqual([
      { domainName: 'due-soon.com', currentExpirationDate: at(10), years: 2, taskNo, atMs: expect.any(Number) },
    ]);
    expect(await details(sb, taskNo)).toEqual([
      expect.objectContaining({ DomainName: 'due-soon.com', TaskStatus: 'WAITING_EXECUTE', TaskStatusCode: 0 }),
    ]);
    expect(await taskInfo(sb, taskNo)).toMatchObject({ TaskStatus: 'WAITING_EXECUTE', TaskStatusCode: 1 });

    sb.setClock({ advanceMs: TASK_MS });
    expect((await details(sb, taskNo))[0]).toMatchObject({ TaskStatus: 'EXECUTING', TaskStatusCode: 1 });
    expect(await taskInfo(sb, taskNo)).toMatchObject({ TaskStatus: 'EXECUTING', TaskStatusCode: 2 });
    expect(sb.state().renewals).toHaveLength(0);

    sb.setClock({ advanceMs: TASK_MS });
    expect((await details(sb, taskNo))[0]).toMatchObject({
      TaskStatus: 'EXECUTE_SUCCESS',
      TaskStatusCode: 2,
      ErrorMsg: 'The operation is successful.',
    });
    expect(await taskInfo(sb, taskNo)).toMatchObject({ TaskStatus: 'COMPLETE', TaskStatusCode: 3 });
    const newExpiry = Date.UTC(2028, 0, 11);
    const state = sb.state();
    expect(state.renewals).toEqual([
      {
        domainName: 'due-soon.com',
        years: 2,
        fromExpiryMs: at(10),
        toExpiryMs: newExpiry,
        taskNo,
        atMs: expect.any(Number),
      },
    ]);
    expect(state.balance).toBe(10_000 - 2 * 69);
    const lookup = await signedCall(sb, 'QueryDomainByDomainName', { DomainName: 'DUE-SOON.COM' });
    expect(lookup.body).toMatchObject({ ExpirationDateLong: newExpiry, DomainStatus: '3' });

    // Reading again, or moving the clock further, never re-applies the effect.
    sb.setClock({ advanceMs: 10 * DAY_MS });
    expect(sb.state().renewals).toHaveLength(1);
    expect(sb.state().balance).toBe(10_000 - 2 * 69);

    // A resubmission with the old expiry is the double-renewal the stale check guards against.
    const again = await submitBatch(sb, [{ domain: 'due-soon.com', years: 2, expiry: at(10) }]);
    sb.setClock({ advanceMs: 2 * TASK_MS });
    expect((await details(sb, again))[0]).toMatchObject({
      TaskStatusCode: 3,
      ErrorMsg: expect.stringContaining('expiration date does not match'),
    });
    expect(sb.state().renewals).toHaveLength(1);
  });

  test('every failure case is a failed detail with ErrorMsg and FailReason; the rest succeed', async () => {
    const taskNo = await submitBatch(
      sb,
      [
        { domain: 'far-away.com', years: 1, expiry: at(299) },
        { domain: 'nine-years.org', years: 2, expiry: at(9 * 365) },
        { domain: 'fancy.com', years: 1, expiry: at(20) },
        { domain: 'redeem-me.net', years: 1, expiry: at(-45) },
        { domain: 'unknown-domain.com', years: 1, expiry: at(10) },
        { domain: 'pricey.io', years: 3, expiry: at(25) },
        { domain: 'in-grace.cn', years: 1, expiry: at(-5) },
        { domain: '例子.中国', years: 1, expiry: at(15) },
      ],
      { UseCoupon: 'true', CouponNo: 'C-456' },
    );
    sb.setClock({ advanceMs: 2 * TASK_MS });
    const byName = Object.fromEntries((await details(sb, taskNo)).map((d) => [d.DomainName, d]));
    const expectFailed = (name: string, msg: string) =>
      expect(byName[name]).toMatchObject({
        TaskStatus: 'EXECUTE_FAILURE',
        TaskStatusCode: 3,
        ErrorMsg: expect.stringMatching(msg),
        FailReason: expect.any(String),
      });
    expectFailed('far-away.com', 'expiration date does not match');
    expectFailed('nine-years.org', 'maximum registration period');
    expectFailed('fancy.com', 'Premium');
    expectFailed('redeem-me.net', 'redemption');
    expectFailed('unknown-domain.com', 'does not exist');
    expectFailed('pricey.io', 'balance is insufficient');
    expect(byName['in-grace.cn']).toMatchObject({ TaskStatusCode: 2 });
    expect(byName['例子.中国']).toMatchObject({ TaskStatusCode: 2 });

    expect((await details(sb, taskNo, { TaskStatus: 3 })).map((d) => d.DomainName)).toHaveLength(6);
    expect(await details(sb, taskNo, { DomainName: 'IN-GRACE.CN' })).toHaveLength(1);
    const state = sb.state();
    expect(state.renewals.map((r) => r.domainName).sort()).toEqual(['in-grace.cn', '例子.中国']);
    expect(state.balance).toBe(10_000 - 39 - 39);
    expect(state.tasks[0]).toMatchObject({ taskNo, couponNo: 'C-456' });
    expect(state.tasks[0]?.details.find((d) => d.domainName === 'fancy.com')).toMatchObject({
      status: 'EXECUTE_FAILURE',
      errorMsg: expect.stringContaining('Premium'),
    });
  });

  test('premium with PermitPremiumRenew succeeds at the premium price (single-domain operation)', async () => {
    const res = await signedCall(sb, 'SaveSingleTaskForCreatingOrderRenew', {
      DomainName: 'fancy.com',
      SubscriptionDuration: 1,
      CurrentExpirationDate: at(20),
      PermitPremiumRenew: true,
    });
    expect(res.status).toBe(200);
    sb.setClock({ advanceMs: 2 * TASK_MS });
    expect((await details(sb, res.body.TaskNo))[0]).toMatchObject({ TaskStatusCode: 2 });
    expect(sb.state().balance).toBe(10_000 - 5000);
  });

  test('QueryTaskList is newest first and filters by creation time', async () => {
    const first = await submitBatch(sb, [{ domain: 'due-soon.com', years: 1, expiry: at(10) }]);
    sb.setClock({ advanceMs: DAY_MS });
    const second = await submitBatch(sb, [{ domain: 'far-away.com', years: 1, expiry: at(300) }]);
    const all = await signedCall(sb, 'QueryTaskList', { PageNum: 1, PageSize: 10 });
    expect(all.body.TotalItemNum).toBe(2);
    expect(all.body.Data.TaskInfo.map((t: { TaskNo: string }) => t.TaskNo)).toEqual([second, first]);
    expect(all.body.Data.TaskInfo[1]).toMatchObject({ TaskNum: 1, TaskType: 'ORDER_RENEW', TaskStatusCode: 3 });
    const recent = await signedCall(sb, 'QueryTaskList', {
      PageNum: 1,
      PageSize: 10,
      BeginCreateTime: SANDBOX_NOW_MS + DAY_MS / 2,
    });
    expect(recent.body.Data.TaskInfo.map((t: { TaskNo: string }) => t.TaskNo)).toEqual([second]);
  });

  test('an unknown TaskNo gives an empty detail list', async () => {
    const res = await signedCall(sb, 'QueryTaskDetailList', { TaskNo: 'no-such-task', PageNum: 1, PageSize: 10 });
    expect(res.body).toMatchObject({ TotalItemNum: 0, Data: { TaskDetail: [] } });
  });
});
