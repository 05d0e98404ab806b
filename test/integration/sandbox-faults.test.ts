import RPCClient from '@alicloud/pop-core';
import {
  type Sandbox,
  type SandboxFaults,
  type SandboxFixture,
  type SandboxOptions,
  startSandbox,
} from '../../lib/sandbox';
import { waitUntil } from '../helpers/cli-process';
import { createTestFixture, DAY_MS, SANDBOX_NOW_MS } from '../helpers/sandbox-fixture';
import { signedCall } from '../helpers/sandbox-request';

// Fault injection: throttling and 5xx refuse without executing; a lost response executes and then drops the
// connection (the M1/M2 case); latency delays; the control surface drives it all over HTTP.

let sb: Sandbox;
beforeEach(async () => {
  sb = await startSandbox({ fixture: createTestFixture(), nowMs: SANDBOX_NOW_MS, taskMs: 1000 });
});
afterEach(() => sb.close());

const renewDueSoon = {
  'OrderRenewParam.1.DomainName': 'due-soon.com',
  'OrderRenewParam.1.SubscriptionDuration': 1,
  'OrderRenewParam.1.CurrentExpirationDate': SANDBOX_NOW_MS + 10 * DAY_MS,
};

async function postControl(path: string, body: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${sb.url}/_sandbox/${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

test('a lost response is executed exactly once while the client sees a dropped connection', async () => {
  sb.setFaults({ loseRate: 1, actions: ['SaveBatchTaskForCreatingOrderRenew'] });
  const client = new RPCClient({
    accessKeyId: sb.accessKeyId,
    accessKeySecret: sb.accessKeySecret,
    endpoint: sb.url,
    apiVersion: '2018-01-29',
  });
  await expect(
    client.request('SaveBatchTaskForCreatingOrderRenew', renewDueSoon, { method: 'POST' }),
  ).rejects.toMatchObject({ code: expect.stringMatching(/ECONNRESET|socket hang up/i) });
  // Reads are not affected (actions filter), so a client can reconcile.
  const tasks = await signedCall(sb, 'QueryTaskList', { PageNum: 1, PageSize: 10 });
  expect(tasks.body.TotalItemNum).toBe(1);
  sb.setClock({ advanceMs: 2000 });
  const state = sb.state();
  expect(state.requests.lost).toBe(1);
  expect(state.submissions).toHaveLength(1);
  expect(state.renewals).toEqual([expect.objectContaining({ domainName: 'due-soon.com', years: 1 })]);
  expect(state.faultsInjected).toEqual([
    expect.objectContaining({ kind: 'lose', action: 'SaveBatchTaskForCreatingOrderRenew' }),
  ]);
});

test('a raw fetch of a lost response fails at the network level', async () => {
  sb.setFaults({ loseRate: 1 });
  await expect(signedCall(sb, 'QueryDomainList', { PageNum: 1, PageSize: 5 })).rejects.toThrow(/fetch failed/);
  expect(sb.state().requests.QueryDomainList).toBe(1);
});

test('throttling and 5xx refuse without executing', async () => {
  sb.setFaults({ throttleRate: 1 });
  const throttled = await signedCall(sb, 'SaveBatchTaskForCreatingOrderRenew', renewDueSoon, { method: 'POST' });
  expect(throttled.status).toBe(400);
  expect(throttled.body).toMatchObject({ Code: 'Throttling.User', HostId: 'domain.aliyuncs.com' });
  sb.setFaults({ errorRate: 1 });
  const errored = await signedCall(sb, 'SaveBatchTaskForCreatingOrderRenew', renewDueSoon, { method: 'POST' });
  expect(errored.status).toBe(503);
  expect(errored.body.Code).toBe('ServiceUnavailable');
  const state = sb.state();
  expect(state.tasks).toHaveLength(0);
  expect(state.submissions).toHaveLength(0);
  expect(state.requests).toMatchObject({ throttled: 1, errored: 1, SaveBatchTaskForCreatingOrderRenew: 2 });
});

test('fault rates are seeded: the same seed gives the same sequence', async () => {
  const outcomes = async (seed: number) => {
    const s = await startSandbox({ fixture: createTestFixture(), seed, faults: { throttleRate: 0.5 } });
    try {
      const codes: number[] = [];
      for (let i = 0; i < 12; i++)
        codes.push((await signedCall(s, 'QueryDomainList', { PageNum: 1, PageSize: 1 })).status);
      return codes;
    } finally {
      await s.close();
    }
  };
  const a = await outcomes(3);
  expect(await outcomes(3)).toEqual(a);
  expect(a).toContain(200);
  expect(a).toContain(400);
});

// Latency is checked by what the sandbox records and by what a held request has not done yet, never by elapsed
// time; that the sleeper waits its full delay is test/unit/sandbox-sleeper.test.ts, on fake timers.
test('latency is recorded on the actions it applies to, and the delayed request still answers normally', async () => {
  sb.setFaults({ latencyMs: 20, actions: ['QueryDomainList'] });
  const delayed = await signedCall(sb, 'QueryDomainList', { PageNum: 1, PageSize: 1 });
  expect(delayed.status).toBe(200);
  expect(delayed.body.Data.Domain).toHaveLength(1);
  expect((await signedCall(sb, 'QueryTaskList', { PageNum: 1, PageSize: 1 })).status).toBe(200);
  expect(sb.state().faultsInjected).toEqual([expect.objectContaining({ kind: 'latency', action: 'QueryDomainList' })]);
});

test('latency holds a request before it executes; requests it does not apply to answer meanwhile', async () => {
  // An hour: the held submit cannot end on its own while the test runs; close() releases it.
  sb.setFaults({ latencyMs: 3_600_000, actions: ['SaveBatchTaskForCreatingOrderRenew'] });
  const pending = signedCall(sb, 'SaveBatchTaskForCreatingOrderRenew', renewDueSoon, { method: 'POST' }).catch(
    (e: Error) => e,
  );
  await waitUntil(() => sb.state().faultsInjected.length > 0, 'the submit to reach its latency');
  // Held: the sandbox has the request (and recorded its latency) but has not created its task.
  expect(sb.state().faultsInjected).toEqual([
    expect.objectContaining({ kind: 'latency', action: 'SaveBatchTaskForCreatingOrderRenew' }),
  ]);
  const tasks = await signedCall(sb, 'QueryTaskList', { PageNum: 1, PageSize: 10 });
  expect(tasks.status).toBe(200);
  expect(tasks.body.TotalItemNum).toBe(0);
  expect(sb.state().tasks).toHaveLength(0);
  await sb.close();
  expect(await pending).toMatchObject({ message: expect.stringMatching(/fetch failed/) });
});

test('control surface: faults and clock over HTTP, validated', async () => {
  expect(await postControl('faults', { throttleRate: 1 })).toMatchObject({ status: 200 });
  expect((await signedCall(sb, 'QueryDomainList', { PageNum: 1, PageSize: 1 })).body.Code).toBe('Throttling.User');
  expect(await postControl('faults', {})).toMatchObject({ status: 200, body: { faults: {} } });
  expect((await signedCall(sb, 'QueryDomainList', { PageNum: 1, PageSize: 1 })).status).toBe(200);
  expect(await postControl('faults', { loseRate: 2 })).toMatchObject({
    status: 400,
    body: { Message: expect.stringContaining('loseRate') },
  });

  const target = SANDBOX_NOW_MS + 100 * DAY_MS;
  const set = await postControl('clock', { now: target });
  expect(set.status).toBe(200);
  expect(Math.abs((set.body.nowMs as number) - target)).toBeLessThan(1000);
  const adv = await postControl('clock', { advanceMs: DAY_MS });
  expect((adv.body.nowMs as number) - target).toBeGreaterThanOrEqual(DAY_MS);
  expect(await postControl('clock', { when: 'tomorrow' })).toMatchObject({ status: 400 });
  const bad = await fetch(`${sb.url}/_sandbox/clock`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: '{not json',
  });
  expect(bad.status).toBe(400);
  // 100 days later due-soon.com is 90 days past expiry: in redemption.
  const state = (await (await fetch(`${sb.url}/_sandbox/state`)).json()) as {
    domains: Array<{ domainName: string; domainStatus: string }>;
  };
  expect(state.domains.find((d) => d.domainName === 'due-soon.com')?.domainStatus).toBe('2');
  expect((await fetch(`${sb.url}/_sandbox/nope`)).status).toBe(404);
});

test('close() ends pending latency and open connections without waiting for them', async () => {
  // A day of latency: close() and the pending call can only settle within the test's timeout if close() drops the
  // connection instead of waiting out the delay, so no elapsed time needs measuring. (That close() also clears the
  // delay's timer is test/unit/sandbox-sleeper.test.ts.)
  sb.setFaults({ latencyMs: 86_400_000 });
  const pending = signedCall(sb, 'QueryDomainList', { PageNum: 1, PageSize: 1 }).catch((e: Error) => e);
  await waitUntil(() => sb.state().faultsInjected.length > 0, 'the request to reach its latency');
  await sb.close();
  expect(await pending).toMatchObject({ message: expect.stringMatching(/fetch failed/) });
});

// Partial registrar faults (issue 12): the request executes but the answer lies, tasks queue and show late, the
// listing reports day-truncated expiries, flips IDN spellings or shifts under the pager. Time is the sandbox's
// simulated clock, moved by POST /_sandbox/clock; every window below is minutes wide, so the few real
// milliseconds the simulated clock also runs with cannot cross one.
describe('partial faults', () => {
  const TASK_MS = 60_000;
  const MINUTE = 60_000;
  const HOUR = 60 * MINUTE;
  /** 2026-01-13T13:30:00Z: not at midnight, to see truncation. */
  const ODD_EXPIRY = SANDBOX_NOW_MS + 12 * DAY_MS + 13.5 * HOUR;
  const ODD_DAY = SANDBOX_NOW_MS + 12 * DAY_MS;
  const addYear = (ms: number) => {
    const d = new Date(ms);
    d.setUTCFullYear(d.getUTCFullYear() + 1);
    return d.getTime();
  };

  function fixture(): SandboxFixture {
    const f = createTestFixture();
    f.domains.push(
      { domainName: 'odd-hour.com', expiresAtMs: ODD_EXPIRY },
      { domainName: 'xn--jvr800e.xn--fiqs8s', expiresAtMs: SANDBOX_NOW_MS + 200 * DAY_MS },
    );
    return f;
  }

  const startPartial = (extra: Partial<SandboxOptions> = {}) =>
    startSandbox({ fixture: fixture(), nowMs: SANDBOX_NOW_MS, taskMs: TASK_MS, ...extra });

  beforeEach(async () => {
    await sb.close();
    sb = await startPartial();
  });

  const advance = (ms: number) => postControl('clock', { advanceMs: ms });

  async function submit(domain: string, expiry: number, s: Sandbox = sb) {
    return signedCall(
      s,
      'SaveBatchTaskForCreatingOrderRenew',
      {
        'OrderRenewParam.1.DomainName': domain,
        'OrderRenewParam.1.SubscriptionDuration': 1,
        'OrderRenewParam.1.CurrentExpirationDate': expiry,
      },
      { method: 'POST' },
    );
  }

  async function listedTaskNos(): Promise<string[]> {
    const res = await signedCall(sb, 'QueryTaskList', { PageNum: 1, PageSize: 50 });
    expect(res.status).toBe(200);
    expect(res.body.TotalItemNum).toBe(res.body.Data.TaskInfo.length);
    return res.body.Data.TaskInfo.map((t: { TaskNo: string }) => t.TaskNo);
  }

  async function detail(taskNo: string): Promise<{ TaskStatus: string; TaskStatusCode: number }> {
    const res = await signedCall(sb, 'QueryTaskDetailList', { TaskNo: taskNo, PageNum: 1, PageSize: 10 });
    expect(res.status).toBe(200);
    return res.body.Data.TaskDetail[0];
  }

  async function reportedExpiry(domain: string): Promise<number> {
    const res = await signedCall(sb, 'QueryDomainByDomainName', { DomainName: domain });
    expect(res.status).toBe(200);
    return res.body.ExpirationDateLong;
  }

  async function listAll(params: Record<string, string | number> = {}) {
    const res = await signedCall(sb, 'QueryDomainList', { PageNum: 1, PageSize: 100, ...params });
    expect(res.status).toBe(200);
    return res.body.Data.Domain as Array<{ DomainName: string; ExpirationDateLong: number; ExpirationDate: string }>;
  }

  test('executeThenFail: the submit answers 400 InternalError.Backend, yet the task runs and renews', async () => {
    const set = await postControl('faults', {
      executeThenFailRate: 1,
      taskListLagMs: 5 * MINUTE,
      actions: ['SaveBatchTaskForCreatingOrderRenew'],
    });
    expect(set.status).toBe(200);
    const before = await reportedExpiry('due-soon.com');
    const res = await submit('due-soon.com', before);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ Code: 'InternalError.Backend', HostId: 'domain.aliyuncs.com' });
    expect(res.body.TaskNo).toBeUndefined();
    // The reads are not faulted (actions); the task is there but not listed yet (taskListLagMs).
    expect(await listedTaskNos()).toEqual([]);
    await advance(5 * MINUTE);
    const [taskNo] = await listedTaskNos();
    expect(taskNo).toBeDefined();
    // The task was created by that very request.
    expect(sb.state().tasks[0]).toMatchObject({ taskNo, requestId: res.body.RequestId });
    expect(await detail(taskNo as string)).toMatchObject({ TaskStatus: 'EXECUTE_SUCCESS', TaskStatusCode: 2 });
    expect(await reportedExpiry('due-soon.com')).toBe(addYear(before));
    const state = sb.state();
    expect(state.requests).toMatchObject({ executeThenFailed: 1, SaveBatchTaskForCreatingOrderRenew: 1 });
    expect(state.renewals).toEqual([expect.objectContaining({ domainName: 'due-soon.com', years: 1 })]);
    expect(state.faultsInjected).toEqual([
      expect.objectContaining({ kind: 'executeThenFail', action: 'SaveBatchTaskForCreatingOrderRenew' }),
    ]);
  });

  test('executeThenFail with a 5xx code and status; a request failing on its own keeps its own error', async () => {
    sb.setFaults({ executeThenFailRate: 1, executeThenFailCode: 'ServiceUnavailable', executeThenFailStatus: 503 });
    const res = await submit('far-away.com', SANDBOX_NOW_MS + 300 * DAY_MS);
    expect(res.status).toBe(503);
    expect(res.body.Code).toBe('ServiceUnavailable');
    expect(sb.state().tasks).toHaveLength(1);
    // A read executes too, then fails.
    const read = await signedCall(sb, 'QueryDomainList', { PageNum: 1, PageSize: 1 });
    expect(read).toMatchObject({ status: 503, body: { Code: 'ServiceUnavailable' } });
    // Validation refuses before anything executes: that 400 is answered, not the injected error.
    const bad = await signedCall(sb, 'QueryDomainList', { PageNum: 1 });
    expect(bad).toMatchObject({ status: 400, body: { Code: 'MissingParameter' } });
    expect(sb.state().requests.executeThenFailed).toBe(2);
  });

  test('taskQueueMs: the task waits queued, expiry unchanged, until the clock passes the queue time', async () => {
    const set = await postControl('faults', { taskQueueMs: HOUR });
    expect(set.body.faults).toMatchObject({ taskQueueMs: HOUR });
    const before = await reportedExpiry('due-soon.com');
    const res = await submit('due-soon.com', before);
    expect(res.status).toBe(200);
    const taskNo = res.body.TaskNo as string;
    const task = sb.state().tasks[0];
    expect(task?.startsAtMs).toBe((task?.createdAtMs ?? 0) + HOUR + TASK_MS);
    expect(task?.doneAtMs).toBe((task?.startsAtMs ?? 0) + TASK_MS);
    expect(await detail(taskNo)).toMatchObject({ TaskStatus: 'WAITING_EXECUTE', TaskStatusCode: 0 });
    const listed = await signedCall(sb, 'QueryTaskList', { PageNum: 1, PageSize: 10 });
    expect(listed.body.Data.TaskInfo[0]).toMatchObject({
      TaskNo: taskNo,
      TaskStatus: 'WAITING_EXECUTE',
      TaskStatusCode: 1,
    });

    await advance(HOUR - 5 * MINUTE); // well past taskMs, still inside the queue time
    expect(await detail(taskNo)).toMatchObject({ TaskStatus: 'WAITING_EXECUTE', TaskStatusCode: 0 });
    expect(await reportedExpiry('due-soon.com')).toBe(before);

    await postControl('clock', { now: (task?.startsAtMs ?? 0) + 1000 });
    expect(await detail(taskNo)).toMatchObject({ TaskStatus: 'EXECUTING', TaskStatusCode: 1 });
    expect(await reportedExpiry('due-soon.com')).toBe(before);

    await postControl('clock', { now: task?.doneAtMs ?? 0 });
    expect(await detail(taskNo)).toMatchObject({ TaskStatus: 'EXECUTE_SUCCESS', TaskStatusCode: 2 });
    expect(await reportedExpiry('due-soon.com')).toBe(addYear(before));
  });

  test('taskQueueMs applies only to tasks created while it is set (and only for the listed actions)', async () => {
    sb.setFaults({ taskQueueMs: HOUR, actions: ['SaveSingleTaskForCreatingOrderRenew'] });
    expect((await submit('due-soon.com', SANDBOX_NOW_MS + 10 * DAY_MS)).status).toBe(200);
    const task = sb.state().tasks[0];
    expect(task?.startsAtMs).toBe((task?.createdAtMs ?? 0) + TASK_MS);
    sb.setFaults({});
    await advance(2 * TASK_MS);
    expect(sb.state().renewals).toHaveLength(1);
  });

  test('taskListLagMs: the task is absent from QueryTaskList, then present; its details can be read', async () => {
    sb.setFaults({ taskListLagMs: 10 * MINUTE });
    const res = await submit('far-away.com', SANDBOX_NOW_MS + 300 * DAY_MS);
    expect(res.status).toBe(200);
    const taskNo = res.body.TaskNo as string;
    expect(await listedTaskNos()).toEqual([]);
    expect(await detail(taskNo)).toMatchObject({ TaskStatus: 'WAITING_EXECUTE' });
    await advance(9 * MINUTE);
    expect(await listedTaskNos()).toEqual([]);
    expect(await detail(taskNo)).toMatchObject({ TaskStatus: 'EXECUTE_SUCCESS' });
    await advance(MINUTE);
    expect(await listedTaskNos()).toEqual([taskNo]);
    expect(sb.state().tasks[0]?.listedAtMs).toBe((sb.state().tasks[0]?.createdAtMs ?? 0) + 10 * MINUTE);
  });

  test('taskJitterMs: later tasks can finish first, the same way for the same seed', async () => {
    const domains = ['due-soon.com', 'far-away.com', 'in-grace.cn', 'pricey.io', '例子.中国', 'odd-hour.com'];
    const run = async (seed: number) => {
      const s = await startPartial({ seed, rejectStaleExpiry: false, faults: { taskJitterMs: HOUR } });
      try {
        for (const d of domains) expect((await submit(d, 1, s)).status).toBe(200);
        const created = s.state().tasks.map((t) => t.taskNo);
        s.setClock({ advanceMs: 2 * HOUR });
        const executed = s.state().renewals.map((r) => r.taskNo);
        expect([...executed].sort()).toEqual([...created].sort());
        return created.map((taskNo) => executed.indexOf(taskNo));
      } finally {
        await s.close();
      }
    };
    const order = await run(11);
    expect(order).not.toEqual([0, 1, 2, 3, 4, 5]);
    expect(await run(11)).toEqual(order);
  });

  test('expiryTruncation day: look-ups report 00:00:00Z of the expiry day; the day date renews', async () => {
    const set = await postControl('faults', { expiryTruncation: 'day' });
    expect(set.body.faults).toMatchObject({ expiryTruncation: 'day' });
    const listed = (await listAll()).find((d) => d.DomainName === 'odd-hour.com');
    expect(listed).toMatchObject({ ExpirationDateLong: ODD_DAY, ExpirationDate: '2026-01-13 08:00:00' });
    expect(new Date(listed?.ExpirationDateLong ?? 0).toISOString()).toBe('2026-01-13T00:00:00.000Z');
    expect(await reportedExpiry('odd-hour.com')).toBe(ODD_DAY);
    // The registrar's own record is exact.
    expect(sb.state().domains.find((d) => d.domainName === 'odd-hour.com')?.expiresAtMs).toBe(ODD_EXPIRY);
    // A renewal sent with the reported (day) date is accepted as current and adds a year to the exact expiry.
    expect((await submit('odd-hour.com', ODD_DAY)).status).toBe(200);
    await advance(2 * TASK_MS);
    expect(sb.state().renewals).toEqual([
      expect.objectContaining({
        domainName: 'odd-hour.com',
        fromExpiryMs: ODD_EXPIRY,
        toExpiryMs: addYear(ODD_EXPIRY),
      }),
    ]);
    expect(await reportedExpiry('odd-hour.com')).toBe(addYear(ODD_DAY));

    // Restricted to one action: the other one reports the exact expiry.
    sb.setFaults({ expiryTruncation: 'day', actions: ['QueryDomainByDomainName'] });
    expect((await listAll()).find((d) => d.DomainName === 'odd-hour.com')?.ExpirationDateLong).toBe(
      addYear(ODD_EXPIRY),
    );
    expect(await reportedExpiry('odd-hour.com')).toBe(addYear(ODD_DAY));
    sb.setFaults({});
    expect(await reportedExpiry('odd-hour.com')).toBe(addYear(ODD_EXPIRY));
  });

  test('without expiryTruncation a day date is stale', async () => {
    expect((await submit('odd-hour.com', ODD_DAY)).status).toBe(200);
    await advance(2 * TASK_MS);
    const task = sb.state().tasks[0];
    expect(task?.details[0]).toMatchObject({ status: 'EXECUTE_FAILURE' });
    expect(task?.details[0]?.errorMsg).toMatch(/expiration date does not match/);
  });

  test('nameFormFlipRate 1: every listed IDN comes in its other form; 0 leaves names as stored', async () => {
    const names = async () => (await listAll()).map((d) => d.DomainName);
    const stored = await names();
    expect(stored).toEqual(expect.arrayContaining(['xn--jvr800e.xn--fiqs8s', '例子.中国']));
    sb.setFaults({ nameFormFlipRate: 1 });
    const flipped = await names();
    expect(flipped).toEqual(expect.arrayContaining(['品牌.中国', 'xn--fsqu00a.xn--fiqs8s', 'due-soon.com']));
    expect(flipped).not.toContain('xn--jvr800e.xn--fiqs8s');
    expect(flipped).toHaveLength(stored.length);
    // QueryDomainByDomainName is not a listing: unchanged.
    const one = await signedCall(sb, 'QueryDomainByDomainName', { DomainName: '品牌.中国' });
    expect(one.body.DomainName).toBe('xn--jvr800e.xn--fiqs8s');
    expect(sb.state().faultsInjected.map((f) => f.kind)).toEqual(['nameFlip']);
    // Restricted to another action: listings are not flipped.
    sb.setFaults({ nameFormFlipRate: 1, actions: ['QueryTaskList'] });
    expect(await names()).toEqual(stored);
  });

  test('nameFormFlipRate 0.5 flips some pages, the same ones for the same seed', async () => {
    const run = async (seed: number) => {
      const s = await startPartial({ seed, faults: { nameFormFlipRate: 0.5 } });
      try {
        const flips: boolean[] = [];
        for (let i = 0; i < 12; i++) {
          const res = await signedCall(s, 'QueryDomainList', { PageNum: 1, PageSize: 100 });
          flips.push(res.body.Data.Domain.some((d: { DomainName: string }) => d.DomainName === '品牌.中国'));
        }
        return flips;
      } finally {
        await s.close();
      }
    };
    const flips = await run(4);
    expect(flips).toContain(true);
    expect(flips).toContain(false);
    expect(await run(4)).toEqual(flips);
  });

  test('pageShiftRate 1: a domain is added before each page, so items slide between pages', async () => {
    sb.setFaults({ pageShiftRate: 1 });
    const page = (n: number) => signedCall(sb, 'QueryDomainList', { PageNum: n, PageSize: 4 });
    const p1 = await page(1);
    const p2 = await page(2);
    expect(p2.body.TotalItemNum).toBe(p1.body.TotalItemNum + 1);
    const names1 = p1.body.Data.Domain.map((d: { DomainName: string }) => d.DomainName);
    const names2 = p2.body.Data.Domain.map((d: { DomainName: string }) => d.DomainName);
    // Newest first: the added domains lead, and page 1's last item is page 2's first.
    expect(names1[0]).toBe('page-shift-1.com');
    expect(names2[0]).toBe(names1[3]);
    const added = sb.state().domains.filter((d) => d.domainName.startsWith('page-shift-'));
    expect(added.map((d) => d.domainName)).toEqual(['page-shift-1.com', 'page-shift-2.com']);
    expect(added[0]).toMatchObject({ registeredAtMs: expect.any(Number), domainStatus: '3' });
    expect(sb.state().faultsInjected.map((f) => f.kind)).toEqual(['pageShift', 'pageShift']);
  });

  test('pageShiftRate: the added domain falls inside the request expiry range', async () => {
    sb.setFaults({ pageShiftRate: 1, actions: ['QueryDomainList'] });
    const from = SANDBOX_NOW_MS;
    const to = SANDBOX_NOW_MS + 30 * DAY_MS;
    const listed = await listAll({ StartExpirationDate: from, EndExpirationDate: to });
    expect(listed[0]).toMatchObject({ DomainName: 'page-shift-1.com', ExpirationDateLong: to });
    // Other actions do not shift.
    await signedCall(sb, 'QueryDomainByDomainName', { DomainName: 'due-soon.com' });
    expect(sb.state().domains.filter((d) => d.domainName.startsWith('page-shift-'))).toHaveLength(1);
  });

  test('control: unknown keys 400 naming them and the allowed keys; bad values 400; the echo is complete', async () => {
    const unknown = await postControl('faults', { executeThenFailRate: 0.1, taskQueueMS: 5 });
    expect(unknown.status).toBe(400);
    expect(unknown.body.Message).toMatch(/unknown fault key "taskQueueMS"; allowed keys: latencyMs, .*taskQueueMs/);
    for (const [body, key] of [
      [{ executeThenFailRate: 1.5 }, 'executeThenFailRate'],
      [{ taskQueueMs: -1 }, 'taskQueueMs'],
      [{ taskListLagMs: '5' }, 'taskListLagMs'],
      [{ taskJitterMs: Number.NaN }, 'taskJitterMs'],
      [{ expiryTruncation: 'hour' }, 'expiryTruncation'],
      [{ nameFormFlipRate: -0.1 }, 'nameFormFlipRate'],
      [{ pageShiftRate: 2 }, 'pageShiftRate'],
      [{ executeThenFailCode: 'no spaces allowed' }, 'executeThenFailCode'],
      [{ executeThenFailStatus: 302 }, 'executeThenFailStatus'],
      [{ executeThenFailStatus: 503, executeThenFailCode: 'Throttling.User' }, 'executeThenFailStatus'],
    ] as const) {
      const res = await postControl('faults', body);
      expect({ body, status: res.status, code: res.body.Code }).toEqual({
        body,
        status: 400,
        code: 'InvalidParameter',
      });
      expect(res.body.Message).toContain(key);
    }
    // A refused update leaves the settings as they were.
    expect(sb.state().faults.executeThenFailRate).toBe(0);

    const echo = await postControl('faults', {
      executeThenFailRate: 0.25,
      taskQueueMs: 1000,
      expiryTruncation: 'day',
      actions: ['QueryDomainList'],
    });
    expect(echo).toEqual({
      status: 200,
      body: {
        faults: {
          latencyMs: 0,
          throttleRate: 0,
          errorRate: 0,
          loseRate: 0,
          executeThenFailRate: 0.25,
          executeThenFailCode: 'InternalError.Backend',
          executeThenFailStatus: 400,
          taskQueueMs: 1000,
          taskListLagMs: 0,
          taskJitterMs: 0,
          expiryTruncation: 'day',
          nameFormFlipRate: 0,
          pageShiftRate: 0,
          refusals: null,
          actions: ['QueryDomainList'],
        },
      },
    });
    expect(sb.state().faults).toEqual(echo.body.faults);
    // The echo posts back as is (actions: null = all).
    const all = { ...(echo.body.faults as object), actions: null };
    expect(await postControl('faults', all)).toEqual({ status: 200, body: { faults: all } });
    expect(sb.setFaults({ pageShiftRate: 0.5 })).toMatchObject({ pageShiftRate: 0.5, executeThenFailRate: 0 });
  });

  test('programmatic settings are checked the same way', async () => {
    expect(() => sb.setFaults({ bogus: 1 } as SandboxFaults)).toThrow(/unknown fault key "bogus"; allowed keys/);
    await expect(startPartial({ faults: { taskQueueMs: -5 } })).rejects.toThrow(/faults\.taskQueueMs/);
  });
});
