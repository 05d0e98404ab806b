import type { Batch } from '../../lib/ledger/port';
import { parsePolicyText } from '../../lib/policy/load';
import { type StandIn, startStandIn } from '../helpers/chat-standins';
import { createNoticeDesk } from '../helpers/notice-desk';

/**
 * Review 2026-12-07 (thirty-first session) of that session's told marks. A chat target whose events go beyond the email's notify.events (here `renewed`) gets targets-only
 * digests (notices.ts renderForTargetsOnly; fanout.ts `message.targetsOnly`). When that target gives up (its token
 * refused: a person must fix it), the fan-out's targets-only branch says nothing to SNS: no "Chat delivery" report,
 * no givingUpNotice. The notice is marked sent (gave-up holds nothing back), so the renewed line never reaches the
 * room and no email ever says the target is broken: every later targets-only digest gives up the same way, silently.
 */
const NOW = Date.UTC(2025, 2, 1, 6, 0, 0);
const HOUR = 3_600_000;
const POLICY = parsePolicyText(
  '{"version": 1, "notify": {"events": ["failed", "will-lapse", "stuck", "unknown", "error"]}}',
  'p.json',
);

function renewedBatch(): Batch {
  return {
    batchId: 'b-1',
    runId: 'r',
    attemptId: 'a',
    status: 'CLOSED',
    createdAtMs: NOW - HOUR,
    updatedAtMs: NOW - HOUR,
    entries: [
      {
        domain: 'example.com',
        expiryMs: NOW + 9 * 86_400_000,
        years: 1,
        permitPremium: false,
        outcome: 'RENEWED',
        newExpiryMs: NOW + 374 * 86_400_000,
        message: '',
      },
    ],
    pendingNotices: ['final'],
    sentNotices: [],
    version: 1,
  };
}

let ding: StandIn;
beforeAll(async () => {
  ding = await startStandIn('dingtalk');
});
afterAll(async () => {
  await ding.close();
});

describe('a targets-only digest whose chat target gives up', () => {
  it('tells the email readers the target did not get it', async () => {
    const desk = createNoticeDesk({
      nowMs: NOW,
      policy: POLICY,
      targets: [{ name: 'ops', kind: 'dingtalk', events: ['renewed'], minSeverity: 'info' }],
      batches: [renewedBatch()],
    });
    const { batches, sent } = desk;
    // The robot's token was revoked: DingTalk answers "token is not exist", refused for good (gives up at once).
    const revoked = ding.url.replace(/access_token=[^&]+/, 'access_token=revoked000000000000000000');
    await desk.deliver({ ops: revoked }, { runId: 'r-1' });
    const notifier = desk.notifier as NonNullable<typeof desk.notifier>;
    expect(ding.refused).toEqual(['token']);
    expect(notifier.lastResults().find((r) => r.destination === 'ops')?.status).toBe('gave-up');
    expect(batches.get('b-1')?.pendingNotices).toEqual([]); // not retried: the room never gets the line
    // Someone must hear the target is refused for good. Now: SNS got nothing at all.
    expect(sent.filter((m) => m.email.includes('did not get'))).toHaveLength(1);
  });
});
