import { readConfig } from '../../lib/config';
import { InputError } from '../../lib/errors';

/**
 * A misspelt AUTORENEW_ variable was ignored without a word (review 2026-12-04): AUTORENEW_DRYRUN=true left a run
 * buying, AUTORENEW_GLOBAL_MAX_DOMAIN=50 left no global cap. The policy file refuses unknown keys; so does this.
 */
describe('unknown AUTORENEW_ variables', () => {
  test.each([
    ['AUTORENEW_DRYRUN', 'AUTORENEW_DRY_RUN'],
    ['AUTORENEW_GLOBAL_MAX_DOMAIN', 'AUTORENEW_GLOBAL_MAX_DOMAINS'],
    ['AUTORENEW_TOPIC', 'AUTORENEW_TOPIC_ARN'],
    ['AUTORENEW_LEDGERDIR', 'AUTORENEW_LEDGER_DIR'],
  ])('%s: refused, naming %s', (name, meant) => {
    const read = () => readConfig({ [name]: 'true' });
    expect(read).toThrow(InputError);
    expect(read).toThrow(new RegExp(`${name} is not an autorenew setting.*did you mean ${meant}\\?`));
  });

  test('a name far from every setting is refused without a guess', () => {
    expect(() => readConfig({ AUTORENEW_SOMETHING_ELSE: '1' })).toThrow(
      /^AUTORENEW_SOMETHING_ELSE is not an autorenew setting; unset it or correct its name/,
    );
  });

  test('a variable an account names for its key is no unknown setting, whatever its name (review 2026-12-04)', () => {
    const env = {
      AUTORENEW_ACCOUNTS: JSON.stringify([
        { name: 'cn', accessKeyIdEnv: 'AUTORENEW_CN_KEY_ID', accessKeySecretEnv: 'AUTORENEW_CN_KEY_SECRET' },
      ]),
      AUTORENEW_CN_KEY_ID: 'id',
      AUTORENEW_CN_KEY_SECRET: 'secret',
    };
    expect(readConfig(env).accounts.map((a) => a.name)).toEqual(['cn']);
    expect(() => readConfig({ ...env, AUTORENEW_CN_KEY_TOKEN: 't' })).toThrow(
      /AUTORENEW_CN_KEY_TOKEN is not an autorenew setting/,
    );
  });

  test.each(['', '  '])(
    'AUTORENEW_DRY_RUN set but empty (%j) is refused, never read as "buy" (review 2026-12-05)',
    (v) => {
      expect(() => readConfig({ AUTORENEW_DRY_RUN: v })).toThrow(/AUTORENEW_DRY_RUN is set but empty/);
    },
  );

  test.each([
    ['AUTORENEW_POLICY', 'the default policy, which buys every domain within 30 days'],
    ['AUTORENEW_LEDGER_DIR', 'an empty ledger in .autorenew, which knows none of the claims'],
    ['AUTORENEW_TABLE', 'the embedded ledger, which knows none of the table claims'],
  ])('%s set but empty is refused: it ran under %s (review 2026-12-05, round 4)', (name) => {
    expect(() => readConfig({ [name]: '' })).toThrow(new RegExp(`${name} is set but empty`));
    expect(() => readConfig({ [name]: ' ' })).toThrow(InputError);
  });

  test.each([
    ['autorenew_dry_run', 'AUTORENEW_DRY_RUN'],
    ['Autorenew_Dry_Run', 'AUTORENEW_DRY_RUN'],
    ['AUTO_RENEW_DRY_RUN', 'AUTORENEW_DRY_RUN'],
    ['auto_renew_policy', 'AUTORENEW_POLICY'],
  ])('%s (a near miss of %s) is refused, not ignored: the run bought (review 2026-12-05, round 4)', (name, meant) => {
    expect(() => readConfig({ [name]: 'true' })).toThrow(
      new RegExp(`${name} is not an autorenew setting \\(did you mean ${meant}\\?\\)`),
    );
  });

  test.each([
    { AUTORENEW_DRY_RUN: 'true', AUTORENEW_QPS: '5' },
    { AUTORENEW_TARGET_OPS_DING_URL: 'https://example.invalid/x', AUTORENEW_TARGET_OPS_DING_SECRET: 's' },
    { AUTORENEW_TEST_DYNAMODB_LOCAL_DIR: '/tmp/x' },
    { OTHER_VARIABLE: 'x', AWS_REGION: 'us-east-1' },
  ])('accepted: %j', (env) => {
    expect(() => readConfig(env)).not.toThrow();
  });
});
