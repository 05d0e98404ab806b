import OpenApi, * as $OpenApi from '@alicloud/openapi-client';
import OpenApiUtil from '@alicloud/openapi-util';
import RPCClient from '@alicloud/pop-core';
import { type Sandbox, startSandbox } from '../../lib/sandbox';
import { createTestFixture, SANDBOX_NOW_MS } from '../helpers/sandbox-fixture';

// The official Alibaba clients, pointed at the sandbox, must be accepted with the right keys and refused with a
// wrong secret: this is what proves the sandbox verifies signatures the way the gateway does.

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox({ fixture: createTestFixture(), nowMs: SANDBOX_NOW_MS });
});
afterAll(() => sandbox.close());

interface ListBody {
  RequestId: string;
  TotalItemNum: number;
  Data: { Domain: Array<{ DomainName: string; ExpirationDateLong: number }> };
}

function popClient(secret = sandbox.accessKeySecret, securityToken?: string): RPCClient {
  return new RPCClient({
    accessKeyId: sandbox.accessKeyId,
    accessKeySecret: secret,
    endpoint: sandbox.url,
    apiVersion: '2018-01-29',
    ...(securityToken ? { securityToken } : {}),
  } as RPCClient.Config);
}

function openApiClient(signatureAlgorithm?: 'v2', secret = sandbox.accessKeySecret, securityToken?: string): OpenApi {
  return new OpenApi(
    new $OpenApi.Config({
      accessKeyId: sandbox.accessKeyId,
      accessKeySecret: secret,
      ...(securityToken ? { securityToken } : {}),
      endpoint: `127.0.0.1:${sandbox.port}`,
      protocol: 'HTTP',
      ...(signatureAlgorithm ? { signatureAlgorithm } : {}),
    }),
  );
}

function callQueryDomainList(client: OpenApi, query: Record<string, unknown>) {
  const params = new $OpenApi.Params({
    action: 'QueryDomainList',
    version: '2018-01-29',
    protocol: 'HTTP',
    pathname: '/',
    method: 'POST',
    authType: 'AK',
    style: 'RPC',
    reqBodyType: 'formData',
    bodyType: 'json',
  });
  const request = new $OpenApi.OpenApiRequest({ query: OpenApiUtil.query(query) });
  return client.callApi(params, request, {} as Parameters<OpenApi['callApi']>[2]);
}

describe('@alicloud/pop-core (V1 HMAC-SHA1)', () => {
  test.each([['GET'], ['POST']])('%s QueryDomainList succeeds with the right keys', async (method) => {
    const body = await popClient().request<ListBody>('QueryDomainList', { PageNum: 1, PageSize: 3 }, { method });
    expect(body.TotalItemNum).toBe(8);
    expect(body.Data.Domain).toHaveLength(3);
    expect(body.RequestId).toMatch(/^[0-9A-F-]{36}$/);
  });

  test('parameters with spaces and reserved characters are signed and read correctly', async () => {
    const body = await popClient().request<ListBody>(
      'QueryDomainList',
      { PageNum: 1, PageSize: 10, DomainName: '例子 *()!~' },
      { method: 'POST' },
    );
    expect(body.TotalItemNum).toBe(0);
  });

  test('an STS SecurityToken is accepted (signed, not validated)', async () => {
    const body = await popClient(sandbox.accessKeySecret, 'sts-token-123').request<ListBody>('QueryDomainList', {
      PageNum: 1,
      PageSize: 1,
    });
    expect(body.Data.Domain).toHaveLength(1);
  });

  test.each([['GET'], ['POST']])('%s with a wrong secret is refused with SignatureDoesNotMatch', async (method) => {
    await expect(
      popClient('wrong-secret').request('QueryDomainList', { PageNum: 1, PageSize: 3 }, { method }),
    ).rejects.toMatchObject({ code: 'SignatureDoesNotMatch', name: 'SignatureDoesNotMatchError' });
  });

  test('an unknown domain surfaces as DomainNotExist', async () => {
    await expect(
      popClient().request('QueryDomainByDomainName', { DomainName: 'nope.com' }, { method: 'POST' }),
    ).rejects.toMatchObject({ code: 'DomainNotExist' });
  });
});

