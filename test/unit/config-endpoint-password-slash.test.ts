import { readConfig } from '../../lib/config';
import { InputError } from '../../lib/errors';

/**
 * An endpoint whose password holds a `/` (common in generated passwords, base64 among them) does not parse: the
 * authority ends at the first `/`. The "is not a URL" error masked `//user:password@` with a pattern that allowed no
 * `/` before the `@`, so this password was quoted whole, into the terminal, the logs and the error notice (review
 * 2026-12-07, twenty-fifth session).
 */
describe('an unparsable endpoint whose password holds a slash', () => {
  test.each([
    ['AUTORENEW_ENDPOINT', 'https://ops:Hx9/kQ2pZ7wVb@domain.aliyuncs.com'],
    ['AUTORENEW_BSS_ENDPOINT', 'https://ops:Hx9/kQ2pZ7wVb@business.aliyuncs.com'],
    ['AUTORENEW_ENDPOINT', 'http://ops:Hx9/kQ2pZ7wVb@127.0.0.1:9'],
    ['AUTORENEW_ENDPOINT', 'ops:Hx9/kQ2pZ7wVb@domain.aliyuncs.com'],
  ])('%s=%s is refused without quoting the password', (name, value) => {
    let error: unknown;
    try {
      readConfig({ [name]: value });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(InputError);
    expect((error as Error).message).toContain(name);
    expect((error as Error).message).not.toContain('Hx9');
    expect((error as Error).message).not.toContain('kQ2pZ7wVb');
  });

  test('the same in an account of AUTORENEW_ACCOUNTS', () => {
    let error: unknown;
    try {
      readConfig({
        AUTORENEW_ACCOUNTS: JSON.stringify([
          { name: 'cn-main', site: 'cn', endpoint: 'https://ops:Hx9/kQ2pZ7wVb@domain.aliyuncs.com' },
        ]),
      });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(InputError);
    expect((error as Error).message).not.toContain('kQ2pZ7wVb');
  });
});
