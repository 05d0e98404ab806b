import type { Batch } from '../../lib/ledger/port';
import { parsePolicyText } from '../../lib/policy/load';
import { type StandIn, startStandIn } from '../helpers/chat-standins';
import { createNoticeDesk } from '../helpers/notice-desk';

/**
 * Review 2026-12-07 (thirty-first session) of that session's told marks, kept as a guard since they were reverted. Told marks covered lines the destination was never shown. A destination's `delivered` lines are the whole digest's
 * outcomes (fanout.ts: `fresh.digest.outcomes`, `own.digest.outcomes`), not the lines its message showed. A `failed`
 * line outside the destination's events is left out of its message until it is within WILL_LAPSE_SMS_DAYS (7) of the
 * expiry (digest.ts isTroubleNearExpiry: "carried whatever notify.events says"). Marked told while hidden, it stays
 * left out for 12 h after it crosses into those 7 days; once the retried target gets the digest, the notice is marked
 * sent and that failure never reaches the destination.
 *
 * 06:00: check's digest: a stuck line (s.com) and a failure of f.com, 7 days 3 hours before its expiry. The email
 * (notify.events without "failed") shows the stuck line only; chat target "ops" is down (retried); "team" (events
 * ["stuck"]) gets the stuck line. Both SNS and team get f.com's failure marked told.
 * 10:00: the same notices again (ops still down or back): f.com is now 6 days 23 hours from its expiry, so its
 * failure belongs in the email and in team's post. SNS gets nothing; team gets nothing.
 */
const NOW = Date.UTC(2025, 2, 1, 6, 0, 0);
const HOUR = 3_600_000;
const DAY = 86_400_000;
const POLICY = parsePolicyText(
  '{"version": 1, "notify": {"events": ["submitted", "renewed", "unknown", "stuck", "will-lapse", "expiry-moved", "orphaned", "resolved", "error"]}}',
  'p.json',
);

function batches(): Map<string, Batch> {
  const base = { runId: 'r', attemptId: 'a', createdAtMs: NOW - 30 * HOUR, updatedAtMs: NOW - HOUR, version: 1 };
  return new Map<string, Batch>([
    [
      'b-stuck',
      {
        ...base,
        batchId: 'b-stuck',
        status: 'SUBMITTED',
        taskNo: 'T-1',
        submitStartedAtMs: NOW - 30 * HOUR,
        entries: [{ domain: 's.com', expiryMs: NOW + 20 * DAY, years: 1, permitPremium: false }],
        pendingNotices: ['stuck'],
        sentNotices: [],
        stuckNotifiedAtMs: NOW,
      } as Batch,
    ],
    [
      'b-failed',
      {
        ...base,
        batchId: 'b-failed',
        status: 'CLOSED',
        taskNo: 'T-2',
        submitStartedAtMs: NOW - 5 * HOUR,
        entries: [
          {
            domain: 'f.com',
            expiryMs: NOW + 7 * DAY + 3 * HOUR,
            years: 1,
            permitPremium: false,
            outcome: 'FAILED',
            message: 'Insufficient balance',
          },
        ],
        pendingNotices: ['final'],
        sentNotices: ['submitted'],
      } as Batch,
    ],
  ]);
}

let ops: StandIn;
let team: StandIn;
beforeAll(async () => {
  ops = await startStandIn('dingtalk');
  team = await startStandIn('dingtalk');
});
afterAll(async () => {
  await ops.close();
  await team.close();
});

async function scenario() {
  const desk = createNoticeDesk({
    nowMs: NOW,
    policy: POLICY,
    targets: [
      { name: 'ops', kind: 'dingtalk', events: ['failed', 'stuck'], minSeverity: 'info' },
      { name: 'team', kind: 'dingtalk', events: ['stuck'], minSeverity: 'info' },
    ],
    batches: [...batches().values()],
  });
  const { clock, sent, batches: stored } = desk;
  const run = () => desk.deliver({ ops: ops.url, team: team.url }).catch(() => undefined);

  ops.mode = 'down';
  const teamStart = team.accepted.length;
  await run(); // 06:00
  // The email did not show f.com (not in notify.events, not yet within 7 days); team's post neither.
  expect(sent).toHaveLength(1);
  expect(sent[0]?.email).not.toContain('f.com');
  expect(team.accepted.length - teamStart).toBe(1);
  expect(JSON.stringify(team.accepted.slice(teamStart))).not.toContain('f.com');
  expect(stored.get('b-failed')?.pendingNotices).toEqual(['final']);
  clock.advance(4 * HOUR); // 10:00: f.com 6 days 23 hours from its expiry
  ops.mode = 'ok';
  const sentBefore = sent.length;
  const teamBefore = team.accepted.length;
  await run();
  return { sent: sent.slice(sentBefore), team: team.accepted.slice(teamBefore), stored };
}

describe('a line a destination was not shown, marked told to it', () => {
  it('still reaches the email once it is a failure within 7 days of the expiry', async () => {
    const { sent, stored } = await scenario();
    expect(stored.get('b-failed')?.pendingNotices).toEqual([]); // ops got it: the notice is marked sent
    expect(sent.filter((m) => m.email.includes('f.com'))).toHaveLength(1);
  });

  it('still reaches a healthy chat target that carries it from 7 days on', async () => {
    const { team: posts } = await scenario();
    expect(posts.filter((p) => JSON.stringify(p).includes('f.com'))).toHaveLength(1);
  });
});
