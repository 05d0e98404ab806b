import { SecretError } from '../../lib/errors';
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
