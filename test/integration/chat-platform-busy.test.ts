import { fixedClock } from '../../lib/clock';
import { createLogger } from '../../lib/log';
import { createEnvTargetCredentials } from '../../lib/notify/chat/credentials';
import { createFanoutNotifier, type FanoutTarget, TargetsPendingError } from '../../lib/notify/fanout';
import type { Notifier, RenderedMessage } from '../../lib/notify/port';
import { parsePolicyText } from '../../lib/policy/load';
import { NOTIFY_EVENTS, targetEnvStem } from '../../lib/policy/schema';
import { renderedFailure } from '../helpers/chat-digest';
import { type StandIn, startStandIn } from '../helpers/chat-standins';

/**
 * Review 2026-12-07. DingTalk and WeCom answer a passing fault of their own as HTTP 200 with the global code -1
 * ("系统繁忙", system busy; both platforms' error tables say: retry later). It read as a refusal for good: the target
 * gave up on the digest at once (never retried, though the next run would have delivered it), and the email told a
 * person to fix a target that had nothing to fix.
 */
const NOW = Date.UTC(2025, 2, 1, 6, 0, 0);
const POLICY = parsePolicyText('{"version": 1}', 'p.json');

const standIns: StandIn[] = [];
afterAll(async () => {
  for (const s of standIns) await s.close();
});

it.each(['dingtalk', 'wecom'] as const)(
  '%s "system busy" (HTTP 200, errcode -1) is retried on the next run',
  async (kind) => {
    const secret = kind === 'dingtalk' ? 'SECbusy-dingtalk-secret' : undefined;
    const s = await startStandIn(kind, { ...(secret ? { secret } : {}), nowMs: () => NOW });
    standIns.push(s);
    const name = `ops-${kind}`;
    const env = {
      [`${targetEnvStem(name)}_URL`]: s.url,
      ...(secret ? { [`${targetEnvStem(name)}_SECRET`]: secret } : {}),
    };
    const keys = new Set<string>();
    const marks = {
      getMarks: async (ks: readonly string[]) => new Map(ks.filter((k) => keys.has(k)).map((k) => [k, 0])),
      putMarks: async (ks: readonly string[]) => {
        for (const k of ks) keys.add(k);
      },
    };
    const sns: RenderedMessage[] = [];
    const primary: Notifier = {
      publish: async (m) => {
        sns.push(m);
        return { messageId: `m-${sns.length}` };
      },
    };
    const target: FanoutTarget = { name, kind, events: [...NOTIFY_EVENTS], minSeverity: 'info' };
    const clock = fixedClock(NOW);
    const make = () =>
      createFanoutNotifier({
        primary,
        targets: [target],
        credentials: createEnvTargetCredentials(env),
        notify: POLICY.notify,
        marks,
        clock,
        log: createLogger({ level: 'error', sink: () => {} }),
      });
    const message = renderedFailure(POLICY.notify, NOW);

    s.mode = 'busy';
    const first = make();
    const err = await first.publish(message).catch((e) => e);
    expect(first.lastResults().find((r) => r.destination === name)?.status).toBe('failed');
    expect(err).toBeInstanceOf(TargetsPendingError);
    expect(sns[0]?.email).toContain('retried on the next run.');

    // The platform recovers by the next run: the robot gets the digest.
    s.mode = 'ok';
    clock.advance(3_600_000);
    await make().publish(message);
    expect(s.accepted).toHaveLength(1);
  },
);
