import type { Batch } from '../../lib/ledger/port';
import { parsePolicyText } from '../../lib/policy/load';
import { type StandIn, startStandIn } from '../helpers/chat-standins';
import { createNoticeDesk } from '../helpers/notice-desk';

/**
 * Review 2026-12-07 (thirty-first session) of that session's fixes, lib/notify/fanout.ts. When every line of a digest was told to
 * SNS lately (marked `notify#told#primary#...` while a chat target failed) but the digest's content is not the one
 * sent (a stuck line's "it expires in N hours" moved on by an hour), the fan-out sends SNS nothing and records
 * `already-sent`. Only the `isSent('primary')` branch sends the "chat target did not get a digest" notice when the
 * target gives up; this new branch drops the delivery report. The target's failures end (gave-up), the notice is
 * marked sent, the target never gets the stuck line, and no email ever says so: the person relying on the chat
 * room believes it has every alert.
 */
const NOW = Date.UTC(2025, 2, 1, 6, 0, 0);
const HOUR = 3_600_000;
const POLICY = parsePolicyText('{"version": 1}', 'p.json');

function stuckBatch(): Batch {
  return {
    batchId: 'b-1',
    runId: 'r',
    attemptId: 'a',
    status: 'SUBMITTED',
    taskNo: 'T-1',
    createdAtMs: NOW - 30 * HOUR,
    updatedAtMs: NOW - HOUR,
    submitStartedAtMs: NOW - 30 * HOUR,
    entries: [{ domain: 'stuck.com', expiryMs: NOW + 20 * HOUR, years: 1, permitPremium: false }],
    pendingNotices: ['stuck'],
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

describe('a chat target that gives up on a digest SNS was told line by line', () => {
  it('is still reported in an email', async () => {
    const desk = createNoticeDesk({
      nowMs: NOW,
      policy: POLICY,
      targets: [{ name: 'ops', kind: 'dingtalk', events: ['stuck'], minSeverity: 'info' }],
      batches: [stuckBatch()],
      maxFailuresPerDay: 2,
    });
    const { clock, batches, sent } = desk;
    const run = () => desk.deliver({ ops: ding.url });

    ding.mode = 'down'; // 06:00: the target is down; SNS gets the stuck line
    await run();
    expect(sent).toHaveLength(1);
    expect(batches.get('b-1')?.pendingNotices).toEqual(['stuck']);

    clock.advance(HOUR); // 07:00: still down, its second failed run: it gives up
    await run();
    expect(ding.accepted).toHaveLength(0);
    expect(batches.get('b-1')?.pendingNotices).toEqual([]); // no longer retried: the target never gets it
    // Someone must be told the target did not get the stuck line. Now: nothing more was published.
    const reports = sent.slice(1).filter((m) => m.email.includes('did not get'));
    expect(reports).toHaveLength(1);
  });
});
