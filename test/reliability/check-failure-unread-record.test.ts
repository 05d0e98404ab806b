import { LedgerError } from '../../lib/errors';
import { executeCheck } from '../../lib/jobs';
import type { Ledger } from '../../lib/ledger/port';
import { startWorld, type World } from '../helpers/world';

const HOUR = 3_600_000;
const DAY = Date.UTC(2026, 11, 8);

/**
 * Review 2026-12-07 (thirty-first session) of that session's fixes. The check page rule v2 starts a streak at a record with completedAtOf(record) >= finishedAtMs. A whole failure
 * whose read of the last record failed (a throttled table: the bounded read gives up) writes its own failed record
 * WITHOUT lastCompletedAtMs, and such a record reads as completed at its end. The next failure therefore "starts a
 * streak" and pages. With the last-run read failing every other hour through a throttled-ledger outage, the check
 * pages every two hours (six SMS in twelve hours) instead of once per six-hour block (three).
 */
describe('a check streak whose last-record read fails every other run', () => {
  let world: World;
  afterEach(async () => world?.stop());

  it('pages no more than the first failure and once per six-hour block', async () => {
    world = await startWorld({ sandbox: { nowMs: DAY, freezeClock: true, fixture: { domains: [] } } });
    let nowMs = DAY;
    let readFails = false;
    const clock = { now: () => nowMs };
    const broken = new Proxy(world.ledger, {
      get(target, key, receiver) {
        const value = Reflect.get(target, key, receiver);
        if (key === 'listOpenBatches')
          return async () => {
            throw new LedgerError('ledger listOpenBatches failed (throttled)');
          };
        if (key === 'lastRun' && readFails)
          return async () => {
            throw new LedgerError('ledger lastRun failed (throttled)');
          };
        return typeof value === 'function' ? value.bind(target) : value;
      },
    }) as Ledger;
    const alerts: number[] = [];
    const run = async (ledger: Ledger, startMs: number) => {
      nowMs = startMs;
      const before = world.notifier.sent.length;
      await executeCheck(world.deps({ ledger, clock }), { policy: world.policy, runId: `c${startMs}` }).catch(
        () => undefined,
      );
      for (const m of world.notifier.sent.slice(before)) if (m.severity === 'alert') alerts.push(nowMs);
    };
    const at = (hour: number) => DAY + hour * HOUR + 20 * 60_000; // hh:20
    await run(world.ledger, at(0)); // 00:20, completed
    for (let hour = 1; hour <= 12; hour++) {
      readFails = hour % 2 === 1; // the bounded read of the last record fails every other run
      await run(broken, at(hour));
    }
    const hours = alerts.map((ms) => Math.floor((ms - DAY) / HOUR));
    // Now [2, 4, 6, 8, 10, 12]. The streak's first readable failure (02:20: 01:20 could not read the record and is
    // not in a block's first hour) and the first of the 06-12 and 12-18 blocks: three pages at most.
    expect(hours.length).toBeLessThanOrEqual(3);
  });
});
