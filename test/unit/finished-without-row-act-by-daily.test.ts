import { FINISHED_WITHOUT_ROW, FINISHED_WITHOUT_ROW_BY_HAND } from '../../lib/renewal/entry-notes';
import { given } from '../helpers/builder';
import { hidingDetailRows } from '../helpers/faulty';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/**
 * Review 2026-12-07, twenty-ninth session (of 0888110). Check's "wait" for a rowless entry of a finished task ends at the finished-task mark +
 * 2 days, or earlier at the moment a person must act by (mayExpiryStillShow). But a person hears the note only in the
 * daily `stuck` line (flagStuck: every 24 h from the first one), and the switch from "wait" to "close the batch, or
 * renew it by hand" triggers no line of its own. The first stuck line goes out 24 h after the submit, while our task
 * still waits in the queue (29 h). The task runs at 29 h without a row for the domain and renews nothing: the mark is
 * put then, so the wait ends at 77 h; the next stuck line is at 96 h. A domain whose act-by moment is at 80 h is told
 * "wait" at 48 h and 72 h, and "renew it by hand" only at 96 h: after its expiry (ahead), or after its grace end (an
 * expired domain: redemption, which this tool never buys).
 */
const CASES: [string, { domain: string; policy: Record<string, unknown>; actBy: (expiryMs: number) => number }][] = [
  ['expiry ahead (act by the expiry)', { domain: 'b.com+80h', policy: {}, actBy: (e) => e }],
  [
    'expired before the submit (act by the grace end)',
    {
      domain: 'b.com-640h',
      policy: { window: { daysBeforeExpiry: 30, daysAfterExpiry: 30 } },
      actBy: (e) => e + 30 * DAY,
    },
  ],
];

describe('the switch from "wait" to "by hand" reaches a person before the act-by moment', () => {
  test.each(CASES)('%s', async (_name, c) => {
    const t = await given({ domains: [c.domain], policy: c.policy });
    const oldExpiry = t.expiry('b.com') as number;
    const t0 = t.clock.now();
    const actBy = c.actBy(oldExpiry);
    expect(actBy - t0).toBe(80 * HOUR);
    // Our order waits 29 h in Alibaba's queue, then runs and renews nothing; its details never list b.com.
    t.registrar.faults.queueMs = () => 29 * HOUR;
    t.registrar.faults.failDomain = (d) => (d === 'b.com' ? 'registry refused (test)' : undefined);
    const short = hidingDetailRows(t.registrar, 'b.com');
    await t.renew({ deps: { registrar: short } });
    expect(t.registrar.submissions().map((s) => s.domainName)).toEqual(['b.com']);
    const stuckLines: { h: number; reason: string }[] = [];
    const otherLines: { h: number; event: string; reason: string }[] = [];
    for (let h = 1; t.clock.now() < actBy; h++) {
      t.advance('1h');
      t.notifier.sent.length = 0;
      await t.check({ deps: { registrar: short } });
      if (h % 24 === 0) await t.renew({ deps: { registrar: short } }); // the daily renew run
      for (const m of t.notifier.sent)
        for (const o of m.digest?.outcomes ?? [])
          if (o.domain === 'b.com' && o.event === 'stuck') stuckLines.push({ h, reason: o.reason ?? '' });
          else if (o.domain === 'b.com') otherLines.push({ h, event: o.event, reason: (o.reason ?? '').slice(0, 200) });
    }
    expect(t.expiry('b.com')).toBe(oldExpiry); // nothing renewed it
    const [open] = await t.ledger.listOpenBatches();
    const note = open?.entries.find((e) => e.domain === 'b.com')?.message ?? '';
    // Check itself knows, before the act-by moment, that a person must act now (by hand once the renew job's window
    // ends before its next run: the grace end here) ...
    const act = [FINISHED_WITHOUT_ROW, FINISHED_WITHOUT_ROW_BY_HAND].some((n) => note.startsWith(n.slice(0, 40)));
    expect(act).toBe(true);
    // ... and a person heard it before that moment (not only "wait").
    const summary = stuckLines.map((l) => ({
      h: l.h,
      says: l.reason.includes('nothing shows it was bought')
        ? 'act'
        : l.reason.includes('so wait')
          ? 'wait'
          : l.reason.slice(0, 40),
    }));
    expect({ toldToAct: summary.some((s) => s.says === 'act'), summary, otherLines }).toMatchObject({
      toldToAct: true,
    });
  });
});
