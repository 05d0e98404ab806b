import { parseDisplayTime } from '../../lib/alibaba/shapes';
import { AmbiguousOutcomeError } from '../../lib/errors';
import type { Registrar } from '../../lib/registrar/port';
import { queuedTaskMark } from '../../lib/renewal/foreign-tasks';
import { given } from '../helpers/builder';

type T = Awaited<ReturnType<typeof given>>;

/** Someone else renews a.com (the console, Alibaba's auto-renew); the listing keeps the old expiry for 4 h. */
async function renewedElsewhere(t: T, lagHours = 4): Promise<string> {
  t.registrar.faults.expiryLagMs = () => lagHours * 3_600_000;
  const theirs = await t.registrar.submitRenewBatch({
    items: [{ domainName: 'a.com', years: 1, currentExpiryMs: t.expiry('a.com') as number, permitPremium: false }],
  });
  t.advance('10m');
  return theirs.taskNo;
}

const boughtTimes = (t: T, domain: string) => t.registrar.submissions().filter((s) => s.domainName === domain).length;

/**
 * Someone else's just-finished renewal read through answers nobody expected (review 2026-12-05, round 4): a detail
 * page the adapter cannot read, and task times in a format it does not know. Whether the registrar refuses an order
 * for an expiry already renewed is UNCONFIRMED (`rejectStaleExpiry: false`: it does not). Each test failed before
 * its fix.
 */
describe("someone else's finished renewal read through an unexpected answer", () => {
  test('control: readable details hold the due domain while the listing lags', async () => {
    const t = await given({ domains: ['a.com+10d', 'b.com+200d'], rejectStaleExpiry: false });
    await renewedElsewhere(t);
    await t.renew();
    expect(boughtTimes(t, 'a.com')).toBe(1);
  });

  test('a detail page the adapter cannot read holds every due domain while the task may have just run', async () => {
    const t = await given({ domains: ['a.com+10d', 'c.com+12d', 'b.com+200d'], rejectStaleExpiry: false });
    const theirs = await renewedElsewhere(t);
    const registrar: Registrar = {
      ...t.registrar,
      listTaskDetails: async (no) => {
        if (no === theirs)
          throw new AmbiguousOutcomeError('QueryTaskDetailList failed: invalid response (TaskStatusCode: 7)');
        return t.registrar.listTaskDetails(no);
      },
    };
    const run = await t.renew({ deps: { registrar } });
    expect(boughtTimes(t, 'a.com')).toBe(1);
    // Which of them it renewed is unknown: c.com waits too, and is named.
    expect(boughtTimes(t, 'c.com')).toBe(0);
    expect(run.plan.decisions.find((d) => d.domain.domainName === 'c.com')?.reason).toBe('elsewhere-unread');
    // Two days after it ran the task holds nothing more: the listing has long caught up.
    t.advance('2d');
    await t.renew({ deps: { registrar } });
    expect(boughtTimes(t, 'c.com')).toBe(1);
    expect(boughtTimes(t, 'a.com')).toBe(1);
  });

  test('a row of theirs in a status nobody documented holds the domain, as a running row does (review 2026-12-07)', async () => {
    const t = await given({ domains: ['a.com+10d', 'b.com+200d'], rejectStaleExpiry: false });
    const theirs = await renewedElsewhere(t);
    const registrar: Registrar = {
      ...t.registrar,
      listTaskDetails: async (no) =>
        (await t.registrar.listTaskDetails(no)).map((d) =>
          no === theirs ? { ...d, state: 'unknown' as const, statusCode: 4 } : d,
        ),
    };
    expect((await t.registrar.listTasks({ fromMs: 0, toMs: Date.UTC(2030, 0) })).map((x) => x.finished)).toEqual([
      true,
    ]);
    await t.renew({ deps: { registrar } });
    expect(boughtTimes(t, 'a.com')).toBe(1);
  });

  test('display times with fractional seconds or an explicit zone are read', () => {
    const at = Date.UTC(2026, 10, 29, 6, 10, 0);
    expect(parseDisplayTime('2026-11-29 14:10:00')).toBe(at);
    expect(parseDisplayTime('2026-11-29 14:10:00.0')).toBe(at);
    expect(parseDisplayTime('2026-11-29 14:10:00.250')).toBe(at + 250);
    expect(parseDisplayTime('2026-11-29T06:10:00Z')).toBe(at);
    expect(parseDisplayTime('2026-11-29T06:10:00.5Z')).toBe(at + 500);
    expect(parseDisplayTime('2026-11-29T14:10:00+08:00')).toBe(at);
    expect(parseDisplayTime('2026-11-29T01:10:00-05:00')).toBe(at);
    expect(parseDisplayTime('2026-11-29 14:10:00+0800')).toBe(at);
    for (const bad of [
      '2026-11-29 14:10:00.',
      '2026-11-29T06:10:00+25:00',
      '2026-11-29 14:10',
      '2026-11-29 14:10:00 Z',
    ])
      expect(parseDisplayTime(bad)).toBeUndefined();
  });

  test('a finished task whose times cannot be read is taken as just run, from when a run first saw it', async () => {
    const t = await given({ domains: ['a.com+10d', 'b.com+200d'], rejectStaleExpiry: false });
    const theirs = await renewedElsewhere(t, 30);
    const registrar: Registrar = {
      ...t.registrar,
      listTasks: async (r) =>
        (await t.registrar.listTasks(r)).map(({ createdAtMs: _c, ...task }) => ({ ...task, createTime: 'soon' })),
      listTaskDetails: async (no) => (await t.registrar.listTaskDetails(no)).map(({ updatedAtMs: _u, ...d }) => d),
    };
    const run = await t.renew({ deps: { registrar } });
    expect(boughtTimes(t, 'a.com')).toBe(1);
    expect(t.logs.some((l) => /"level":"warn"/.test(l) && /no creation time this tool can read/.test(l))).toBe(true);
    expect(run.plan.decisions.find((d) => d.domain.domainName === 'a.com')?.reason).toBe('renewed-elsewhere');
    // Marked when first seen: from then on it is judged by that mark (two days), not taken as just run for good.
    const firstSeen = t.clock.now();
    expect((await t.ledger.getMarks([queuedTaskMark(theirs)])).get(queuedTaskMark(theirs))).toBe(firstSeen);
    t.advance('1d');
    await t.renew({ deps: { registrar } });
    expect(boughtTimes(t, 'a.com')).toBe(1);
    expect((await t.ledger.getMarks([queuedTaskMark(theirs)])).get(queuedTaskMark(theirs))).toBe(firstSeen);
  });
});
