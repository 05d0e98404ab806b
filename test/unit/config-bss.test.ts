import { checkLambdaEndpoint, readConfig } from '../../lib/config';
import { InputError } from '../../lib/errors';

describe('AUTORENEW_BSS_ENDPOINT and AUTORENEW_QUOTE_CHUNK', () => {
  test('defaults: the China-site BSS host and 20 domains per realtime price request', () => {
    const config = readConfig({});
    expect(config.bssEndpoint).toBe('https://business.aliyuncs.com');
    expect(config.quoteChunk).toBe(20);
  });

  test('a loopback sandbox endpoint serves the balance too, unless the BSS endpoint is set', () => {
    expect(readConfig({ AUTORENEW_ENDPOINT: 'http://127.0.0.1:9/' }).bssEndpoint).toBe('http://127.0.0.1:9');
    expect(
      readConfig({
        AUTORENEW_ENDPOINT: 'http://127.0.0.1:9',
        AUTORENEW_BSS_ENDPOINT: 'https://business.ap-southeast-1.aliyuncs.com/',
      }).bssEndpoint,
    ).toBe('https://business.ap-southeast-1.aliyuncs.com');
  });

  test('bad values are refused naming the variable; plain http only to loopback', () => {
    for (const env of [
      { AUTORENEW_BSS_ENDPOINT: 'http://business.aliyuncs.com' },
      { AUTORENEW_BSS_ENDPOINT: 'not a url' },
      { AUTORENEW_QUOTE_CHUNK: '0' },
      { AUTORENEW_QUOTE_CHUNK: '2.5' },
      { AUTORENEW_QUOTE_CHUNK: '101' },
    ]) {
      expect(() => readConfig(env)).toThrow(InputError);
      expect(() => readConfig(env)).toThrow(Object.keys(env)[0] as string);
    }
    expect(readConfig({ AUTORENEW_QUOTE_CHUNK: '5' }).quoteChunk).toBe(5);
  });

  test('in Lambda the BSS endpoint must be an aliyuncs.com host too', () => {
    expect(() => checkLambdaEndpoint('https://business.aliyuncs.com', 'AUTORENEW_BSS_ENDPOINT')).not.toThrow();
    expect(() => checkLambdaEndpoint('https://evil.example', 'AUTORENEW_BSS_ENDPOINT')).toThrow(
      /^AUTORENEW_BSS_ENDPOINT=/,
    );
  });
});
