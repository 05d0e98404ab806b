import { AwsServiceError } from '../../lib/aws/client';
import { SecretError, SecretUnreadableError } from '../../lib/errors';
import { createSecretsManagerTargetCredentials, parseTargetSecret } from '../../lib/notify/chat/credentials';
import { redact } from '../../lib/redact';

describe('notifyTargets in the Secrets Manager secret', () => {
  it('reads url and optional secret per target; values are registered for redaction', () => {
    const text = JSON.stringify({
      accessKeyId: 'LTAI-x',
      accessKeySecret: 'y',
      notifyTargets: {
        'ops-slack': { url: 'https://hooks.slack.com/services/T0/B0/abcdefghijklmnopqrstuvwx' },
        ding: { url: ' https://oapi.dingtalk.com/robot/send?access_token=tok-0123456789 ', secret: 'SECabcdef' },
      },
    });
    expect(parseTargetSecret(text, 's')).toEqual({
      'ops-slack': { url: 'https://hooks.slack.com/services/T0/B0/abcdefghijklmnopqrstuvwx' },
      ding: { url: 'https://oapi.dingtalk.com/robot/send?access_token=tok-0123456789', secret: 'SECabcdef' },
    });
    expect(redact('token tok-0123456789, path abcdefghijklmnopqrstuvwx, SECabcdef')).toBe('token ***, path ***, ***');
    expect(parseTargetSecret('{"accessKeyId": "a"}', 's')).toEqual({});
  });

  it.each([
    ['not JSON', 'secret s is not valid JSON'],
    ['{"notifyTargets": []}', 'secret s field "notifyTargets" must be an object of target names'],
    [
      '{"notifyTargets": {"a": "https://x"}}',
      'secret s field "notifyTargets.a" must be {"url": "https://...", "secret": "..."} (secret optional)',
    ],
    [
      '{"notifyTargets": {"a": {"url": "https://x", "secret": 5}}}',
      'secret s field "notifyTargets.a".secret must be a string',
    ],
    [
      '{"notifyTargets": {"a": {"url": "http://hooks.example.com/x?token=t0psecret"}}}',
      'secret s field "notifyTargets.a".url is not an https:// URL (without user or password)',
    ],
    [
      '{"notifyTargets": {"a": {"url": "https://u:p@hooks.example.com/x"}}}',
      'secret s field "notifyTargets.a".url is not an https:// URL (without user or password)',
    ],
  ])('%s -> a SecretError naming the field, never the value', (text, message) => {
    expect(() => parseTargetSecret(text, 's')).toThrow(new SecretError(message));
  });

  it.each([
    ['ThrottlingException', 400, true],
    ['InternalServiceError', 500, true],
    ['AccessDeniedException', 400, false],
    ['ResourceNotFoundException', 400, false],
    ['DecryptionFailure', 400, false],
  ])('a read refused with %s (HTTP %i) may pass next run: %s', async (name, status, passing) => {
    // Review 2026-12-03: only a failure that may pass is retried; a refusal for good needs a person at once.
    const failure = new AwsServiceError(name, 'refused', status, 'req-1');
    const source = createSecretsManagerTargetCredentials({
      secretId: 'autorenew/alibaba',
      read: async () => {
        throw failure;
      },
    });
    const err = await source.get('ops').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SecretError);
    expect(err instanceof SecretUnreadableError).toBe(passing);
  });

  it.each([
    ['ECONNRESET', { code: 'ECONNRESET' }],
    ['ENOTFOUND', { code: 'ENOTFOUND' }],
    ['EHOSTUNREACH', { code: 'EHOSTUNREACH' }],
    ["the SDK's TimeoutError", { name: 'TimeoutError' }],
    ['HTTP 429 under another name', { name: 'TooManyRequestsException', $metadata: { httpStatusCode: 429 } }],
  ])('a network failure or a busy service reading it may pass next run: %s', async (_name, shape) => {
    const source = createSecretsManagerTargetCredentials({
      secretId: 'autorenew/alibaba',
      read: async () => {
        throw Object.assign(new Error('failed'), shape);
      },
    });
    expect(await source.get('ops').catch((e: unknown) => e)).toBeInstanceOf(SecretUnreadableError);
  });

  it('a target missing from the secret names where to add it', async () => {
    const source = createSecretsManagerTargetCredentials({
      secretId: 'autorenew/alibaba',
      client: { send: async () => ({ SecretString: '{"notifyTargets": {}}' }) } as never,
    });
    await expect(source.get('ops')).rejects.toThrow(
      'target "ops" has no URL: add "notifyTargets": {"ops": {"url": "https://..."}} to secret autorenew/alibaba',
    );
  });

  it('a secret that cannot be read says the SDK error name and its message, never a value', async () => {
    const failure = Object.assign(new Error('Region is missing'), { name: 'RegionMissingError' });
    const source = createSecretsManagerTargetCredentials({
      secretId: 'autorenew/alibaba',
      client: {
        send: async () => {
          throw failure;
        },
      } as never,
    });
    await expect(source.get('ops')).rejects.toThrow(
      /cannot read secret autorenew\/alibaba for chat targets: RegionMissingError \(Region is missing\); check the secret, the region/,
    );
  });
});
