import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SecretError } from '../../lib/errors';
import { redact } from '../../lib/redact';
import { createProfileCredentials } from '../../lib/secrets';

// An account's key from the Alibaba Cloud CLI's config file (`aliyun configure --profile NAME`), read from a real
// file: AK and StsToken profiles give a key; anything else is a SecretError naming the file, profile and fix.
describe('Alibaba Cloud CLI profile credentials', () => {
  let dir: string;
  let file: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'aliyun-profile-'));
    file = join(dir, 'config.json');
    await writeFile(
      file,
      JSON.stringify({
        current: 'shop',
        profiles: [
          { name: 'shop', mode: 'AK', access_key_id: 'LTAIprofileid01', access_key_secret: 'profile-secret-1' },
          {
            name: 'sts',
            mode: 'StsToken',
            access_key_id: 'STS.id',
            access_key_secret: 'sts-secret',
            sts_token: 'sts-token-value',
          },
          { name: 'sso', mode: 'CloudSSO' },
          { name: 'half', mode: 'AK', access_key_id: 'LTAIhalf' },
        ],
      }),
    );
  });
  afterAll(async () => rm(dir, { recursive: true, force: true }));

  test('an AK profile and an StsToken profile give their keys, registered for redaction', async () => {
    expect(await createProfileCredentials({ name: 'shop', file }).get()).toEqual({
      accessKeyId: 'LTAIprofileid01',
      accessKeySecret: 'profile-secret-1',
    });
    expect(await createProfileCredentials({ name: 'sts', file }).get()).toEqual({
      accessKeyId: 'STS.id',
      accessKeySecret: 'sts-secret',
      securityToken: 'sts-token-value',
    });
    expect(redact('key profile-secret-1 here')).not.toContain('profile-secret-1');
  });

  test.each([
    ['a missing profile lists the others', 'nope', /has no profile nope \(it has shop, sts, sso, half\)/],
    ['a mode without a key', 'sso', /mode CloudSSO; only AK and StsToken/],
    ['a profile without its secret', 'half', /lacks access_key_secret/],
  ])('%s', async (_what, name, message) => {
    const get = createProfileCredentials({ name, file }).get();
    await expect(get).rejects.toThrow(SecretError);
    await expect(createProfileCredentials({ name, file }).get()).rejects.toThrow(message);
  });

  test('a missing file names it and the fix; no value ever appears in an error', async () => {
    const missing = join(dir, 'absent.json');
    await expect(createProfileCredentials({ name: 'shop', file: missing }).get()).rejects.toThrow(
      new RegExp(
        `cannot read the Alibaba Cloud CLI config ${missing} \\(ENOENT\\) for profile shop; run \`aliyun configure --profile shop\``,
      ),
    );
    const err = await createProfileCredentials({ name: 'half', file })
      .get()
      .catch((e: Error) => e);
    expect(String(err)).not.toContain('LTAIhalf');
  });
});
