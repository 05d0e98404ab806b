import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fixedClock } from '../../lib/clock';
import { createLogger } from '../../lib/log';
import { createEnvTargetCredentials } from '../../lib/notify/chat/credentials';
import { createFanoutNotifier, type FanoutTarget } from '../../lib/notify/fanout';
import type { Digest, Notifier, RenderedMessage } from '../../lib/notify/port';
import { parsePolicyText } from '../../lib/policy/load';
import { NOTIFY_EVENTS, targetEnvStem } from '../../lib/policy/schema';
import { redact } from '../../lib/redact';
import { renderDigest } from '../../lib/renewal/digest';

/**
 * A webhook receiver whose route moved answers what an Express app answers for any unknown route: HTTP 404 with its
 * default page, which echoes the request path, where a generic webhook carries its token. The fan-out's per-target
 * error quotes the answer, and that error goes to the log, the email's "Chat delivery" report (SNS) and the run's
 * results (review 2026-12-07, twenty-fifth session):
 * - a long path token (64 hex) is registered with the redactor, but the answer was cut to 200 characters before the
 *   redactor ran: the cut landed inside the token, and its first 50-odd characters were shown;
 * - a short path token (12 letters and digits) was never registered (path parts counted from 16 characters).
 */
const NOW = Date.UTC(2025, 2, 1, 6, 0, 0);
const DAY = 86_400_000;
const POLICY = parsePolicyText('{"version": 1}', 'p.json');
const LONG_TOKEN = 'c3f1a9e47b2d08f6e5a1c9b73d4e2f10a8b6c4d2e0f1a3b5c7d9e1f2a4b6c8d0';
const SHORT_TOKEN = 'q7Xk2mW9pL4z';

/** Express's finalhandler page for an unknown route (`Cannot POST <path>`). */
function expressNotFound(path: string): string {
  return `<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<title>Error</title>\n</head>\n<body>\n<pre>Cannot POST ${path}</pre>\n</body>\n</html>\n`;
}

let server: Server;
let base = '';
beforeAll(async () => {
  server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      res.writeHead(404, { 'content-type': 'text/html; charset=utf-8' });
      res.end(expressNotFound(path));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

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

/** Publishes one failed-renewal digest to webhook targets at `paths` of the receiver; returns all that left. */
async function publishTo(paths: Record<string, string>): Promise<{ out: string; failed: number }> {
  const env = Object.fromEntries(
    Object.entries(paths).map(([name, path]) => [`${targetEnvStem(name)}_URL`, `${base}${path}`]),
  );
  const targets: FanoutTarget[] = Object.keys(paths).map((name) => ({
    name,
    kind: 'webhook',
    events: [...NOTIFY_EVENTS],
    minSeverity: 'info',
  }));
  const lines: string[] = [];
  const primary = recordingPrimary();
  const notifier = createFanoutNotifier({
    primary,
    targets,
    credentials: createEnvTargetCredentials(env),
    notify: POLICY.notify,
    clock: fixedClock(NOW),
    log: createLogger({ sink: (line) => lines.push(line) }),
  });
  const digest: Digest = {
    job: 'check',
    runId: 'r-1',
    nowMs: NOW,
    outcomes: [{ domain: 'a.com', event: 'failed', batchId: 'b-1', oldExpiryMs: NOW + 9 * DAY, years: 1, reason: 'x' }],
  };
  const message = renderDigest(digest, POLICY.notify);
  if (!message) throw new Error('nothing rendered');
  await notifier.publish(message);
  const results = notifier.lastResults();
  // What leaves the process: the results, the log lines, and the email as SNS sends it (redacted at publish).
  const out = [
    ...results.map((r) => r.error ?? ''),
    ...lines,
    ...primary.sent.map((m) => redact(`${m.subject}\n${m.email}`)),
  ].join('\n');
  return { out, failed: results.filter((r) => r.status === 'gave-up' || r.status === 'failed').length };
}

it('a long path token echoed by the answer is not shown, not even in part', async () => {
  const { out, failed } = await publishTo({ ticketing: `/api/v1/hooks/autorenew/${LONG_TOKEN}` });
  expect(failed).toBe(1);
  expect(out).toContain('Cannot POST'); // the answer is quoted
  expect(out).not.toContain(LONG_TOKEN.slice(0, 16));
});

it('a short path token (12 letters and digits) echoed by the answer is not shown', async () => {
  const { out, failed } = await publishTo({ pager: `/hook/${SHORT_TOKEN}` });
  expect(failed).toBe(1);
  expect(out).toContain('Cannot POST');
  expect(out).not.toContain(SHORT_TOKEN);
});
