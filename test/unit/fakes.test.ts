import { fixedClock } from '../../lib/clock';
import { RejectedFinalError } from '../../lib/errors';
import { duration, given, parseDomain } from '../helpers/builder';
import { createMemoryRegistrar } from '../helpers/memory-registrar';

const NOW = Date.UTC(2026, 10, 29, 6);
const DAY = 86_400_000;

describe('memory registrar', () => {
  test('a task waits taskMs, executes taskMs, then settles on the injected clock only', async () => {
    const clock = fixedClock(NOW);
    const r = createMemoryRegistrar({
      clock,
      taskMs: 1_000,
      domains: [{ domainName: 'A.com', expiresAtMs: NOW + DAY }],
    });
    const { taskNo } = await r.submitRenewBatch({
      items: [{ domainName: 'a.com', years: 2, currentExpiryMs: NOW + DAY, permitPremium: false }],
    });
    const state = async () => (await r.listTaskDetails(taskNo)).map((d) => d.state);
    expect(await state()).toEqual(['waiting']);
    expect((await r.listTasks({ fromMs: NOW, toMs: NOW }))[0]).toMatchObject({
      taskNo,
      kind: 'renewal',
      finished: false,
      createdAtMs: NOW,
    });
    clock.advance(1_000);
    expect(await state()).toEqual(['executing']);
    expect((await r.getDomain('a.com')).expiresAtMs).toBe(NOW + DAY);
    clock.advance(1_000);
    expect(await state()).toEqual(['success']);
    expect((await r.getDomain('A.COM')).expiresAtMs).toBe(Date.UTC(2028, 10, 30, 6));
    expect((await r.listTasks({ fromMs: NOW, toMs: NOW }))[0]?.finished).toBe(true);
    expect(await r.listTasks({ fromMs: NOW + 2 * DAY, toMs: NOW + 3 * DAY })).toEqual([]);
  });

  test('stale expiries, premium without permission and injected failures fail their detail only', async () => {
    const clock = fixedClock(NOW);
    const r = createMemoryRegistrar({
      clock,
      domains: [
        { domainName: 'ok.com', expiresAtMs: NOW + DAY },
        { domainName: 'stale.com', expiresAtMs: NOW + DAY },
        { domainName: 'gold.com', expiresAtMs: NOW + DAY, premium: true },
        { domainName: 'hook.com', expiresAtMs: NOW + DAY },
      ],
    });
    r.faults.failDomain = (d) => (d === 'hook.com' ? 'injected' : undefined);
    const item = (domainName: string, currentExpiryMs = NOW + DAY) => ({
      domainName,
      years: 1,
      currentExpiryMs,
      permitPremium: false,
    });
    const { taskNo } = await r.submitRenewBatch({
      items: [item('ok.com'), item('stale.com', NOW), item('gold.com'), item('hook.com'), item('gone.com')],
    });
    clock.advance(600_000);
    const details = await r.listTaskDetails(taskNo);
    expect(details.map((d) => [d.domainName, d.state, d.failReason ?? ''])).toEqual([
      ['ok.com', 'success', ''],
      ['stale.com', 'failure', 'The current expiration date does not match.'],
      ['gold.com', 'failure', 'Premium domain renewal is not permitted.'],
      ['hook.com', 'failure', 'injected'],
      ['gone.com', 'failure', 'The domain name does not exist.'],
    ]);
    expect(r.submissions()).toHaveLength(5);
    await expect(r.getDomain('gone.com')).rejects.toBeInstanceOf(RejectedFinalError);
    expect(r.calls).toMatchObject({ submitRenewBatch: 1, listTaskDetails: 1, getDomain: 1 });
  });
});

describe('builder', () => {
  test('domain specs and durations', () => {
    expect(parseDomain('a.com+10d', NOW)).toEqual({ domainName: 'a.com', expiresAtMs: NOW + 10 * DAY });
    expect(parseDomain('b.io-2h premium redemption', NOW)).toEqual({
      domainName: 'b.io',
      expiresAtMs: NOW - 2 * 3_600_000,
      premium: true,
      standing: 'redemption',
    });
    expect(parseDomain('my-site.co-op.com-1.5d', NOW)).toEqual({
      domainName: 'my-site.co-op.com',
      expiresAtMs: NOW - 1.5 * DAY,
    });
    expect(duration('90m')).toBe(5_400_000);
    expect(() => parseDomain('a.com', NOW)).toThrow(/bad domain/);
    expect(() => parseDomain('a.com+1d shiny', NOW)).toThrow(/unknown domain flag/);
    expect(() => duration('3w')).toThrow(/bad duration/);
  });

  test('given: portfolio, policy and clock in one line', async () => {
    const t = await given({ domains: ['a.com+10d', 'b.com+40d'], policy: { limits: { maxBatchSize: 8 } }, now: NOW });
    expect(t.clock.now()).toBe(NOW);
    expect(t.policy.limits.maxBatchSize).toBe(8);
    expect(t.expiry('A.com')).toBe(NOW + 10 * DAY);
    t.advance('1d');
    expect(t.clock.now()).toBe(NOW + DAY);
    expect((await t.renew({ dryRun: true })).summary.planned).toBe(1);
  });
});
