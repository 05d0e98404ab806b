import { checkLambdaEndpoint } from '../../lib/config';

describe('checkLambdaEndpoint: inside Lambda only https://*.aliyuncs.com', () => {
  test.each([
    'https://domain.aliyuncs.com',
    'https://domain.aliyuncs.com/',
    'https://domain-intl.aliyuncs.com',
    'https://DOMAIN.ALIYUNCS.COM',
  ])('%s is accepted', (endpoint) => {
    expect(() => checkLambdaEndpoint(endpoint)).not.toThrow();
  });

  test.each([
    'http://domain.aliyuncs.com',
    'http://127.0.0.1:8080',
    'https://aliyuncs.com.evil.example',
    'https://domain.aliyuncs.com.evil.example',
    'https://evilaliyuncs.com',
    'https://aliyuncs.com',
    'https://domain.aliyuncs.com:8443',
    'https://user:pw@domain.aliyuncs.com',
    'https://evil.example/?x=.aliyuncs.com',
    'not a url',
  ])('%s is a configuration error naming AUTORENEW_ENDPOINT', (endpoint) => {
    expect(() => checkLambdaEndpoint(endpoint)).toThrow(/AUTORENEW_ENDPOINT=.*not allowed in Lambda/);
  });
});
