import type { Batch, Claim } from '../../lib/ledger/port';
import type { FanoutTarget } from '../../lib/notify/fanout';
import { parsePolicyText } from '../../lib/policy/load';
import { type StandIn, startStandIn } from '../helpers/chat-standins';
import { createNoticeDesk } from '../helpers/notice-desk';

/**
 * Review 2026-12-07 (thirty-first session) of that session's told marks. notices.ts withRetryState: when the claims cannot be read (twice), the failed
 * lines go out without their retry state and the batch stays pending, "so the next run tells them again with their
 * retry state" (review 2026-12-07, twenty-ninth session). The told key leaves `retry` out.
 *
 * 06:00 check: stopped.com's row failed (its third attempt: retries stop). The claim read fails twice: the line goes
 * to SNS without its retry state ("retried by the next run after a backoff" is the section's advice). Chat target
 * ops is down (retried): the line is marked told to SNS.
 * 07:00 check: the claims read; the line now says "automatic retries stopped; fix the cause, then run autorenew
 * retry". SNS gets nothing: hidden by the 06:00 told mark; ops is back, so the notice is marked sent.
 */
const NOW = Date.UTC(2025, 2, 1, 6, 0, 0);
const HOUR = 3_600_000;
const DAY = 86_400_000;
const POLICY = parsePolicyText('{"version": 1}', 'p.json');
const TARGETS: FanoutTarget[] = [{ name: 'ops', kind: 'dingtalk', events: ['failed'], minSeverity: 'info' }];

function failedBatch(): Batch {
  return {
    batchId: 'b-1',
    runId: 'r',
    attemptId: 'a',
    status: 'CLOSED',
    taskNo: 'T-1',
    createdAtMs: NOW - 4 * HOUR,
    updatedAtMs: NOW - HOUR,
    submitStartedAtMs: NOW - 4 * HOUR,
    entries: [
      {
        domain: 'stopped.com',
        expiryMs: NOW + 20 * DAY,
        years: 1,
        permitPremium: false,
        outcome: 'FAILED',
        message: 'The domain is locked by the registry',
      },
    ],
    pendingNotices: ['final'],
    sentNotices: [],
    version: 1,
  };
}

let ops: StandIn;
beforeAll(async () => {
  ops = await startStandIn('dingtalk');
});
afterAll(async () => {
  await ops.close();
});

describe('a failed line told without its retry state while a chat target failed', () => {
  it('reaches SNS with its retry state on the next run', async () => {
    const max = POLICY.limits.maxAttempts;
    const claim: Claim = {
      domain: 'stopped.com',
      expiryMs: NOW + 20 * DAY,
      status: 'FAILED',
      batchId: 'b-1',
      attemptId: 'a',
      attempts: max,
      years: 1,
      claimedAtMs: NOW - 4 * HOUR,
      updatedAtMs: NOW - HOUR,
      nextEligibleAtMs: NOW + 20 * HOUR,
      code: 'DomainLocked',
      version: 3,
    };
    let claimsDown = true;
    const desk = createNoticeDesk({
      nowMs: NOW,
      policy: POLICY,
      targets: TARGETS,
      batches: [failedBatch()],
      getClaims: async () => {
        if (claimsDown) throw new Error('ProvisionedThroughputExceededException');
        return [claim];
      },
    });
    const { clock, batches, sent } = desk;
    const run = () => desk.deliver({ ops: ops.url }).catch(() => undefined);

    ops.mode = 'down';
    await run(); // 06:00: no retry state; ops down
    expect(sent).toHaveLength(1);
    expect(sent[0]?.email).not.toContain('automatic retries stopped');
    expect(batches.get('b-1')?.pendingNotices).toEqual(['final']);

    clock.advance(HOUR);
    claimsDown = false;
    ops.mode = 'ok';
    await run(); // 07:00: the retry state is read
    expect(batches.get('b-1')?.pendingNotices).toEqual([]);
    const texts = ops.accepted.map((b) => JSON.stringify(b));
    expect(texts.some((t) => t.includes('automatic retries stopped'))).toBe(true); // the chat target has it
    // Now: [] — SNS (email, SMS) never said retries stopped.
    expect(sent.filter((m) => m.email.includes('automatic retries stopped'))).toHaveLength(1);
  });
});
