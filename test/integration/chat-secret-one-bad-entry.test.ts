import { fixedClock } from '../../lib/clock';
import { SecretError } from '../../lib/errors';
import { createLogger } from '../../lib/log';
import { createSecretsManagerTargetCredentials } from '../../lib/notify/chat/credentials';
import { createFanoutNotifier, type FanoutTarget } from '../../lib/notify/fanout';
import type { Notifier } from '../../lib/notify/port';
import { parsePolicyText } from '../../lib/policy/load';
import { NOTIFY_EVENTS } from '../../lib/policy/schema';
import { renderedFailure } from '../helpers/chat-digest';
import { type StandIn, startStandIn } from '../helpers/chat-standins';

/**
 * Review 2026-12-07. In AWS every target's URL is one field of the job's secret, `notifyTargets`. The whole object was
 * validated at once and the first bad entry thrown, so one entry being prepared for a new robot (a placeholder URL, a
 * target not yet in any policy) made every `get` fail: every working target gave up on every digest, each one told
 * to run notify-test against a target that was fine.
 */
const NOW = Date.UTC(2025, 2, 1, 6, 0, 0);
const POLICY = parsePolicyText('{"version": 1}', 'p.json');

let slack: StandIn;
beforeAll(async () => {
  slack = await startStandIn('slack', { nowMs: () => NOW });
});
afterAll(async () => {
  await slack.close();
});

it("a bad entry for another target in the secret's notifyTargets does not stop a good target", async () => {
  const secretText = JSON.stringify({
    accessKeyId: 'LTAI5tExampleExample01',
    accessKeySecret: 'x'.repeat(30),
    notifyTargets: { 'ops-slack': { url: slack.url }, 'new-feishu': { url: 'TODO' } },
  });
  const credentials = createSecretsManagerTargetCredentials({
    secretId: 'autorenew/prod',
    read: async () => secretText,
  });
  // The bad entry is still an error, for its own target only.
  await expect(credentials.get('new-feishu')).rejects.toBeInstanceOf(SecretError);
  const primary: Notifier = { publish: async () => ({ messageId: 'm-1' }) };
  const target: FanoutTarget = { name: 'ops-slack', kind: 'slack', events: [...NOTIFY_EVENTS], minSeverity: 'info' };
  const notifier = createFanoutNotifier({
    primary,
    targets: [target],
    credentials,
    notify: POLICY.notify,
    clock: fixedClock(NOW),
    log: createLogger({ level: 'error', sink: () => {} }),
  });
  await notifier.publish(renderedFailure(POLICY.notify, NOW));
  expect(notifier.lastResults().find((r) => r.destination === 'ops-slack')).toMatchObject({ status: 'sent' });
  expect(slack.accepted).toHaveLength(1);
});
