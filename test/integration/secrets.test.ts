import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { createAlibabaRegistrar } from '../../lib/alibaba';
import { SecretError } from '../../lib/errors';
import { redact } from '../../lib/redact';
import { type Sandbox, startSandbox } from '../../lib/sandbox';
import { createEnvCredentials, createSecretsManagerCredentials, parseCredentialsSecret } from '../../lib/secrets';
import { type FakeSecretsManager, startFakeSecretsManager } from '../helpers/fake-secrets-manager';

const SECRET_VALUE = 'Zx9-very-secret-value';

describe('Alibaba credentials from Secrets Manager (real SDK client over loopback)', () => {
  let sm: FakeSecretsManager;
  let client: SecretsManagerClient;
  beforeAll(async () => {
    sm = await startFakeSecretsManager();
    client = new SecretsManagerClient({
      endpoint: sm.endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'aws-test', secretAccessKey: 'aws-test' },
    });
  });
  afterAll(async () => {
    client.destroy();
    await sm.stop();
  });

  it('reads the JSON secret and caches it for maxAge', async () => {
    sm.secrets.set('ok', JSON.stringify({ accessKeyId: 'LTAIcache', accessKeySecret: SECRET_VALUE }));
    let now = 0;
    const provider = createSecretsManagerCredentials({ secretId: 'ok', client, maxAgeMs: 1000, now: () => now });
    sm.requests.length = 0;
    expect(await provider.get()).toEqual({ accessKeyId: 'LTAIcache', accessKeySecret: SECRET_VALUE });
    now = 999;
    await provider.get();
    expect(sm.requests).toHaveLength(1);
    now = 1000;
    await provider.get();
    expect(sm.requests).toHaveLength(2);
    await provider.refresh();
    expect(sm.requests).toHaveLength(3);
  });

  it.each([
    [
      'missing',
      undefined,
      /^cannot read secret missing: ResourceNotFoundException \(.+\); create it or fix AUTORENEW_SECRET_ID$/,
    ],
    ['not-json', 'accessKeyId=x', /secret not-json is not valid JSON/],
    ['no-secret', JSON.stringify({ accessKeyId: 'LTAIx' }), /secret no-secret is missing field "accessKeySecret"/],
    ['empty-id', JSON.stringify({ accessKeyId: ' ', accessKeySecret: SECRET_VALUE }), /missing field "accessKeyId"/],
    ['array', '[1]', /is not a JSON object/],
  ])('%s -> a clear SecretError naming the secret and field, never its value', async (id, value, message) => {
    if (value !== undefined) sm.secrets.set(id, value);
    const provider = createSecretsManagerCredentials({ secretId: id, client });
    const err = await provider.get().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SecretError);
    expect((err as Error).message).toMatch(message);
    expect((err as Error).message).not.toContain(SECRET_VALUE);
  });

  it('refreshes once after an authentication error (rotated key) and succeeds', async () => {
    const sandbox: Sandbox = await startSandbox({ domains: 5 });
    try {
      sm.secrets.set(
        'rotating',
        JSON.stringify({ accessKeyId: sandbox.accessKeyId, accessKeySecret: 'old-rotated-away' }),
      );
      const provider = createSecretsManagerCredentials({ secretId: 'rotating', client, maxAgeMs: 3_600_000 });
      await provider.get(); // cached: the old secret
      sm.secrets.set(
        'rotating',
        JSON.stringify({ accessKeyId: sandbox.accessKeyId, accessKeySecret: sandbox.accessKeySecret }),
      );
      const registrar = createAlibabaRegistrar({ endpoint: sandbox.url, credentials: provider, sleep: async () => {} });
      const before = sm.requests.length;
      expect(await registrar.listDomains({})).toHaveLength(5);
      expect(sm.requests.length - before).toBe(1);
    } finally {
      await sandbox.close();
    }
  });
});

describe('local credentials and redaction', () => {
  it('env credentials: missing variables named, values registered for redaction', async () => {
    await expect(createEnvCredentials({}).get()).rejects.toThrow(
      /ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET not set/,
    );
    const creds = await createEnvCredentials({
      ALIBABA_CLOUD_ACCESS_KEY_ID: 'LTAIenvkey123',
      ALIBABA_CLOUD_ACCESS_KEY_SECRET: 'env-secret-456',
    }).get();
    expect(creds.accessKeyId).toBe('LTAIenvkey123');
    expect(redact('id LTAIenvkey123 secret env-secret-456')).toBe('id *** secret ***');
  });

  it('parsed secrets are redacted from any later text', () => {
    parseCredentialsSecret(
      JSON.stringify({ accessKeyId: 'LTAIparsed99', accessKeySecret: 'parsed-secret-77', securityToken: 'tok-123456' }),
      's',
    );
    expect(redact('LTAIparsed99/parsed-secret-77/tok-123456')).toBe('***/***/***');
  });
});
