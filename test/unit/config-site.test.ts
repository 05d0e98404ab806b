import { readConfig } from '../../lib/config';
import { InputError } from '../../lib/errors';

// AUTORENEW_SITE picks the defaults of the endpoint, API version and BSS endpoint (lib/alibaba/sites.ts); each can
// still be set on its own.
describe('AUTORENEW_SITE and AUTORENEW_API_VERSION', () => {
  test.each([
    [{}, 'cn', 'https://domain.aliyuncs.com', '2018-01-29', 'https://business.aliyuncs.com'],
    [
      { AUTORENEW_SITE: 'intl' },
      'intl',
      'https://domain-intl.aliyuncs.com',
      '2017-12-18',
      'https://business.ap-southeast-1.aliyuncs.com',
    ],
    [
      { AUTORENEW_SITE: 'INTL', AUTORENEW_API_VERSION: '2018-01-29' },
      'intl',
      'https://domain-intl.aliyuncs.com',
      '2018-01-29',
      'https://business.ap-southeast-1.aliyuncs.com',
    ],
  ])('%j -> site %s, %s, %s, %s', (env, site, endpoint, apiVersion, bssEndpoint) => {
    expect(readConfig(env)).toMatchObject({ site, endpoint, apiVersion, bssEndpoint });
  });

  test('an unknown site or version is an InputError naming the variable and the choices', () => {
    expect(() => readConfig({ AUTORENEW_SITE: 'eu' })).toThrow(InputError);
    expect(() => readConfig({ AUTORENEW_SITE: 'eu' })).toThrow(/AUTORENEW_SITE="eu".*use cn .* or intl/);
    expect(() => readConfig({ AUTORENEW_API_VERSION: '2020-01-01' })).toThrow(
      /AUTORENEW_API_VERSION="2020-01-01" .*use 2018-01-29 or 2017-12-18/,
    );
  });
});
