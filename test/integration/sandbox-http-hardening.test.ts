import { request } from 'node:http';
import { connect } from 'node:net';
import { type Sandbox, startSandbox } from '../../lib/sandbox';
import { isJsonContentType, isLoopbackHost } from '../../lib/sandbox/http-util';
import { signedCall } from '../helpers/sandbox-request';

/**
 * The sandbox binds 127.0.0.1, but a web page in a local browser can still reach it: by DNS rebinding (a name of
 * the attacker's that resolves to 127.0.0.1, so the browser sends `Host: evil.example`) and by "simple" cross-site
 * POSTs (text/plain, form, multipart need no CORS preflight). Only loopback Host values are answered, and the
 * control routes take only application/json bodies.
 */
let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox({ domains: 3 });
});
afterAll(() => sandbox.close());

/** One raw request with exactly these headers (node:http lets a test set Host, fetch does not). */
function send(
  method: string,
  path: string,
  headers: Record<string, string>,
  body = '',
): Promise<{ status: number; body: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: sandbox.port, method, path, headers }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => {
        text += c.toString('utf8');
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text || '{}') }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const host = () => `127.0.0.1:${sandbox.port}`;
const json = { 'content-type': 'application/json' };

describe('Host: only loopback names are answered', () => {
  test.each([
    'evil.example',
    `evil.example:${0}`,
    '127.0.0.1.evil.example',
    'localhost.evil.example',
    'evil.example@127.0.0.1',
    '127.0.0.256',
    '0.0.0.0',
    '[::ffff:127.0.0.1]',
  ])('Host %j is refused with 403 before the body is read', async (value) => {
    const before = sandbox.now();
    const res = await send(
      'POST',
      '/_sandbox/clock',
      { ...json, host: value },
      JSON.stringify({ advanceMs: 86_400_000 }),
    );
    expect(res.status).toBe(403);
    expect(res.body.Code).toBe('Forbidden.Host');
    // The clock did not move: the request had no effect.
    expect(sandbox.now() - before).toBeLessThan(60_000);
  });

  test('the same request with a loopback Host works: the Host is what decides', async () => {
    const before = sandbox.now();
    for (const value of [
      host(),
      `localhost:${sandbox.port}`,
      `LOCALHOST:${sandbox.port}`,
      `[::1]:${sandbox.port}`,
      '127.0.0.1',
    ]) {
      const res = await send('POST', '/_sandbox/clock', { ...json, host: value }, JSON.stringify({ advanceMs: 1_000 }));
      expect(res.status).toBe(200);
    }
    expect(sandbox.now() - before).toBeGreaterThanOrEqual(5_000);
  });

  test('API routes are guarded too (a signed call through a rebinding name is refused)', async () => {
    const refusedBefore = sandbox.state().requests.hostRefused ?? 0;
    const res = await send('GET', '/?Action=QueryDomainList&Version=2018-01-29', { host: 'evil.example' });
    expect(res.status).toBe(403);
    expect(sandbox.state().requests.hostRefused).toBe(refusedBefore + 1);
    // A normal signed client is unaffected.
    const ok = await signedCall(sandbox, 'QueryDomainList', { PageNum: 1, PageSize: 10 });
    expect(ok.status).toBe(200);
  });

  test('a request without any Host header (HTTP/1.0) is refused', async () => {
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = connect(sandbox.port, '127.0.0.1', () => socket.end('GET /_sandbox/state HTTP/1.0\r\n\r\n'));
      let text = '';
      socket.on('data', (c: Buffer) => {
        text += c.toString('utf8');
      });
      socket.on('end', () => resolve(text));
      socket.on('error', reject);
    });
    expect(answer.split('\r\n')[0]).toMatch(/^HTTP\/1\.[01] 403 /);
  });

  test('isLoopbackHost accepts exactly loopback addresses and localhost, with an optional port', () => {
    expect(
      ['127.0.0.1', '127.1.2.3:8080', 'localhost', 'localhost:1', '[::1]', '[::1]:65535'].every(isLoopbackHost),
    ).toBe(true);
    expect(['127.0.0.1:', 'localhost.', '[::1', '::1', 'example.com', '127.0.0.1:80:80'].some(isLoopbackHost)).toBe(
      false,
    );
    expect(isLoopbackHost(undefined)).toBe(false);
  });
});

describe('control routes take only application/json', () => {
  test.each([
    ['text/plain', 'text/plain;charset=UTF-8'],
    ['form', 'application/x-www-form-urlencoded'],
    ['multipart', 'multipart/form-data; boundary=x'],
    ['a look-alike', 'application/jsonp'],
    ['none', undefined],
  ])('%s is refused with 415 and has no effect', async (_label, type) => {
    const before = sandbox.state().faults.throttleRate;
    const headers: Record<string, string> = { host: host(), ...(type ? { 'content-type': type } : {}) };
    const res = await send('POST', '/_sandbox/faults', headers, JSON.stringify({ throttleRate: 1 }));
    expect(res.status).toBe(415);
    expect(res.body.Code).toBe('UnsupportedMediaType');
    expect(sandbox.state().faults.throttleRate).toBe(before);
  });

  test('application/json (with or without charset) is accepted; GET /_sandbox/state needs no body', async () => {
    for (const type of ['application/json', 'Application/JSON; charset=utf-8']) {
      const res = await send('POST', '/_sandbox/faults', { host: host(), 'content-type': type }, '{"throttleRate":0}');
      expect(res).toMatchObject({ status: 200, body: { faults: { throttleRate: 0 } } });
    }
    expect((await send('GET', '/_sandbox/state', { host: host() })).status).toBe(200);
    expect(isJsonContentType('application/json;charset=utf-8')).toBe(true);
    expect(isJsonContentType('text/json')).toBe(false);
  });
});

describe('POST /_sandbox/balance (issue 14: practise recovery)', () => {
  test('sets or tops up the balance; unknown keys and bad amounts are 400 and change nothing', async () => {
    const json = { host: host(), 'content-type': 'application/json' };
    expect(await send('POST', '/_sandbox/balance', json, '{"set":5}')).toMatchObject({
      status: 200,
      body: { balance: 5 },
    });
    expect(sandbox.state().balance).toBe(5);
    expect(await send('POST', '/_sandbox/balance', json, '{"add":995}')).toMatchObject({
      status: 200,
      body: { balance: 1000 },
    });
    for (const bad of ['{"amount":5}', '{"set":"5"}', '{}', '{"set":1,"add":1}']) {
      const res = await send('POST', '/_sandbox/balance', json, bad);
      expect(res.status).toBe(400);
      expect(String(res.body.Message)).toMatch(/^\/_sandbox\/balance: /);
    }
    expect(sandbox.state().balance).toBe(1000);
  });
});
