import { fixedClock } from '../../lib/clock';
import { createLogger } from '../../lib/log';
import { createEnvTargetCredentials } from '../../lib/notify/chat/credentials';
import { createFanoutNotifier, type FanoutTarget } from '../../lib/notify/fanout';
import type { Digest, DomainOutcome, Notifier, RenderedMessage } from '../../lib/notify/port';
import { parsePolicyText } from '../../lib/policy/load';
import { NOTIFY_EVENTS, targetEnvStem } from '../../lib/policy/schema';
import { redact } from '../../lib/redact';
import { renderDigest } from '../../lib/renewal/digest';
import { type StandIn, startStandIn } from '../helpers/chat-standins';

/**
 * Review 2026-12-07: every value of a chat target URL's query was registered with the process-wide redactor
 * (credentials.ts remember), and the fan-out sent each target `JSON.parse(redact(JSON.stringify(digest)))`. A harmless
 * query value such as `wait=true` (Discord's Slack-compatible hook), registered by the first publish of a process (a
 * warm container, a second account of the same run, the demo), turned every later digest's `"urgent":true` into
 * `"urgent":***`: JSON.parse threw before SNS was tried, so the urgent will-lapse line reached nobody, email nor SMS.
 * It also masked "true" inside every text and log line (a domain named trueview.com read "***view.com").
 */
const NOW = Date.UTC(2025, 2, 1, 6, 0, 0);
const DAY = 86_400_000;
const POLICY = parsePolicyText('{"version": 1}', 'p.json');

function rendered(outcomes: DomainOutcome[], runId: string): RenderedMessage {
  const digest: Digest = { job: 'check', runId, nowMs: NOW, outcomes };
  const m = renderDigest(digest, POLICY.notify);
  if (!m) throw new Error('nothing rendered');
  return m;
}

function recordingPrimary(): Notifier & { sent: RenderedMessage[] } {
  const p = {
    sent: [] as RenderedMessage[],
    async publish(m: RenderedMessage) {
      p.sent.push(m);
      return { messageId: `m-${p.sent.length}` };
    },
  };
  return p;
}

let hook: StandIn;
beforeAll(async () => {
  hook = await startStandIn('webhook');
});
afterAll(async () => {
  await hook.close();
});

it('a target URL with ?wait=true does not stop a later urgent digest from reaching SNS and the target', async () => {
  const env = {
    [`${targetEnvStem('ops-hook')}_URL`]: `${hook.url}?wait=true&thread_id=1234&access_token=tok9-QZ7-secret`,
  };
  const target: FanoutTarget = { name: 'ops-hook', kind: 'webhook', events: [...NOTIFY_EVENTS], minSeverity: 'info' };
  const primary = recordingPrimary();
  const keys = new Set<string>();
  const notifier = createFanoutNotifier({
    primary,
    targets: [target],
    credentials: createEnvTargetCredentials(env),
    notify: POLICY.notify,
    marks: {
      getMarks: async (ks: readonly string[]) => new Map(ks.filter((k) => keys.has(k)).map((k) => [k, 0])),
      putMarks: async (ks: readonly string[]) => {
        for (const k of ks) keys.add(k);
      },
    },
    clock: fixedClock(NOW),
    log: createLogger({ level: 'error', sink: () => {} }),
  });

  // First digest of the process (an ordinary renewal): delivered everywhere; reading the target registers its URL.
  await notifier.publish(
    rendered([{ domain: 'a.com', event: 'renewed', batchId: 'b-1', oldExpiryMs: NOW + 20 * DAY, years: 1 }], 'r-1'),
  );
  expect(primary.sent).toHaveLength(1);
  // The credential in the query is masked from then on; harmless values are not.
  expect(redact('tok9-QZ7-secret trueview.com 1234')).toBe('*** trueview.com 1234');

  // Next digest: a renewal in doubt that cannot be settled before the domain expires in two days (urgent: the SMS).
  const urgent = rendered(
    [
      {
        domain: 'trueview.com',
        event: 'will-lapse',
        batchId: 'b-2',
        oldExpiryMs: NOW + 2 * DAY,
        years: 1,
        daysLeft: 2,
        urgent: true,
        reason: 'renewal outcome unknown and cannot be settled safely before it expires',
      },
    ],
    'r-2',
  );
  const error = await notifier.publish(urgent).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeUndefined();
  expect(primary.sent).toHaveLength(2);
  expect(primary.sent[1]?.sms).toContain('trueview.com');
  expect(notifier.lastResults().map((r) => [r.destination, r.status])).toEqual([
    ['primary', 'sent'],
    ['ops-hook', 'sent'],
  ]);
});
