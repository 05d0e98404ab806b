import { notifyJobError } from '../../lib/jobs';
import type { RenderedMessage } from '../../lib/notify/port';
import { buildPublishInput } from '../../lib/notify/sns';
import { registerSecret } from '../../lib/redact';

// A job error's text is cut to fit the SMS (200 characters) and the email; the SNS exit redacts the whole message
// afterwards. A secret the cut split in two is no longer the registered value, and a key id cut to fewer than 12
// characters after its prefix no longer has the key's shape: the part before the cut went out (review 2026-12-07,
// twenty-sixth session's "found, not fixed").
const SECRET = 'zq9-registered-secret-value-0f1e2d3c4b5a69788796a5b4c3d2e1f0';
const KEY_ID = 'LTAI5tQz8VwXyZ1234567890';

/** Every window of 8 characters of `value`: none may reach a person. */
function piecesOf(value: string): string[] {
  return Array.from({ length: value.length - 7 }, (_, i) => value.slice(i, i + 8));
}

async function publishedFor(message: string): Promise<string> {
  const sent: RenderedMessage[] = [];
  await notifyJobError(
    {
      notifier: {
        publish: async (m) => {
          sent.push(m);
          return {};
        },
      },
      log: { info: () => {}, warn: () => {}, error: () => {} } as never,
      now: Date.UTC(2026, 11, 7, 12),
    },
    { job: 'renew', runId: 'run-1', error: new Error(message) },
  );
  expect(sent).toHaveLength(1);
  // The SNS exit, as a deployed function publishes it: its own redactor runs over the whole, already cut, text.
  const input = buildPublishInput('arn:aws:sns:eu-west-1:123456789012:t', sent[0] as RenderedMessage);
  return `${input.Subject}\n${input.Message}`;
}

describe('a job error is redacted before it is cut', () => {
  beforeAll(() => registerSecret(SECRET));

  // Every cut (the SMS's ~100 characters, the default text's 300, the email's 1 000) falls inside the value at some
  // position: each position in turn, every 3 characters.
  const POSITIONS = Array.from({ length: 334 }, (_, i) => i * 3);
  test.each([
    ['a registered secret', SECRET],
    ['an AccessKeyId shape', KEY_ID],
  ])('%s split by a cut leaks no part of it', async (_name, value) => {
    for (const at of POSITIONS) {
      const published = await publishedFor(`${'x'.repeat(at)} ${value} and the rest of the registrar's answer`);
      const leaked = piecesOf(value).filter((piece) => published.includes(piece));
      expect({ at, leaked }).toEqual({ at, leaked: [] });
      // Well before the email's cut the value shows there masked.
      if (at < 950) expect(published).toContain('***');
    }
  });
});
