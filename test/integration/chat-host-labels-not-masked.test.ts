import { fixedClock } from '../../lib/clock';
import { createLogger } from '../../lib/log';
import { createEnvTargetCredentials } from '../../lib/notify/chat/credentials';
import { createFanoutNotifier, type FanoutTarget } from '../../lib/notify/fanout';
import type { Digest, Notifier, RenderedMessage } from '../../lib/notify/port';
import { parsePolicyText } from '../../lib/policy/load';
import { targetEnvStem } from '../../lib/policy/schema';
import { redact } from '../../lib/redact';
import { renderDigest } from '../../lib/renewal/digest';

/**
 * Review s31b of the thirty-first session's host-label redaction (credentials.ts remember): every host label of a
 * target URL that is 16+ characters, or 8+ with letters and digits, is registered as a secret, and the redactor
 * replaces it as a SUBSTRING of every later text (SNS email and SMS, chat text, logs). A webhook receiver self-hosted
 * on the person's own domain (`https://alerts.shop2024.cn/...`), or an AWS receiver (`*.execute-api.us-east-1...`),
 * has no token in its host, yet its labels are then masked everywhere: the renewal alert for shop2024.cn names
 * "***.cn", so the person cannot tell which domain is failing or lapsing; "us-east-1" is masked in every error text.
 */
const NOW = Date.UTC(2025, 2, 1, 6, 0, 0);
const POLICY = parsePolicyText('{"version": 1}', 'p.json');

function message(domain: string, reason: string): RenderedMessage {
  const digest: Digest = {
    job: 'check',
    runId: 'r-1',
    nowMs: NOW,
    outcomes: [{ domain, event: 'failed', batchId: 'b-1', oldExpiryMs: NOW + 5 * 86_400_000, years: 1, reason }],
  };
  const m = renderDigest(digest, POLICY.notify);
  if (!m) throw new Error('nothing rendered');
  return m;
}

async function deliver(url: string, m: RenderedMessage): Promise<{ chat: string; email: string; sms: string }> {
  const sent: RenderedMessage[] = [];
  const primary: Notifier = {
    publish: async (msg) => {
      sent.push(msg);
      return {};
    },
  };
  let chat = '';
  const targets: FanoutTarget[] = [{ name: 'hooks', kind: 'webhook', events: ['failed'], minSeverity: 'info' }];
  const notifier = createFanoutNotifier({
    primary,
    targets,
    credentials: createEnvTargetCredentials({ [`${targetEnvStem('hooks')}_URL`]: url }),
    notify: POLICY.notify,
    marks: { getMarks: async () => new Map(), putMarks: async () => {} },
    clock: fixedClock(NOW),
    log: createLogger({ level: 'error', sink: () => {} }),
    send: {
      fetch: (async (_u: unknown, init?: { body?: unknown }) => {
        chat = String(init?.body ?? '');
        return new Response('ok', { status: 200 });
      }) as unknown as typeof fetch,
    },
  });
  await notifier.publish(m);
  // What the SNS notifier publishes (sns.ts redacts every text the same way).
  const email = redact(sent.map((s) => s.email).join('\n'));
  const sms = redact(sent.map((s) => s.sms).join('\n'));
  return { chat, email, sms };
}

it('a receiver on the person own domain: the alert still names the domain', async () => {
  const out = await deliver('https://alerts.shop2024.cn/hooks/notify', message('shop2024.cn', 'Insufficient balance'));
  expect({
    chat: out.chat.includes('shop2024.cn'),
    email: out.email.includes('shop2024.cn'),
    sms: out.sms.includes('shop2024.cn'),
  }).toEqual({ chat: true, email: true, sms: true });
});

it('an AWS-hosted receiver: the region is not masked in every later text', async () => {
  const out = await deliver(
    'https://k3x9a.execute-api.us-east-1.amazonaws.com/prod/hook',
    message('example.com', 'ledger unreachable: dynamodb.us-east-1.amazonaws.com timed out'),
  );
  expect(out.email).toContain('dynamodb.us-east-1.amazonaws.com');
});
