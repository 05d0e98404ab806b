import { fixedClock } from '../../lib/clock';
import { createLogger } from '../../lib/log';
import { createEnvTargetCredentials } from '../../lib/notify/chat/credentials';
import { createFanoutNotifier, type FanoutTarget, TargetsPendingError } from '../../lib/notify/fanout';
import type { Digest, Notifier, RenderedMessage } from '../../lib/notify/port';
import { parsePolicyText } from '../../lib/policy/load';
import { targetEnvStem } from '../../lib/policy/schema';
import { renderDigest } from '../../lib/renewal/digest';

/**
 * Review 2026-12-07 (thirty-first session). A webhook URL is a credential (credentials.ts): the redactor registers the URL, its credential-like query values and
 * path parts. Some receivers carry their token in the host name (Pipedream's `https://<id>.m.pipedream.net`, a tunnel's
 * random subdomain): no part of it is registered, and a DNS, connect or TLS failure quotes the host ("getaddrinfo
 * ENOTFOUND <host>", Node's own words, the cause fetch rejects with). It then reaches the email's "Chat delivery"
 * report, the delivery result and the log.
 */
const NOW = Date.UTC(2025, 2, 1, 6, 0, 0);
const POLICY = parsePolicyText('{"version": 1}', 'p.json');
const TOKEN_HOST = 'eo7f3k9q2xw8zbd1.m.pipedream.net';

function message(): RenderedMessage {
  const digest: Digest = {
    job: 'check',
    runId: 'r-1',
    nowMs: NOW,
    outcomes: [
      {
        domain: 'example.com',
        event: 'failed',
        batchId: 'b-1',
        oldExpiryMs: NOW + 20 * 86_400_000,
        years: 1,
        reason: 'Insufficient balance',
      },
    ],
  };
  const m = renderDigest(digest, POLICY.notify);
  if (!m) throw new Error('nothing rendered');
  return m;
}

it('a token in the target URL host is not quoted in the email, the results or the log', async () => {
  const sent: RenderedMessage[] = [];
  const primary: Notifier = {
    publish: async (m) => {
      sent.push(m);
      return {};
    },
  };
  const logged: string[] = [];
  const targets: FanoutTarget[] = [{ name: 'hooks', kind: 'webhook', events: ['failed'], minSeverity: 'info' }];
  const notifier = createFanoutNotifier({
    primary,
    targets,
    credentials: createEnvTargetCredentials({ [`${targetEnvStem('hooks')}_URL`]: `https://${TOKEN_HOST}` }),
    notify: POLICY.notify,
    marks: { getMarks: async () => new Map(), putMarks: async () => {} },
    clock: fixedClock(NOW),
    log: createLogger({ level: 'debug', sink: (line: string) => logged.push(line) }),
    send: {
      // What undici's fetch rejects with when the name does not resolve (no network here).
      fetch: (async () => {
        const cause = Object.assign(new Error(`getaddrinfo ENOTFOUND ${TOKEN_HOST}`), { code: 'ENOTFOUND' });
        throw new TypeError('fetch failed', { cause });
      }) as typeof fetch,
    },
  });
  await expect(notifier.publish(message())).rejects.toBeInstanceOf(TargetsPendingError);
  const where = {
    email: sent.map((m) => m.email).join('\n'),
    results: JSON.stringify(notifier.lastResults()),
    log: logged.join('\n'),
  };
  expect(where.results).toContain('unreachable'); // the failure itself is reported
  expect({
    email: where.email.includes('eo7f3k9q2xw8zbd1'),
    results: where.results.includes('eo7f3k9q2xw8zbd1'),
    log: where.log.includes('eo7f3k9q2xw8zbd1'),
  }).toEqual({ email: false, results: false, log: false });
});
