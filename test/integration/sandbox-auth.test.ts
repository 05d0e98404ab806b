import { randomUUID } from 'node:crypto';
import { formatTimestamp, sha256Hex, signV3 } from '../../lib/alibaba/sign';
import { type Sandbox, startSandbox } from '../../lib/sandbox';
import { createTestFixture, SANDBOX_NOW_MS } from '../helpers/sandbox-fixture';
import { signedCall } from '../helpers/sandbox-request';

// Gateway checks on hand-made requests: nonce replay, timestamp skew (against REAL time, not the sim clock),
// key id, signature, and the error body every refusal carries.

let sandbox: Sandbox;
beforeAll(async () => {
  // The simulated clock is years away from real time: timestamps must still be judged against real time.
  sandbox = await startSandbox({ fixture: createTestFixture(), nowMs: SANDBOX_NOW_MS - 5 * 365 * 86_400_000 });
});
afterAll(() => sandbox.close());

const LIST = { PageNum: 1, PageSize: 5 };

function expectErrorBody(body: Record<string, unknown>, code: string): void {
  expect(body).toEqual({
    RequestId: expect.stringMatching(/^[0-9A-F-]{36}$/),
    HostId: 'domain.aliyuncs.com',
    Code: code,
    Message: expect.any(String),
    Recommend: expect.stringContaining(`q=${code}`),
  });
}

describe('V1 gateway checks', () => {
  test('a replayed nonce is refused with SignatureNonceUsed, and the replay is not executed', async () => {
    const nonce = randomUUID();
    const first = await signedCall(sandbox, 'QueryDomainList', LIST, { nonce });
    expect(first.status).toBe(200);
    const before = sandbox.state().requests.QueryDomainList;
    const replay = await signedCall(sandbox, 'QueryDomainList', LIST, { nonce });
    expect(replay.status).toBe(400);
    expectErrorBody(replay.body, 'SignatureNonceUsed');
    expect(sandbox.state().requests.QueryDomainList).toBe(before);
  });

  test('a failed signature does not burn the nonce', async () => {
    const nonce = randomUUID();
    const bad = await signedCall(sandbox, 'QueryDomainList', LIST, { nonce, accessKeySecret: 'wrong' });
    expect(bad.status).toBe(400);
    expectErrorBody(bad.body, 'SignatureDoesNotMatch');
    expect((await signedCall(sandbox, 'QueryDomainList', LIST, { nonce })).status).toBe(200);
  });

  test('a 20-minute-old timestamp is refused with InvalidTimeStamp.Expired', async () => {
    const res = await signedCall(sandbox, 'QueryDomainList', LIST, { timestampMs: Date.now() - 20 * 60_000 });
    expect(res.status).toBe(400);
    expectErrorBody(res.body, 'InvalidTimeStamp.Expired');
  });

  test('a 10-minute skew is tolerated', async () => {
    const res = await signedCall(sandbox, 'QueryDomainList', LIST, { timestampMs: Date.now() + 10 * 60_000 });
    expect(res.status).toBe(200);
  });

  test('a malformed timestamp is refused with InvalidTimeStamp.Format', async () => {
    const res = await signedCall(sandbox, 'QueryDomainList', LIST, { extra: { Timestamp: '2026/01/01 00:00' } });
    expect(res.status).toBe(400);
    expectErrorBody(res.body, 'InvalidTimeStamp.Format');
  });

  test('an unknown AccessKeyId is refused with InvalidAccessKeyId.NotFound (404) without echoing the key', async () => {
    const res = await signedCall(sandbox, 'QueryDomainList', LIST, { accessKeyId: 'someone-else' });
    expect(res.status).toBe(404);
    expectErrorBody(res.body, 'InvalidAccessKeyId.NotFound');
    expect(JSON.stringify(res.body)).not.toContain('someone-else');
  });

  test('POST with a form body verifies with the POST method; a GET signature sent as POST fails', async () => {
    expect((await signedCall(sandbox, 'QueryDomainList', LIST, { method: 'POST' })).status).toBe(200);
    const res = await signedCall(sandbox, 'QueryDomainList', LIST, { method: 'POST', signAs: 'GET' });
    expect(res.status).toBe(400);
    expectErrorBody(res.body, 'SignatureDoesNotMatch');
  });

  test('a parameter changed after signing breaks the signature', async () => {
    const res = await signedCall(sandbox, 'QueryDomainList', LIST, { tamper: { PageSize: '50' } });
    expect(res.status).toBe(400);
    expectErrorBody(res.body, 'SignatureDoesNotMatch');
  });

  test('missing signature parameters give IncompleteSignature', async () => {
    const res = await fetch(`${sandbox.url}/?Action=QueryDomainList&Version=2018-01-29&PageNum=1&PageSize=5`);
    expect(res.status).toBe(400);
    expectErrorBody((await res.json()) as Record<string, unknown>, 'IncompleteSignature');
  });

  test('a wrong Version gives NoSuchVersion', async () => {
    const res = await signedCall(sandbox, 'QueryDomainList', LIST, { version: '2016-01-01' });
    expect(res.status).toBe(400);
    expectErrorBody(res.body, 'NoSuchVersion');
  });

  test('Format is accepted in any case', async () => {
    expect((await signedCall(sandbox, 'QueryDomainList', LIST, { extra: { Format: 'json' } })).status).toBe(200);
  });
});

