import { confirmationFor } from '../../lib/commands/ask-before-buying';
import { checkLambdaEndpoint, DEFAULT_BSS_ENDPOINT, isSandboxEndpoint, readConfig } from '../../lib/config';
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
      { AUTORENEW_PAGE_SIZE: '50.5' },
    ]) {
      expect(() => readConfig(env)).toThrow(InputError);
      expect(() => readConfig(env)).toThrow(Object.keys(env)[0] as string);
    }
    expect(readConfig({ AUTORENEW_QUOTE_CHUNK: '5' }).quoteChunk).toBe(5);
  });

  test.each([
    ['http://127.0.0.1:9', true],
    ['http://127.8.9.10', true],
    ['http://localhost:8080', true],
    ['http://[::1]:8080', true],
    // DNS names that merely start like a loopback address are anywhere (review 2026-12-03): plain http, no
    // confirmation before buying and a pretend clock would all go to them.
    ['http://127.0.0.1.example.com', false],
    ['http://127.evil.test', false],
    ['http://127.0.0.1.nip.io', false],
    ['http://localhost.example.com', false],
  ])('%s is loopback: %s', (endpoint, loopback) => {
    expect(isSandboxEndpoint(endpoint)).toBe(loopback);
    if (!loopback) expect(() => readConfig({ AUTORENEW_ENDPOINT: endpoint })).toThrow(/AUTORENEW_ENDPOINT/);
  });

  test.each(['https://localhost:8443', 'https://127.0.0.1', 'https://[::1]:9443'])(
    '%s is no sandbox: a TLS proxy on this machine may front the real registrar (review 2026-12-05, round 4)',
    (endpoint) => {
      // The sandbox serves plain http only. Counted as one, renew bought there without asking, under a pretend
      // --at date, and the balance went to the same proxy.
      expect(isSandboxEndpoint(endpoint)).toBe(false);
      expect(confirmationFor({ dryRun: false, yes: false, canAsk: false, endpoint })).toBe('needs-yes');
      expect(readConfig({ AUTORENEW_ENDPOINT: endpoint }).bssEndpoint).toBe(DEFAULT_BSS_ENDPOINT);
    },
  );

  test('in Lambda the BSS endpoint must be an aliyuncs.com host too', () => {
    expect(() => checkLambdaEndpoint('https://business.aliyuncs.com', 'AUTORENEW_BSS_ENDPOINT')).not.toThrow();
    expect(() => checkLambdaEndpoint('https://evil.example', 'AUTORENEW_BSS_ENDPOINT')).toThrow(
      /^AUTORENEW_BSS_ENDPOINT=/,
    );
  });
});
