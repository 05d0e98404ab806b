import { createAlibabaRegistrar } from '../../lib/alibaba';
import { AmbiguousOutcomeError, RejectedRetryableError } from '../../lib/errors';
import type { Registrar } from '../../lib/registrar/port';
import { type FakeHttpServer, startFakeHttp } from '../helpers/fake-http';

const credentials = {
  get: async () => ({ accessKeyId: 'LTAI5tIntegrationKey', accessKeySecret: 'integration-secret' }),
  refresh: async () => ({ accessKeyId: 'LTAI5tIntegrationKey', accessKeySecret: 'integration-secret' }),
};
// 1 s, not less: a timeout that fires before the connection is made reads as CONNECT_TIMEOUT (not sent), and the
// paid call opens a connection of its own; a busy machine can stall a loopback connect for a good part of 300 ms.
const TIMEOUT_MS = 1_000;
const renew = {
  items: [{ domainName: 'example.com', years: 1, currentExpiryMs: 1767225600000, permitPremium: false }],
};
const domainOk = {
  RequestId: 'R-OK',
  DomainName: 'example.com',
  ExpirationDateLong: 1767225600000,
  DomainStatus: '3',
  Premium: false,
};
const unavailable = {
  status: 503,
  body: {
    RequestId: 'R-503',
    Code: 'ServiceUnavailable',
    Message: 'The request has failed due to a temporary failure of the server.',
  },
};

let server: FakeHttpServer;
let registrar: Registrar;

beforeEach(async () => {
  server = await startFakeHttp();
  registrar = createAlibabaRegistrar({
    endpoint: server.url,
    credentials,
    timeoutMs: TIMEOUT_MS,
    sleep: async () => {},
    qps: 1000,
  });
});
afterEach(() => server.close());

test('the paid call goes out on a connection of its own, closed after it; reads share kept-alive ones', async () => {
  // A kept-alive connection the server closes just as the paid call is written on it would leave its outcome
  // unknowable (an UNKNOWN batch): the paid call never reuses one, and its own is closed after the answer.
  server.enqueue({ body: domainOk }, { body: { RequestId: 'R-S', TaskNo: 'T-1' } }, { body: domainOk });
  await registrar.getDomain('example.com');
  await registrar.submitRenewBatch(renew);
  await registrar.getDomain('example.com');
  const [read, paid, again] = server.requests;
  expect(paid?.params.Action).toBe('SaveBatchTaskForCreatingOrderRenew');
  expect(paid?.connection).not.toBe(read?.connection);
  expect(paid?.headers.connection).toBe('close');
  expect(again?.connection).toBe(read?.connection);
  expect(read?.headers.connection).toBe('keep-alive');
});

