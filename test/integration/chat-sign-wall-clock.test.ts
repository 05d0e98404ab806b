import { withChatTargets } from '../../lib/compose/adapters';
import { createLogger } from '../../lib/log';
import { createEnvTargetCredentials } from '../../lib/notify/chat/credentials';
import type { FanoutNotifier } from '../../lib/notify/fanout';
import type { Notifier } from '../../lib/notify/port';
import { parsePolicyText } from '../../lib/policy/load';
import { targetEnvStem } from '../../lib/policy/schema';
import { renderedFailure } from '../helpers/chat-digest';
import { type StandIn, startStandIn } from '../helpers/chat-standins';

/**
 * Review 2026-12-07. DingTalk and Feishu refuse a signature whose timestamp is more than an hour from THEIR clock
 * (310000 / 19021). The fan-out signed with the job clock, which for a local run against a loopback sandbox is the
 * sandbox's simulated time (or `--at`), days or months away: every signed target "refused for good" and the email
 * said to fix the secret and run `notify-test`, which signs with Date.now() and passed. As composed (withChatTargets),
 * the signature carries the wall clock's time, whatever the job's clock.
 */
const standIns: StandIn[] = [];
afterAll(async () => {
  for (const s of standIns) await s.close();
});

it.each([
  ['dingtalk', 'SECwall-clock-dingtalk'],
  ['feishu', 'wall-clock-feishu'],
] as const)('%s: a job clock 20 days ahead (sandbox time) still signs with the time of now', async (kind, secret) => {
  const s = await startStandIn(kind, { secret, nowMs: Date.now });
  standIns.push(s);
  const name = `ops-${kind}`;
  const policy = parsePolicyText(JSON.stringify({ version: 1, notify: { targets: [{ name, kind }] } }), 'p.json');
  const jobClock = { now: () => Date.now() + 20 * 86_400_000 };
  const primary: Notifier = { publish: async () => ({ messageId: 'm-1' }) };
  const notifier = withChatTargets(primary, policy, {
    credentials: createEnvTargetCredentials({
      [`${targetEnvStem(name)}_URL`]: s.url,
      [`${targetEnvStem(name)}_SECRET`]: secret,
    }),
    marks: { getMarks: async () => new Map(), putMarks: async () => {} },
    clock: jobClock,
    log: createLogger({ level: 'error', sink: () => {} }),
  }) as FanoutNotifier;
  await notifier.publish(renderedFailure(policy.notify, jobClock.now(), 'a.example.com'));
  expect(s.refused).toEqual([]);
  expect(notifier.lastResults().find((r) => r.destination === name)?.status).toBe('sent');
});
