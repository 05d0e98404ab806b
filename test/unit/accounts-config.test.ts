import { labelOf, selectAccounts } from '../../lib/accounts';
import { readConfig } from '../../lib/config';
import { InputError } from '../../lib/errors';

const accounts = (list: unknown) => ({ AUTORENEW_ACCOUNTS: JSON.stringify(list) });

describe('AUTORENEW_ACCOUNTS (lib/accounts.ts)', () => {
  test('without it: one unnamed account from the single-account settings', () => {
    const config = readConfig({ AUTORENEW_SITE: 'intl', AUTORENEW_SECRET_ID: 's1' });
    expect(config.accounts).toEqual([
      {
        name: '',
        site: 'intl',
        endpoint: 'https://domain-intl.aliyuncs.com',
        bssEndpoint: 'https://business.ap-southeast-1.aliyuncs.com',
        apiVersion: '2017-12-18',
        secretId: 's1',
      },
    ]);
    expect(labelOf(config.accounts[0] as { name: string })).toBe('default');
  });

  test('one unnamed entry: its settings become the configuration', () => {
    const config = readConfig(accounts([{ name: '', site: 'intl', secretId: 'x', apiVersion: '2018-01-29' }]));
    expect(config).toMatchObject({ site: 'intl', secretId: 'x', apiVersion: '2018-01-29' });
  });

  test.each([
    ['not JSON', '[', /not valid JSON/],
    ['empty list', '[]', /non-empty JSON array/],
    ['unknown key', JSON.stringify([{ name: '', sercretId: 'x' }]), /unknown key "sercretId"/],
    ['bad name', JSON.stringify([{ name: 'Bad_Name' }]), /\[0\]\.name/],
    ['bad site', JSON.stringify([{ site: 'eu' }]), /\[0\]\.site/],
    ['bad version', JSON.stringify([{ apiVersion: '2020-01-01' }]), /\[0\]\.apiVersion/],
    ['plain http endpoint', JSON.stringify([{ endpoint: 'http://example.invalid' }]), /\[0\]\.endpoint/],
    [
      'same secret twice',
      JSON.stringify([
        { name: 'a', secretId: 's' },
        { name: 'b', secretId: 's' },
      ]),
      /same secret s as AUTORENEW_ACCOUNTS\[0\]/,
    ],
    ['half a key pair', JSON.stringify([{ accessKeyIdEnv: 'A_ID' }]), /together/],
    ['global cap of 0', JSON.stringify([{ name: '' }]), /AUTORENEW_GLOBAL_MAX_DOMAINS/],
  ])('%s is refused before any call, naming where', (_what, raw, message) => {
    const env = {
      AUTORENEW_ACCOUNTS: raw,
      ...(_what.startsWith('global') ? { AUTORENEW_GLOBAL_MAX_DOMAINS: '0' } : {}),
    };
    expect(() => readConfig(env)).toThrow(InputError);
    expect(() => readConfig(env)).toThrow(message);
  });

  test('several accounts, each with its own key (secret or variables) and policy, are all served', () => {
    const config = readConfig({
      ...accounts([
        { name: 'cn-main', secretId: 's1' },
        { name: 'intl', site: 'intl', accessKeyIdEnv: 'INTL_ID', accessKeySecretEnv: 'INTL_SECRET', policy: 'p.json' },
      ]),
      AUTORENEW_GLOBAL_MAX_DOMAINS: '40',
    });
    expect(config.accounts.map((a) => [a.name, a.site, a.apiVersion])).toEqual([
      ['cn-main', 'cn', '2018-01-29'],
      ['intl', 'intl', '2017-12-18'],
    ]);
    expect(config.accounts[1]).toMatchObject({
      keyEnv: { id: 'INTL_ID', secret: 'INTL_SECRET' },
      policyPath: 'p.json',
    });
    expect(config.globalMaxDomains).toBe(40);
    expect(readConfig({}).globalMaxDomains).toBeUndefined();
  });

  test('a key twice in one entry is refused, naming it: JSON keeps the last one silently (review 2026-12-03)', () => {
    const raw = '[{"name":"cn","secretId":"strict","policy":"strict.json","policy":"loose.json"}]';
    expect(() => readConfig({ AUTORENEW_ACCOUNTS: raw })).toThrow(
      /AUTORENEW_ACCOUNTS\[0\]\.policy appears twice: JSON keeps only the last one; remove the other/,
    );
  });

  test("an account's read-only secret may not be another account's secret (its plan and check would use that key)", () => {
    const list = [
      { name: 'a', secretId: 'sa' },
      { name: 'b', secretId: 'sb', readOnlySecretId: 'sa' },
    ];
    expect(() => readConfig(accounts(list))).toThrow(
      /AUTORENEW_ACCOUNTS\[1\].*read-only secret sa.*AUTORENEW_ACCOUNTS\[0\]/,
    );
    expect(readConfig(accounts([list[0], { ...list[1], readOnlySecretId: 'sb-ro' }])).accounts).toHaveLength(2);
  });

  test('a single-account variable beside AUTORENEW_ACCOUNTS is refused (it would be ignored)', () => {
    expect(() => readConfig({ ...accounts([{ name: '' }]), AUTORENEW_SECRET_ID: 's' })).toThrow(
      /AUTORENEW_SECRET_ID is set together with AUTORENEW_ACCOUNTS/,
    );
  });

  test('--account picks by name or label; an unknown name lists the accounts', () => {
    const list = [
      { name: '', site: 'cn', endpoint: 'e', bssEndpoint: 'b', apiVersion: 'v' },
      { name: 'intl', site: 'intl', endpoint: 'e', bssEndpoint: 'b', apiVersion: 'v' },
    ] as const;
    expect(selectAccounts(list, 'default').map((a) => a.name)).toEqual(['']);
    expect(selectAccounts(list, undefined)).toHaveLength(2);
    expect(() => selectAccounts(list, 'nope')).toThrow(/the accounts are default, intl/);
  });
});

