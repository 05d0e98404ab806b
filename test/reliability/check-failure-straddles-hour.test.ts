import { LedgerError } from '../../lib/errors';
import { executeCheck } from '../../lib/jobs';
import type { Ledger } from '../../lib/ledger/port';
import type { Notifier } from '../../lib/notify/port';
import { startWorld, type World } from '../helpers/world';

const HOUR = 3_600_000;
const DAY = Date.UTC(2026, 11, 8);

/**
 * Review 2026-12-07 (thirty-first session) of that session's fixes. pagesCheckFailure compares the block of the LAST failure's
 * recorded `finishedAtMs` (written after its alert went out) with the block of THIS run's decision time (before its
 * alert). The check schedule is `rate(1 hour)`: its minute is wherever the last deploy left it. A check started at
 * hh:59:50 that fails as a whole decides at hh:59:5x and records its end a few seconds later, past the hour (SNS
 * publish, a chat target's 10 s timeout). Each hourly run then decides in the same hour its predecessor's record
 * names: within a six-hour block. The run just before 06:00 decides in block 0 and records in block 6; the run just
 * before 07:00 compares block 6 with block 6: quiet; ...; the run just before 12:00 records in block 12, and so on.
 * After the first failure, a check failing for days never pages again (the email only).
 */
describe('a failing check whose runs straddle the hour', () => {
  let world: World;
  afterEach(async () => world?.stop());

  it('still pages once per six-hour block', async () => {
    world = await startWorld({ sandbox: { nowMs: DAY, freezeClock: true, fixture: { domains: [] } } });
    let nowMs = DAY;
    const clock = { now: () => nowMs };
    const broken = new Proxy(world.ledger, {
      get(target, key, receiver) {
        const value = Reflect.get(target, key, receiver);
        if (key === 'listOpenBatches')
          return async () => {
            throw new LedgerError('ledger listOpenBatches failed (throttled)');
          };
        return typeof value === 'function' ? value.bind(target) : value;
      },
    }) as Ledger;
    // SNS's publish takes 8 s of the job's clock (its retries, a chat target's timeout in the fan-out).
    const notifier: Notifier = {
      publish: async (m) => {
        const r = await world.notifier.publish(m);
        nowMs += 8_000;
        return r;
      },
    };
    const alerts: number[] = [];
    const run = async (ledger: Ledger, startMs: number) => {
      nowMs = startMs;
      const before = world.notifier.sent.length;
      await executeCheck(world.deps({ ledger, clock, notifier }), { policy: world.policy, runId: `c${startMs}` }).catch(
        () => undefined,
      );
      for (const m of world.notifier.sent.slice(before)) if (m.severity === 'alert') alerts.push(startMs);
    };
    const at = (hour: number) => DAY + hour * HOUR - 5_000; // hh:59:55 of the hour before
    await run(world.ledger, at(1)); // 00:59:55, completed
    for (let hour = 2; hour <= 25; hour++) await run(broken, at(hour)); // 24 hourly failures, 01:59:55 to 00:59:55
    const hours = alerts.map((ms) => Math.floor((ms - DAY) / HOUR));
    // The streak's first failure, then one in each later six-hour block (06, 12, 18, 00 of the next day): 5.
    // Before the fix: [1], one page for a day of failures. Exactly these, or a rule paging every hour would pass too.
    expect(hours).toEqual([1, 6, 12, 18, 24]);
  });
});
