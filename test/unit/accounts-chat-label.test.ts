import { fixedClock } from '../../lib/clock';
import { createAccountsRoom, runAccounts } from '../../lib/jobs/accounts';
import { notifyJobError } from '../../lib/jobs/report-run';
import { createLogger } from '../../lib/log';
import { createEnvTargetCredentials } from '../../lib/notify/chat/credentials';
import { createFanoutNotifier } from '../../lib/notify/fanout';
import { parsePolicyText } from '../../lib/policy/load';
import { targetEnvStem } from '../../lib/policy/schema';
import { createCapturingNotifier } from '../helpers/world';

/**
 * Two accounts of one deployment on the deployment's policy (no "policy" per account), which has one chat target.
 * compose/accounts.ts wraps each account's room notifier in the policy's chat fan-out (withChatTargets): the SNS
 * email is the combined one with a section per account, but each chat post is the account's own digest, which
 * names no account. Two "job error" posts arrive in the same channel, one saying the AccessKey was refused, and
 * nothing in either says which of the two accounts' key to fix (or, for a will-lapse line, in which account's
 * console to renew by hand; the commands it names need --account with several accounts).
 */
describe('chat posts of a several-account deployment', () => {
  test('each account’s chat post names its account', async () => {
    const policy = parsePolicyText(
      JSON.stringify({ version: 1, notify: { targets: [{ name: 'ops', kind: 'webhook' }] } }),
      'policy.json',
    );
    const env = { [`${targetEnvStem('ops')}_URL`]: 'https://chat.example.com/hook' };
    const posts: string[] = [];
    const fetchStub = (async (_url: string, init: { body: string }) => {
      posts.push(String(init.body));
      return new Response('{}', { status: 200 });
    }) as unknown as typeof fetch;
    const clock = fixedClock(Date.UTC(2027, 0, 5, 2));
    const log = createLogger({ sink: () => {} });
    const primary = createCapturingNotifier();
    const labels = ['cn-main', 'intl-shop'];
    const room = createAccountsRoom({ job: 'renew', runId: 'r1', labels, primary, log });
    const notifiers = new Map(
      labels.map((label) => [
        label,
        createFanoutNotifier({
          primary: room.notifierFor(label),
          targets: policy.notify.targets ?? [],
          notify: policy.notify,
          credentials: createEnvTargetCredentials(env),
          clock,
          log,
          send: { fetch: fetchStub },
          account: label, // as compose/accounts.ts passes it with several named accounts
        }),
      ]),
    );
    await runAccounts(
      room,
      'r1',
      labels.map((label) => ({ label })),
      async ({ label }) => {
        const error =
          label === 'intl-shop'
            ? new Error('InvalidAccessKeyId.NotFound: Specified access key is not found.')
            : new Error('Throttling.User: Request was denied due to user flow control.');
        await notifyJobError(
          { notifier: notifiers.get(label) as ReturnType<typeof createFanoutNotifier>, log, now: clock.now() },
          { job: 'renew', runId: 'r1', error, policy },
        );
      },
    );
    // The SNS email names both (a section each).
    expect(primary.sent).toHaveLength(1);
    expect(primary.sent[0]?.email).toContain('==== Account intl-shop ====');
    // Each chat post: the account's own digest.
    expect(posts).toHaveLength(2);
    const keyPost = posts.find((p) => p.includes('InvalidAccessKeyId')) ?? '';
    expect(keyPost).toContain('intl-shop');
  });
});
