import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import { type AddressInfo, createServer as createTcpServer, type Socket } from 'node:net';
import { classifyFailure } from '../../lib/alibaba/classify';
import { type ExchangeResult, exchange, MAX_RESPONSE_BYTES } from '../../lib/alibaba/transport';
import { createHttpPost, type HttpPost } from '../../lib/http-post';

/** A registrar answer of ~11 MiB: a valid JSON object with a RequestId, streamed (chunked) or with Content-Length. */
const PADDING = 'x'.repeat(11 * 1024 * 1024);
const BIG = JSON.stringify({ RequestId: 'REQ-BIG', TaskNo: 'T-1', Padding: PADDING });

let server: Server;
let url: string;
let chunksSent = 0;
const { post, destroy } = createHttpPost();

beforeAll(async () => {
  server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      if (req.headers['x-test-mode'] === 'hang') return; // never answered
      const declared = req.headers['x-test-mode'] === 'declared';
      res.writeHead(200, {
        'content-type': 'application/json',
        'x-acs-request-id': 'REQ-BIG',
        ...(declared ? { 'content-length': String(Buffer.byteLength(BIG)) } : {}),
      });
      // 64 KiB chunks; count how many went out before the client stopped reading.
      chunksSent = 0;
      const write = (at: number) => {
        if (at >= BIG.length || res.destroyed) {
          res.end();
          return;
        }
        chunksSent += 1;
        if (res.write(BIG.slice(at, at + 65_536))) setImmediate(() => write(at + 65_536));
        else res.once('drain', () => write(at + 65_536));
      };
      write(0);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  destroy();
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

function call(
  mode: 'streamed' | 'declared' | 'hang',
  maxBodyBytes?: number,
  timeoutMs = 60_000,
): Promise<ExchangeResult> {
  const postWithMode: HttpPost = (request) =>
    post({ ...request, headers: { ...request.headers, 'x-test-mode': mode } });
  return exchange({
    endpoint: url,
    timeoutMs,
    post: postWithMode,
    params: { Action: 'SaveBatchTaskForCreatingOrderRenew' },
    action: 'SaveBatchTaskForCreatingOrderRenew',
    parseRetryAfter: () => undefined,
    ...(maxBodyBytes !== undefined ? { maxBodyBytes } : {}),
  });
}

describe('answers over 10 MiB are not read and count as ambiguous', () => {
  test.each(['streamed', 'declared'] as const)('%s: an invalid body naming the request id, ambiguous', async (mode) => {
    const result = await call(mode);
    expect(result).toMatchObject({
      ok: false,
      failure: { kind: 'invalid-body', httpStatus: 200 },
      requestId: 'REQ-BIG',
      detail: `the answer is larger than ${MAX_RESPONSE_BYTES} bytes and was not read`,
    });
    // On a paid call that means UNKNOWN: reconciled from the task list, never resubmitted blindly.
    if (!result.ok) expect(classifyFailure(result.failure)).toBe('ambiguous');
  });

  test('the cap is what refuses it: switched off (a cap above the size) the same answer parses', async () => {
    const result = await call('streamed', 64 * 1024 * 1024);
    expect(result).toMatchObject({ ok: true, requestId: 'REQ-BIG' });
  });

  test('reading stops at the cap instead of buffering the whole answer', async () => {
    await call('streamed', 256 * 1024);
    // 11 MiB is 176 chunks of 64 KiB; the client cancelled long before (socket buffers allow some slack).
    expect(chunksSent).toBeLessThan(150);
  });
});

describe("the registrar's HTTP exchange (Node's HTTP client, lib/http-post.ts)", () => {
  test('no answer within the timeout is a timeout (ambiguous on a paid call), not a network failure', async () => {
    // 1 s: a timeout before the connection is made would read as CONNECT_TIMEOUT (not sent) instead.
    const result = await call('hang', undefined, 1_000);
    expect(result).toStrictEqual({ ok: false, failure: { kind: 'timeout' } });
    if (!result.ok) expect(classifyFailure(result.failure)).toBe('ambiguous');
  });

  test('a connection never made within the timeout is "not sent": a paid call is retried, never UNKNOWN', async () => {
    // TCP is accepted but the TLS handshake is never answered: no request byte can have left the client.
    const held: Socket[] = [];
    const silent = createTcpServer((socket) => held.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as AddressInfo;
    try {
      const result = await exchange({
        endpoint: `https://127.0.0.1:${port}`,
        timeoutMs: 100,
        post,
        params: { Action: 'SaveBatchTaskForCreatingOrderRenew' },
        action: 'SaveBatchTaskForCreatingOrderRenew',
        parseRetryAfter: () => undefined,
      });
      expect(result).toStrictEqual({
        ok: false,
        failure: { kind: 'network', networkCode: 'CONNECT_TIMEOUT' },
        detail: `connecting to 127.0.0.1 port ${port} timed out (CONNECT_TIMEOUT)`,
      });
      if (!result.ok) expect(classifyFailure(result.failure)).toBe('retryable');
      // TCP was accepted (the stall is the TLS handshake's): waited for as an event, not a time.
      if (held.length === 0) await once(silent, 'connection');
      expect(held).toHaveLength(1);
    } finally {
      for (const socket of held) socket.destroy();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
  });

  test('a refused connection is a network failure naming the host, port and code', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const result = await exchange({
      endpoint: `http://127.0.0.1:${port}`,
      timeoutMs: 60_000,
      post,
      params: { Action: 'QueryDomainList' },
      action: 'QueryDomainList',
      parseRetryAfter: () => undefined,
    });
    expect(result).toStrictEqual({
      ok: false,
      failure: { kind: 'network', networkCode: 'ECONNREFUSED' },
      detail: `connection refused by 127.0.0.1 port ${port} (ECONNREFUSED)`,
    });
  });
});
