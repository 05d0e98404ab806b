import RPCClient from '@alicloud/pop-core';
import { type Sandbox, startSandbox } from '../../lib/sandbox';
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
  const res = await fetch(`${sb.url}/_sandbox/${path}`, { method: 'POST', body: JSON.stringify(body) });
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

test('latency delays the answer', async () => {
  sb.setFaults({ latencyMs: 150 });
  const started = Date.now();
  expect((await signedCall(sb, 'QueryDomainList', { PageNum: 1, PageSize: 1 })).status).toBe(200);
  expect(Date.now() - started).toBeGreaterThanOrEqual(140);
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
  const bad = await fetch(`${sb.url}/_sandbox/clock`, { method: 'POST', body: '{not json' });
  expect(bad.status).toBe(400);
  // 100 days later due-soon.com is 90 days past expiry: in redemption.
  const state = (await (await fetch(`${sb.url}/_sandbox/state`)).json()) as {
    domains: Array<{ domainName: string; domainStatus: string }>;
  };
  expect(state.domains.find((d) => d.domainName === 'due-soon.com')?.domainStatus).toBe('2');
  expect((await fetch(`${sb.url}/_sandbox/nope`)).status).toBe(404);
});

test('close() ends pending latency and open connections promptly', async () => {
  sb.setFaults({ latencyMs: 60_000 });
  const pending = signedCall(sb, 'QueryDomainList', { PageNum: 1, PageSize: 1 }).catch((e: Error) => e);
  await new Promise((r) => setTimeout(r, 50));
  const started = Date.now();
  await sb.close();
  expect(Date.now() - started).toBeLessThan(1000);
  expect(await pending).toMatchObject({ message: expect.stringMatching(/fetch failed/) });
});
