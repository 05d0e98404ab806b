import { executeCheck, executeRenew } from '../../lib/jobs';
import type { Registrar } from '../../lib/registrar/port';
import { closeBatchByHand } from '../../lib/renewal/close-batch';
import { given } from '../helpers/builder';

/**
 * Review 2026-12-07 (operator's ledger commands). A batch stuck close to its domain's expiry (its task waits in
 * Alibaba's queue) is what the stuck alert sends a person to close: they cancel the task in the console and run
 * `close-batch`, which releases the renewal with "released; the next renew run buys it if it is due and not held"
 * and a `resolved` digest line "released, the next renew run buys it if it is due". When the next daily renew run
 * comes after the domain's last buying moment (here: its expiry, daysAfterExpiry 0), nothing buys it and nobody is
 * told before it is too late. The reconciler's own late release says so with an urgent look-first will-lapse line
 * (notices.ts, `unknown-release-lapse.test.ts`); a release by hand never does.
 */
const HOUR = 3_600_000;

describe('close-batch releasing a renewal whose next daily renew run comes after its last buying moment', () => {
  test('the domain is bought before it expires, or a person is told to renew it by hand before then', async () => {
    const t = await given({ domains: ['a.com+66h'], policy: { window: { daysBeforeExpiry: 30, daysAfterExpiry: 0 } } });
    const T0 = t.clock.now(); // 06:00Z, the daily renew run's time
    const expiry = T0 + 66 * HOUR; // the day after tomorrow, 00:00Z
    // The order waits in Alibaba's queue for days: the batch is reported stuck every day.
    t.registrar.faults.queueMs = () => 10 * 86_400_000;
    // From CANCEL_AT on, the console shows the task cancelled (nothing of it runs any more).
    const CANCEL_AT = T0 + 50 * HOUR;
    const registrar: Registrar = {
      ...t.registrar,
      listTasks: async (range) =>
        (await t.registrar.listTasks(range)).map((task) =>
          t.clock.now() >= CANCEL_AT ? { ...task, finished: true, cancelled: true as const } : task,
        ),
    };
    const deps = () => t.deps({ registrar });
    let n = 0;
    const renewAt = (ms: number) => {
      t.clock.set(ms);
      return executeRenew(deps(), { policy: t.policy, dryRun: false, runId: `r${++n}` });
    };
    const checkAt = (ms: number) => {
      t.clock.set(ms);
      return executeCheck(deps(), { policy: t.policy, runId: `c${++n}` });
    };
    let batchId: string | undefined;
    let closedAt = 0;
    // Renew daily at 06:00, check hourly at :05. At 08:00 on day 2 (16 h before the expiry) the person, sent by the
    // stuck alert, has cancelled the task in the console and closes the batch as the refusal told them to.
    for (let h = 0; h <= 72; h++) {
      if (h % 24 === 0) await renewAt(T0 + h * HOUR).catch(() => undefined);
      if (h === 0) batchId = (await t.ledger.listOpenBatches())[0]?.batchId;
      if (h === 50) {
        closedAt = T0 + h * HOUR + 2 * 60_000;
        t.clock.set(closedAt);
        const closed = await closeBatchByHand(
          t.ledger,
          batchId as string,
          'task cancelled in the console',
          closedAt,
          true,
          registrar,
        );
        expect(closed.unsettled.map((u) => [u.entry.domain, u.action])).toEqual([['a.com', 'released']]);
      }
      await checkAt(T0 + h * HOUR + 5 * 60_000).catch(() => undefined);
    }
    const bought = t.registrar.tasks.filter((task) => task.createdAtMs > closedAt && task.createdAtMs < expiry).length;
    const afterClose = t.notifier.sent
      .filter((m) => (m.digest?.nowMs ?? 0) >= closedAt && (m.digest?.nowMs ?? 0) < expiry)
      .flatMap((m) => m.digest?.outcomes ?? [])
      .filter((o) => o.domain === 'a.com');
    const said = afterClose.map((o) => `${o.event}: ${o.reason ?? ''}`);
    // Today: nothing bought, and the only line after the close is the promise that the next renew run buys it; that
    // run (06:00 the next day) finds a.com past its window.
    expect({
      bought,
      urgentWillLapse: afterClose.some((o) => o.event === 'will-lapse' && o.urgent === true),
      promised: said.filter((s) => /next renew run buys it/.test(s)),
    }).toEqual(bought > 0 ? expect.objectContaining({ bought }) : { bought: 0, urgentWillLapse: true, promised: [] });
  });
});
