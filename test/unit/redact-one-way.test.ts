import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../../lib/cli';
import type { CliIO } from '../../lib/commands/io';
import { createConsoleNotifier } from '../../lib/notify/console';
import type { RenderedMessage } from '../../lib/notify/port';
import { buildPublishInput } from '../../lib/notify/sns';
import { redact, registerSecret } from '../../lib/redact';

const ROOT = join(__dirname, '..', '..');
const SHAPED = 'LTAI5tQz8VwXyZ1234567890'; // an Alibaba AccessKeyId shape, never registered
const AWS_SHAPED = 'AKIAABCDEFGHIJKLMNOP';
const REGISTERED = 'registered-secret-value-9f3a';

function message(text: string): RenderedMessage {
  return {
    subject: `subject ${text}`,
    email: `email ${text}`,
    sms: `sms ${text}`,
    default: `default ${text}`,
    event: 'failed',
    severity: 'alert',
  };
}

describe('one way to scrub secrets: every exit passes the one redactor', () => {
  beforeAll(() => registerSecret(REGISTERED));

  test.each([
    [
      'a canonical request',
      'x-amz-security-token:IQoJb3JpZ2luX2VjEXAMPLE\nhost:sns',
      'x-amz-security-token:***\nhost:sns',
    ],
    ['a query', 'X-Amz-Security-Token=IQoJb3JpZ2luX2VjEXAMPLE&X-Amz-Date=1', 'X-Amz-Security-Token=***&X-Amz-Date=1'],
    // Headers printed as JSON (an SDK's request dump): the quoted form (thirty-first session's list).
    [
      'JSON',
      '{"x-amz-security-token": "IQoJb3JpZ2luX2VjEXAMPLE", "host": "sns"}',
      '{"x-amz-security-token": "***", "host": "sns"}',
    ],
    ['single quotes', "{'X-Amz-Security-Token': 'IQoJb3JpZ2luX2VjEXAMPLE'}", "{'X-Amz-Security-Token': '***'}"],
  ])('masks a session token quoted in %s', (_form, text, masked) => {
    expect(redact(text)).toBe(masked);
  });

  test('the redactor masks registered values and AccessKeyId shapes of both clouds', () => {
    expect(redact(`a ${SHAPED} b ${AWS_SHAPED} c ${REGISTERED}`)).toBe('a *** b *** c ***');
    // URL-encoded after "=" (a string-to-sign echoed by a registrar, once or twice encoded): "D" and "L" are both
    // word characters, so a word boundary alone missed it (review 2026-12-04).
    expect(redact(`GET&%2F&AccessKeyId%3D${SHAPED}%26Action`)).toBe('GET&%2F&AccessKeyId%3D***%26Action');
    expect(redact(`AccessKeyId%253d${AWS_SHAPED}%2526`)).toBe('AccessKeyId%253d***%2526');
    for (const before of ['%22', '%3A', '%2C', 'key_']) expect(redact(`x${before}${SHAPED} y`)).toBe(`x${before}*** y`);
  });

  test('SNS: subject, email, SMS and default texts of a notification', () => {
    const input = buildPublishInput('arn:aws:sns:eu-west-1:123456789012:t', message(`${SHAPED} ${REGISTERED}`));
    const published = `${input.Subject} ${input.Message}`;
    expect(published).not.toContain(SHAPED);
    expect(published).not.toContain(REGISTERED);
    expect(published).toContain('***');
  });

  test('console notifier (local runs)', async () => {
    const lines: string[] = [];
    await createConsoleNotifier((l) => lines.push(l)).publish(message(`${AWS_SHAPED} ${REGISTERED}`));
    expect(lines.join('\n')).not.toMatch(new RegExp(`${AWS_SHAPED}|${REGISTERED}`));
  });

  test('CLI output: what a command prints, and the error line', async () => {
    const out: string[] = [];
    const io: CliIO = { out: (l) => out.push(l), err: (l) => out.push(l), isTTY: false, env: {}, cwd: ROOT };
    // `validate` echoes the path it was given in its error: a path that is a key shape must not reach the terminal.
    await runCli(['validate', `/nonexistent/${SHAPED}.json`], io);
    expect(out.join('\n')).toContain('***');
    expect(out.join('\n')).not.toContain(SHAPED);
  });

  test('no module keeps its own AccessKeyId pattern: the redactor is the only one', () => {
    for (const file of ['lib/notify/sns.ts', 'lib/ledger/dynamodb.ts', 'lib/compose/lambda.ts', 'lib/log.ts']) {
      expect(readFileSync(join(ROOT, file), 'utf8')).not.toMatch(/AKIA\||LTAI\|/);
    }
  });
});