describe('Alibaba client over real HTTP (loopback fake server)', () => {
  it('a response slower than the timeout is ambiguous (paid call sent once)', async () => {
    // The answer (a success) is held far past the timeout, so only the client's own timeout can end the call: no
    // elapsed-time assertion needed, which a loaded machine would break.
    server.enqueue({ body: { RequestId: 'R', TaskNo: 'T' }, delayMs: 30_000 });
    const error = await registrar.submitRenewBatch(renew).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AmbiguousOutcomeError);
    expect((error as Error).message).toMatch(/no complete answer within 1000 ms/);
    expect(server.requests).toHaveLength(1);
  });

  it('a destroyed socket is ambiguous for a submit and retried for a read', async () => {
    server.enqueue({ destroy: true });
    await expect(registrar.submitRenewBatch(renew)).rejects.toBeInstanceOf(AmbiguousOutcomeError);
    expect(server.requests).toHaveLength(1);
    server.enqueue({ destroy: true }, { body: domainOk });
    await expect(registrar.getDomain('example.com')).resolves.toMatchObject({ expiresAtMs: 1767225600000 });
    expect(server.requests).toHaveLength(3);
  });

  it('503 on reads is retried until it succeeds', async () => {
    server.enqueue(unavailable, unavailable, { body: domainOk });
    await expect(registrar.getDomain('example.com')).resolves.toEqual({
      domainName: 'example.com',
      expiresAtMs: 1767225600000,
      standing: 'normal',
      premium: false,
    });
    expect(server.requests).toHaveLength(3);
    expect(new Set(server.requests.map((r) => r.params.SignatureNonce)).size).toBe(3);
  });

  it('503 on the submit is not retried', async () => {
    server.enqueue(unavailable, { body: { RequestId: 'R', TaskNo: 'T' } });
    const error = await registrar.submitRenewBatch(renew).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AmbiguousOutcomeError);
    expect(error).toMatchObject({
      context: {
        action: 'SaveBatchTaskForCreatingOrderRenew',
        code: 'ServiceUnavailable',
        httpStatus: 503,
        requestId: 'R-503',
      },
    });
    expect(server.requests).toHaveLength(1);
  });

  it('throttling is retried for the submit, each time re-signed', async () => {
    const throttled = {
      status: 400,
      body: { RequestId: 'R-T', Code: 'Throttling.User', Message: 'Request was denied due to user flow control.' },
    };
    server.enqueue(throttled, throttled, { body: { RequestId: 'R-S', TaskNo: 'T-42' } });
    await expect(registrar.submitRenewBatch(renew)).resolves.toEqual({ taskNo: 'T-42', requestId: 'R-S' });
    expect(server.requests).toHaveLength(3);
    expect(new Set(server.requests.map((r) => r.params.Signature)).size).toBe(3);
    expect(server.requests.every((r) => r.method === 'POST' && r.url === '/')).toBe(true);
  });

  it('throttling that never ends surfaces as RejectedRetryableError after maxAttempts', async () => {
    server.respondWith(() => ({ status: 400, body: { RequestId: 'R-T', Code: 'Throttling' } }));
    await expect(registrar.submitRenewBatch(renew)).rejects.toBeInstanceOf(RejectedRetryableError);
    expect(server.requests).toHaveLength(5);
  });

  it('500 without Code or JSON is ambiguous; reads retry it', async () => {
    server.enqueue({ status: 500, body: 'Internal Server Error' });
    const error = await registrar.submitRenewBatch(renew).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AmbiguousOutcomeError);
    expect((error as Error).message).toMatch(/no error code in the answer \(HTTP 500\)/);
    server.enqueue({ status: 500, body: {} }, { body: domainOk });
    await expect(registrar.getDomain('example.com')).resolves.toMatchObject({ domainName: 'example.com' });
  });

  it('a non-JSON 200 is ambiguous for the submit and retried for reads', async () => {
    server.enqueue({ body: '<html>maintenance</html>', headers: { 'content-type': 'text/html' } });
    const error = await registrar.submitRenewBatch(renew).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AmbiguousOutcomeError);
    expect((error as Error).message).toMatch(/the body is not JSON/);
    expect(server.requests).toHaveLength(1);
    server.enqueue({ body: 'not json' }, { body: domainOk });
    await expect(registrar.getDomain('example.com')).resolves.toMatchObject({ domainName: 'example.com' });
  });

  it('connection refused before sending is retryable, even for the submit', async () => {
    const closed = await startFakeHttp();
    const url = closed.url;
    await closed.close();
    let attempts = 0;
    const r = createAlibabaRegistrar({
      endpoint: url,
      credentials,
      sleep: async () => {},
      qps: 1000,
      maxAttempts: 2,
      onCall: () => {
        attempts++;
      },
    });
    await expect(r.submitRenewBatch(renew)).rejects.toBeInstanceOf(RejectedRetryableError);
    expect(attempts).toBe(2);
  });

  it('fetches pages after the first with bounded concurrency', async () => {
    // Pages 2-10 are held until 3 are outstanding at the server, so the client's bound is reached by construction,
    // not by timing. They are then released together 50 ms later (at once when no more pages can come), so that a
    // 4th page sent without waiting would be counted first; on a loaded machine that window can only let a broken
    // client pass, never fail a correct one. A client that never gets 3 out is released after 5 s, so it fails on
    // the peak instead of hanging.
    let outstanding = 0;
    let peak = 0;
    let arrived = 0;
    let held: (() => void)[] = [];
    let fallback: NodeJS.Timeout | undefined;
    const releaseHeld = () => {
      clearTimeout(fallback);
      fallback = undefined;
      const batch = held;
      held = [];
      outstanding -= batch.length;
      for (const release of batch) release();
    };
    const r = createAlibabaRegistrar({
      endpoint: server.url,
      credentials,
      sleep: async () => {},
      qps: 1000,
      pageSize: 10,
      listConcurrency: 3,
    });
    server.respondWith((req) => {
      const page = Number(req.params.PageNum);
      const items = Array.from({ length: 10 }, (_, k) => ({
        DomainName: `p${page}-${k}.com`,
        InstanceId: `I${page}-${k}`,
        ExpirationDateLong: 1767225600000,
        DomainStatus: '3',
      }));
      const body = { RequestId: `R${page}`, TotalItemNum: 100, TotalPageNum: 10, Data: { Domain: items } };
      if (page === 1) return { body };
      arrived++;
      outstanding++;
      peak = Math.max(peak, outstanding);
      const after = new Promise<void>((release) => held.push(release));
      if (arrived === 9) setImmediate(releaseHeld);
      else if (outstanding === 3) {
        clearTimeout(fallback);
        fallback = setTimeout(releaseHeld, 50);
      } else fallback ??= setTimeout(releaseHeld, 5_000).unref();
      return { body, after };
    });
    const domains = await r.listDomains({});
    expect(domains).toHaveLength(100);
    expect(server.requests[0]?.params.PageNum).toBe('1');
    expect(peak).toBe(3);
  });
});
