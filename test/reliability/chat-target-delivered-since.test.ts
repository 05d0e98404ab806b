import { fixedClock } from '../../lib/clock';
import { createLogger } from '../../lib/log';
import { createEnvTargetCredentials } from '../../lib/notify/chat/credentials';
import { createFanoutNotifier, type FanoutTarget, TargetsPendingError } from '../../lib/notify/fanout';
import type { Digest, DomainOutcome, Notifier, RenderedMessage } from '../../lib/notify/port';
import { parsePolicyText } from '../../lib/policy/load';
import { targetEnvStem } from '../../lib/policy/schema';
import { renderDigest } from '../../lib/renewal/digest';
import { type StandIn, startStandIn } from '../helpers/chat-standins';
import { createMemoryMarks } from '../helpers/memory-marks';

/**
 * Review 2026-12-07 (thirty-first session). fanout.ts: "A target that failed `maxFailuresPerDay` runs since its last delivery ... no longer holds notices back".
 * Failures are counted per UTC day, and a delivery the same day does not end the count: today's `ok` mark is never
 * read. A target that failed twice in the morning, then delivered, gives up on its very next failure that day (one
 * failure since it last got a digest): the digest is not retried to it, its notices are marked sent, and the email
 * says "3 failed runs since it last got a digest", which is not so.
 */
const NOW = Date.UTC(2025, 2, 1, 1, 0, 0);
const HOUR = 3_600_000;
const POLICY = parsePolicyText('{"version": 1}', 'p.json');

function message(domain: string, nowMs: number): RenderedMessage {
  const outcome: DomainOutcome = {
    domain,
    event: 'failed',
    batchId: `b-${domain}`,
    oldExpiryMs: nowMs + 20 * 86_400_000,
    years: 1,
    reason: 'Insufficient balance',
  };
  const digest: Digest = { job: 'check', runId: `r-${nowMs}`, nowMs, outcomes: [outcome] };
  const m = renderDigest(digest, POLICY.notify);
  if (!m) throw new Error('nothing rendered');
  return m;
}

let ding: StandIn;
beforeAll(async () => {
  ding = await startStandIn('dingtalk');
});
afterAll(async () => {
  await ding.close();
});

describe('a chat target that delivered since its failures', () => {
  it('is retried on its next failure the same day, not given up', async () => {
    const clock = fixedClock(NOW);
    const marks = createMemoryMarks();
    const primary: Notifier = { publish: async () => ({}) };
    const targets: FanoutTarget[] = [{ name: 'ops', kind: 'dingtalk', events: ['failed'], minSeverity: 'info' }];
    const notifier = createFanoutNotifier({
      primary,
      targets,
      credentials: createEnvTargetCredentials({ [`${targetEnvStem('ops')}_URL`]: ding.url }),
      notify: POLICY.notify,
      marks,
      clock,
      log: createLogger({ level: 'error', sink: () => {} }),
    });
    const statuses: string[] = [];
    const run = async (mode: 'ok' | 'platform-error', domain: string) => {
      ding.mode = mode; // platform-error: HTTP 200, errcode 130101 "send too fast" (retryable)
      await notifier.publish(message(domain, clock.now())).catch((err) => {
        if (!(err instanceof TargetsPendingError)) throw err;
      });
      statuses.push(notifier.lastResults().find((r) => r.destination === 'ops')?.status ?? '?');
      clock.advance(HOUR);
    };
    await run('platform-error', 'a.com'); // 01:00
    await run('platform-error', 'b.com'); // 02:00
    await run('ok', 'c.com'); // 03:00: delivered
    await run('platform-error', 'd.com'); // 04:00: one failure since the last delivery
    await run('platform-error', 'e.com'); // 05:00: two
    await run('platform-error', 'f.com'); // 06:00: three since the delivery: given up (the slots of 01:00, 02:00 reused)
    expect(statuses).toEqual(['failed', 'failed', 'sent', 'failed', 'failed', 'gave-up']);
  });
});