describe('V3 gateway checks (hand-signed)', () => {
  async function callV3(opts: { nonce?: string; dateMs?: number; secret?: string; body?: string; hash?: string }) {
    const query = { PageNum: '1', PageSize: '2' };
    const body = opts.body ?? '';
    const headers: Record<string, string> = {
      host: `127.0.0.1:${sandbox.port}`,
      'x-acs-action': 'QueryDomainList',
      'x-acs-version': '2018-01-29',
      'x-acs-date': formatTimestamp(opts.dateMs ?? Date.now()),
      'x-acs-signature-nonce': opts.nonce ?? randomUUID(),
      'x-acs-content-sha256': opts.hash ?? sha256Hex(body),
    };
    const { signature, signedHeaders } = signV3(
      { method: 'POST', query, headers, hashedPayload: headers['x-acs-content-sha256'] as string },
      opts.secret ?? sandbox.accessKeySecret,
    );
    const res = await fetch(`${sandbox.url}/?${new URLSearchParams(query)}`, {
      method: 'POST',
      headers: {
        ...headers,
        authorization: `ACS3-HMAC-SHA256 Credential=${sandbox.accessKeyId},SignedHeaders=${signedHeaders},Signature=${signature}`,
      },
      ...(body ? { body } : {}),
    });
    return { status: res.status, body: (await res.json()) as { Code?: string; TotalItemNum?: number } };
  }

  test('valid, then replayed nonce', async () => {
    const nonce = randomUUID();
    expect(await callV3({ nonce })).toMatchObject({ status: 200, body: { TotalItemNum: 8 } });
    expect(await callV3({ nonce })).toMatchObject({ status: 400, body: { Code: 'SignatureNonceUsed' } });
  });

  test('expired x-acs-date', async () => {
    expect(await callV3({ dateMs: Date.now() - 20 * 60_000 })).toMatchObject({
      status: 400,
      body: { Code: 'InvalidTimeStamp.Expired' },
    });
  });

  test('wrong secret and body not matching x-acs-content-sha256', async () => {
    expect(await callV3({ secret: 'nope' })).toMatchObject({ body: { Code: 'SignatureDoesNotMatch' } });
    expect(await callV3({ body: 'x=1', hash: sha256Hex('') })).toMatchObject({
      body: { Code: 'SignatureDoesNotMatch' },
    });
  });
});

describe('control routes', () => {
  test('are not subject to signatures', async () => {
    const res = await fetch(`${sandbox.url}/_sandbox/state`);
    expect(res.status).toBe(200);
    const state = (await res.json()) as { domains: unknown[]; requests: { authFailed: number } };
    expect(state.domains).toHaveLength(8);
    expect(state.requests.authFailed).toBeGreaterThan(0);
  });
});
