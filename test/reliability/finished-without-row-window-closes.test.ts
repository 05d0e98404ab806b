import { closeBatchByHand } from '../../lib/renewal/close-batch';
import { FINISHED_WITHOUT_ROW, FINISHED_WITHOUT_ROW_BY_HAND } from '../../lib/renewal/entry-notes';
import { collectLapseWarnings } from '../../lib/renewal/will-lapse';
import { given } from '../helpers/builder';
import { hidingDetailRows } from '../helpers/faulty';

const DAY = 86_400_000;

/**
 * Round 5. A domain bought in its grace period under window.daysAfterExpiry 5 (grace 30): its task runs without a
 * row and renews nothing. Check waits 2 days from when it first found the task finished (the act-by moment is the
 * grace end, far off) and the policy's buying window closes during the wait. Then the note says "close the batch
 * (autorenew close-batch) so the next renew run buys it": the person does at once, and the next renew run does not
 * buy it (past-window). Before the wait, the act note came while the run could still buy it.
 */
describe('finished without a row, the buying window closes during the wait', () => {
  test('a person who closes the batch as the note says has it bought by the next renew run', async () => {
    const t = await given({
      domains: ['b.com-2d'],
      policy: { window: { daysBeforeExpiry: 30, daysAfterExpiry: 5 } },
    });
    const oldExpiry = t.expiry('b.com') as number;
    t.registrar.faults.failDomain = (d) => (d === 'b.com' ? 'registry refused (test)' : undefined);
    const short = hidingDetailRows(t.registrar, 'b.com');
    await t.renew({ deps: { registrar: short } });
    expect(t.registrar.submissions().map((s) => s.domainName)).toEqual(['b.com']);
    let advice: 'close' | 'by hand' | undefined;
    for (let h = 1; h < 24 * 8 && advice === undefined; h++) {
      t.advance('1h');
      await t.check({ deps: { registrar: short } });
      if (h % 24 === 0) await t.renew({ deps: { registrar: short } });
      const [open] = await t.ledger.listOpenBatches();
      const note = open?.entries.find((e) => e.domain === 'b.com')?.message ?? '';
      if (open && note.startsWith(FINISHED_WITHOUT_ROW_BY_HAND.slice(0, 40))) advice = 'by hand';
      if (open && note.startsWith(FINISHED_WITHOUT_ROW.slice(0, 40))) {
        advice = 'close';
        // The person does what the note says, at once.
        await closeBatchByHand(t.ledger, open.batchId, 'as the alert said', t.clock.now(), true, short);
      }
    }
    expect(advice).toBeDefined();
    const toldAtDaysAfterExpiry = (t.clock.now() - oldExpiry) / DAY;
    // The next daily renew run.
    t.advance('1d');
    const run = await t.renew({ deps: { registrar: short } });
    const b = run.plan.decisions.find((d) => d.domain.domainName === 'b.com');
    const lapse = collectLapseWarnings(run.plan).map((w) => w.outcome.reason);
    // Told to close so that the next run buys it: that run buys it.
    expect({
      advice,
      toldAtDaysAfterExpiry,
      nextRun: `${b?.action} ${b?.reason}`,
      submissions: t.registrar.submissions().length,
      lapse,
    }).toMatchObject(advice === 'close' ? { submissions: 2 } : {});
  });
});