describe('an account key from an Alibaba Cloud CLI profile (local runs)', () => {
  test('profile and profileFile are read; two accounts on one profile, or a profile beside key variables, are refused', () => {
    const config = readConfig(
      accounts([
        { name: 'a', profile: 'shop', profileFile: '/tmp/x.json' },
        { name: 'b', profile: 'other' },
      ]),
    );
    expect(config.accounts.map((a) => a.profile)).toEqual([{ name: 'shop', file: '/tmp/x.json' }, { name: 'other' }]);
    expect(() =>
      readConfig(
        accounts([
          { name: 'a', profile: 'shop' },
          { name: 'b', profile: 'shop' },
        ]),
      ),
    ).toThrow(/same profile shop as AUTORENEW_ACCOUNTS\[0\]/);
    expect(() =>
      readConfig(accounts([{ name: 'a', profile: 'p', accessKeyIdEnv: 'I', accessKeySecretEnv: 'S' }])),
    ).toThrow(/one key source/);
    expect(() => readConfig(accounts([{ name: 'a', profileFile: '/tmp/x.json' }]))).toThrow(
      /profileFile needs profile/,
    );
  });

  test.each([
    ['a secret with signs (not a name)', 'accessKeySecretEnv', 'kF3j9+aLpQ/zX8wR2mN5vB7cT1yH4u'],
    ['a secret that reads as a name', 'accessKeySecretEnv', 'kF3j9aLpQzX8wR2mN5vB7cT1yH4uQe'],
    ['an AccessKeyId', 'accessKeyIdEnv', 'LTAI5tQ8mZ2xV7kR9pW3nB6c'],
  ])('%s pasted into %s is refused without being echoed (review 2026-12-05, round 4)', (_what, key, value) => {
    const entry = { name: 'a', accessKeyIdEnv: 'A_ID', accessKeySecretEnv: 'A_SECRET', [key]: value };
    const env = { ...accounts([entry]), A_ID: 'id', A_SECRET: 'secret' };
    let thrown: unknown;
    try {
      readConfig(env);
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(InputError);
    expect((thrown as Error).message).toMatch(new RegExp(`AUTORENEW_ACCOUNTS\\[0\\]\\.${key}`));
    expect((thrown as Error).message).not.toContain(value);
    expect(JSON.stringify(thrown)).not.toContain(value);
  });

  // Camel-case names with a digit, up to 23 characters: a 16-character bound refused them as keys (an Alibaba
  // AccessKey secret has 30 characters, an AccessKeyId 24 and starts with LTAI).
  test.each([
    'A_ID',
    'AUTORENEW_CN_KEY_SECRET',
    'aliyun_secret',
    'MyKeyVariable',
    'AliyunAccessKey1',
    'ShopIntlKeySecret2026',
  ])('a variable name (%s) is accepted', (name) => {
    const env = {
      ...accounts([{ name: 'a', accessKeyIdEnv: 'A_ID', accessKeySecretEnv: name === 'A_ID' ? 'A_SECRET' : name }]),
    };
    expect(() => readConfig(env)).not.toThrow();
  });
});
