import type { RenderedMessage } from '../../lib/notify/port';
import { parsePolicyText } from '../../lib/policy/load';
import { daysUntil } from '../../lib/renewal/dates';
import { REASONS } from '../../lib/renewal/plan-types';
import { lapseWarningOf } from '../../lib/renewal/will-lapse';
import { type StandIn, startStandIn } from '../helpers/chat-standins';
import { createNoticeDesk } from '../helpers/notice-desk';

/**
 * Review 2026-12-07 (thirty-first session) of that session's told marks. A line's told key is domain|event|batchId|oldExpiryMs|urgent|reason[0:40]: not its
 * days left. A will-lapse line pages (SMS) from WILL_LAPSE_SMS_DAYS (7) days left; the same domain's line at 8 days is
 * an email only, with the same key (batch '-', same expiry, same reason, not urgent).
 *
 * 02:00 daily renew: lapse.com (max-attempts) has 8 days left: its 30-day will-lapse line goes to SNS as an email
 * (severity info, no SMS). Chat target "ops" is down (retried): SNS's line is marked told; renew's one-time marks
 * are not written (targets pending).
 * 09:00 the person runs renew again (the digest says "run renew again once the cause is fixed"; ops is back): the
 * domain now has 7 days left, its 7-day line is due and pages. SNS gets nothing: the line is hidden by the 02:00
 * told mark. ops gets it, so the run succeeds and writes the 7-day one-time mark: the 7-day page never goes out.
 * Next day's 02:00 daily run: 7 days left, the 7-day mark is written: nothing. The person's only word before the
 * 3-day page was an email 8 days out.
 */
const NOW = Date.UTC(2025, 2, 1, 2, 0, 0);
const HOUR = 3_600_000;
const DAY = 86_400_000;
const POLICY = parsePolicyText('{"version": 1}', 'p.json');

let ops: StandIn;
beforeAll(async () => {
  ops = await startStandIn('dingtalk');
});
afterAll(async () => {
  await ops.close();
});

/** Runs renew at 02:00 (ops down), 09:00 (ops back) and 02:00 the next day; returns what SNS got. */
async function scenario(EXPIRY: number): Promise<RenderedMessage[]> {
  const desk = createNoticeDesk({
    nowMs: NOW,
    policy: POLICY,
    targets: [{ name: 'ops', kind: 'dingtalk', events: ['will-lapse'], minSeverity: 'info' }],
  });
  const { clock, marks, sent } = desk;
  // As renew does (run-notices.ts selectRunLines): the line at the threshold reached, unless its mark is recorded.
  const renew = async () => {
    const w = lapseWarningOf(
      { domain: 'lapse.com', expiryMs: EXPIRY, daysLeft: daysUntil(EXPIRY, clock.now()), years: 1 },
      `max-attempts: ${REASONS['max-attempts']}`,
    );
    if (!w) throw new Error('no warning');
    const recorded = await marks.getMarks([w.mark]);
    const extra = recorded.has(w.mark)
      ? { outcomes: [], marks: [] }
      : { outcomes: [w.outcome], marks: [{ mark: w.mark, covers: [w.outcome] }] };
    await desk.deliver({ ops: ops.url }, { job: 'renew', batches: [], extra }).catch(() => undefined);
  };

  ops.mode = 'down';
  await renew(); // 02:00: ops down, retried
  expect(sent).toHaveLength(1);
  clock.advance(7 * HOUR);
  ops.mode = 'ok';
  const before = ops.accepted.length;
  await renew(); // 09:00: the next threshold's line
  expect(ops.accepted.length).toBeGreaterThan(before);
  clock.advance(17 * HOUR);
  await renew(); // next day's 02:00 daily run
  return sent;
}

describe('a will-lapse line told to SNS while a chat target failed', () => {
  it('does not hide the 7-day page of a renew run hours later', async () => {
    const sent = await scenario(NOW + 8 * DAY + 4 * HOUR); // 8 days left at 02:00 (an email), 7 at 09:00 (a page)
    expect(sent[0]?.severity).toBe('info');
    const paged = sent.filter((m) => m.severity === 'alert' && m.sms.includes('lapse.com'));
    // Now: [] — SNS never paged the 7-day line; the 7-day mark is written all the same.
    expect(paged).toHaveLength(1);
  });

  it('does not hide the 1-day line (the last before the expiry) of a renew run hours later', async () => {
    const sent = await scenario(NOW + 2 * DAY + 4 * HOUR); // 2 days left at 02:00 (3-day line), 1 at 09:00 (1-day line)
    // Now: [] — the 1-day line reached only the chat target; its mark is written, so no run sends it again.
    expect(sent.filter((m) => m.email.includes('1 day left'))).toHaveLength(1);
  });
});