describe('@alicloud/pop-core: price and balance operations', () => {
  test('QueryDomainRealTimePrice with DomainItem as one JSON string (the SDK style), and CheckDomain renew fees', async () => {
    const DomainItem = JSON.stringify([
      { Action: 'renew', DomainName: 'fancy.com', Period: 1 },
      { Action: 'renew', DomainName: 'redeem-me.net', Period: 1 },
    ]);
    const prices = await popClient().request<{ Success: boolean; Module: { DomainPrices: unknown[] } }>(
      'QueryDomainRealTimePrice',
      { Currency: 'CNY', DomainItem },
      { method: 'POST' },
    );
    expect(prices.Success).toBe(true);
    expect(prices.Module.DomainPrices).toEqual([
      expect.objectContaining({ DomainName: 'fancy.com', Avail: 1, Price: 5000, Currency: 'CNY', Premium: true }),
      expect.objectContaining({ DomainName: 'redeem-me.net', Avail: 0, Reason: '不可续费' }),
    ]);
    const fee = await popClient().request<Record<string, unknown>>(
      'CheckDomain',
      { DomainName: 'far-away.com', FeeCommand: 'renew', FeePeriod: 1, FeeCurrency: 'CNY' },
      { method: 'POST' },
    );
    expect(fee).toMatchObject({ Avail: '0', Premium: 'false', Reason: 'In use' });
    expect(fee.StaticPriceInfo).toEqual({
      PriceInfo: [
        { action: 'activate', money: 69, period: 12 },
        { action: 'renew', money: 69, period: 12 },
      ],
    });
  });

  test('QueryAccountBalance under BSS version 2017-12-14 on the same port', async () => {
    const bss = new RPCClient({
      accessKeyId: sandbox.accessKeyId,
      accessKeySecret: sandbox.accessKeySecret,
      endpoint: sandbox.url,
      apiVersion: '2017-12-14',
    } as RPCClient.Config);
    const body = await bss.request<{ Code: string; Data: Record<string, string> }>(
      'QueryAccountBalance',
      {},
      {
        method: 'POST',
      },
    );
    expect(body.Code).toBe('200');
    expect(body.Data.AvailableCashAmount).toMatch(/^-?\d+\.\d{2}$/);
    expect(body.Data.Currency).toBe('CNY');
    await expect(popClient().request('QueryAccountBalance', {}, { method: 'POST' })).rejects.toMatchObject({
      code: 'InvalidAction.NotFound',
    });
  });
});

describe('@alicloud/openapi-client callApi', () => {
  test.each([
    ['V3 (ACS3-HMAC-SHA256, default)', undefined],
    ['V1 (signatureAlgorithm v2)', 'v2' as const],
  ])('%s QueryDomainList succeeds with the right keys', async (_name, alg) => {
    const out = await callQueryDomainList(openApiClient(alg), {
      PageNum: 2,
      PageSize: 3,
      OrderKeyType: 'ExpirationDate',
    });
    expect(out.statusCode).toBe(200);
    const body = out.body as ListBody & { CurrentPageNum: number; PrePage: boolean; NextPage: boolean };
    expect(body.CurrentPageNum).toBe(2);
    expect(body.PrePage).toBe(true);
    expect(body.NextPage).toBe(true);
    expect(body.Data.Domain).toHaveLength(3);
  });

  test.each([
    ['V3', undefined],
    ['V1', 'v2' as const],
  ])('%s with an STS security token is accepted (signed, not validated)', async (_name, alg) => {
    const out = await callQueryDomainList(openApiClient(alg, sandbox.accessKeySecret, 'sts-token'), {
      PageNum: 1,
      PageSize: 1,
    });
    expect(out.statusCode).toBe(200);
  });

  test('V3 with a value needing percent-encoding', async () => {
    const out = await callQueryDomainList(openApiClient(), { PageNum: 1, PageSize: 5, DomainName: 'due soon*' });
    expect((out.body as ListBody).TotalItemNum).toBe(0);
  });

  test.each([
    ['V3', undefined],
    ['V1', 'v2' as const],
  ])('%s with a wrong secret is refused with SignatureDoesNotMatch', async (_name, alg) => {
    await expect(
      callQueryDomainList(openApiClient(alg, 'wrong-secret'), { PageNum: 1, PageSize: 3 }),
    ).rejects.toMatchObject({ code: 'SignatureDoesNotMatch', data: expect.objectContaining({ statusCode: 400 }) });
  });
});
