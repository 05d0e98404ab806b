import { LedgerError } from '../../lib/errors';
import { executeCheck } from '../../lib/jobs';
import type { Ledger } from '../../lib/ledger/port';
import { startWorld, type World } from '../helpers/world';

const HOUR = 3_600_000;
const DAY = Date.UTC(2026, 11, 8);

/**
 * Review 2026-12-07 (thirty-first session) of the check page rule. The check schedule is `rate(1 hour)` (serverless.yml): its minute is wherever the deploy put it. A
 * stage deployed at xx:59 runs at xx:59:50; a run failing as a whole fails a few seconds later, on either side of
 * the hour. pagesCheckFailure pages a streak only when the failure's own clock is in hour 0, 6, 12 or 18: a run that
 * fails at 05:59:55 (fast) is in hour 5, the next at 07:00:05 (ten seconds slower: the ledger's retries) in hour 7,
 * and the whole 06-11 block is never paged: 11 hours of failures after the first page with no SMS, where the design
 * says "once in each six-hour block". With the last record readable, "the last failure was paged in another block"
 * (its finishedAtMs) does not depend on where in the hour the runs fall.
 */
describe('a check streak whose runs straddle the top of the hour', () => {
  let world: World;
  afterEach(async () => world?.stop());

  it('pages at least once in the 06-12 block', async () => {
    world = await startWorld({ sandbox: { nowMs: DAY, freezeClock: true, fixture: { domains: [] } } });
    let nowMs = DAY;
    let failAfterMs = 0;
    const clock = { now: () => nowMs };
    const broken = new Proxy(world.ledger, {
      get(target, key, receiver) {
        const value = Reflect.get(target, key, receiver);
        if (key !== 'listOpenBatches') return typeof value === 'function' ? value.bind(target) : value;
        return async () => {
          nowMs += failAfterMs; // the read's retries take this long, then it fails (a throttled table)
          throw new LedgerError('ledger listOpenBatches failed (throttled)');
        };
      },
    }) as Ledger;
    const alerts: number[] = [];
    const run = async (ledger: Ledger, startMs: number, durationMs: number) => {
      nowMs = startMs;
      failAfterMs = durationMs;
      const before = world.notifier.sent.length;
      await executeCheck(world.deps({ ledger, clock }), { policy: world.policy, runId: `c${startMs}` }).catch(
        () => undefined,
      );
      for (const m of world.notifier.sent.slice(before)) if (m.severity === 'alert') alerts.push(nowMs);
    };
    const at = (hour: number) => DAY + hour * HOUR - 10_000; // hh:59:50 of the hour before
    await run(world.ledger, at(1), 0); // 00:59:50, completed
    for (let hour = 2; hour <= 13; hour++) await run(broken, at(hour), hour === 7 ? 15_000 : 5_000);
    const hours = alerts.map((ms) => (ms - DAY) / HOUR);
    // The first failure of the streak (01:59:55) pages; some failure between 06:00 and 12:00 must page too.
    expect(hours.filter((h) => h >= 6 && h < 12)).not.toEqual([]);
  });
});
