import { executeRenew } from '../../lib/jobs';
import type { DomainOutcome } from '../../lib/notify/port';
import { given } from '../helpers/builder';

/**
 * The advance notice (notify.advanceDays, issue 15): a renewal is announced in an `upcoming` digest with its price,
 * and bought only once that notice has been out for the full period, unless the domain would lapse first.
 */

const DAY = 86_400_000;
const notice = { notify: { advanceDays: 7 } };

async function world(domains: string[]) {
  const t = await given({ domains, policy: notice });
  let runs = 0;
  const run = () => executeRenew(t.deps(), { policy: t.policy, dryRun: false, runId: `n${++runs}` });
  const upcoming = () =>
    t.notifier.sent.flatMap((m) => m.digest?.outcomes.filter((o) => o.event === 'upcoming') ?? []) as DomainOutcome[];
  return Object.assign(t, { run, upcoming });
}

describe('advance notice', () => {
  test('a due domain is announced with its price, and bought only after the notice has been out 7 days', async () => {
    const t = await world(['a.com+20d']);
    const first = await t.run();
    expect(first.plan.decisions[0]).toMatchObject({ action: 'skip', reason: 'awaiting-notice' });
    expect(t.registrar.submissions()).toEqual([]);
    const [line] = t.upcoming();
    expect(line).toMatchObject({ domain: 'a.com', price: { minor: 6900, currency: 'CNY' } });
    expect(line?.reason).toBe('to be bought from 2026-12-06; to stop it: autorenew hold a.com');
    expect(t.notifier.sent[0]?.severity).toBe('info'); // a notice pages nobody

    // Daily runs during the notice: announced once, not bought.
    for (let day = 1; day < 7; day++) {
      t.advance('1d');
      await t.run();
    }
    expect(t.upcoming()).toHaveLength(1);
    expect(t.registrar.submissions()).toEqual([]);
    t.advance('1d');
    await t.run();
    const bought = t.registrar.submissions();
    expect(bought.map((s) => s.domainName)).toEqual(['a.com']);
    // The notice preceded the purchase by the full period.
    expect(t.registrar.tasks[0]?.createdAtMs).toBeGreaterThanOrEqual(Date.parse('2026-11-29T06:00:00Z') + 7 * DAY);
  });

  test('a domain that would lapse before its notice ends is bought at once, and the digest says why', async () => {
    const t = await world(['soon.com+5d', 'later.com+25d']);
    const run = await t.run();
    expect(t.registrar.submissions().map((s) => s.domainName)).toEqual(['soon.com']);
    expect(run.plan.decisions.find((d) => d.domain.domainName === 'soon.com')).toMatchObject({
      action: 'renew',
      withoutFullNotice: true,
    });
    expect(t.notifier.sent[0]?.email).toContain(
      'Bought without the full advance notice, because they would lapse first: soon.com.',
    );
    expect(t.upcoming().map((o) => o.domain)).toEqual(['later.com']);
  });

  test('a domain coming due within the notice period is announced before it is due, and bought when due', async () => {
    const t = await world(['next.com+34d']); // due (30-day window) in 4 days
    const first = await t.run();
    expect(first.plan.decisions[0]?.reason).toBe('not-due');
    expect(t.upcoming().map((o) => o.reason)).toEqual([
      'to be bought from 2026-12-06; to stop it: autorenew hold next.com',
    ]);
    t.advance('4d'); // due now, but the notice has been out only 4 days
    expect((await t.run()).plan.decisions[0]?.reason).toBe('awaiting-notice');
    t.advance('3d');
    await t.run();
    expect(t.registrar.submissions().map((s) => s.domainName)).toEqual(['next.com']);
  });

  test('a notice that could not be published starts no notice period: nothing is bought on its strength', async () => {
    const t = await world(['a.com+20d']);
    t.notifier.failNext = 1;
    await t.run();
    expect(t.upcoming()).toEqual([]);
    t.advance('7d');
    await t.run(); // the notice goes out now
    expect(t.upcoming()).toHaveLength(1);
    expect(t.registrar.submissions()).toEqual([]);
    t.advance('7d');
    await t.run();
    expect(t.registrar.submissions().map((s) => s.domainName)).toEqual(['a.com']);
  });

  test('the balance must also cover what is announced: the shortfall behind the TopUpNeeded alarm', async () => {
    const t = await given({ domains: ['a.com+20d', 'b.com+5d'], balance: 100, policy: notice });
    const run = await executeRenew(t.deps(), { policy: t.policy, dryRun: false, runId: 's1' });
    // b.com (69) is bought now; a.com (69) is announced: 138 against 100.
    expect(t.registrar.submissions().map((s) => s.domainName)).toEqual(['b.com']);
    expect(run.plan.money?.deferred).toBeUndefined();
    expect(run.plan.money?.shortfall).toEqual({ minor: 3800, currency: 'CNY' });
  });

  test('advanceDays 0 buys as soon as due, with no upcoming digest', async () => {
    const t = await given({ domains: ['a.com+20d'], policy: { notify: { advanceDays: 0 } } });
    await executeRenew(t.deps(), { policy: t.policy, dryRun: false, runId: 'z' });
    expect(t.registrar.submissions().map((s) => s.domainName)).toEqual(['a.com']);
  });
});
