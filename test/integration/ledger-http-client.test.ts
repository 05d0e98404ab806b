import { randomUUID } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { peerClaimsOf } from '../../lib/compose/accounts';
import { LedgerError } from '../../lib/errors';
import { ensureTable } from '../../lib/ledger/create-table';
import { createDynamoLedger } from '../../lib/ledger/dynamodb';
import { createHttpLedgerSdk, DynamoServiceError, publicEndpoint } from '../../lib/ledger/dynamodb-http';
import type { Ledger } from '../../lib/ledger/port';
import { given } from '../helpers/builder';
import { createLocalDocumentClient } from '../helpers/ledger-contract';
import { type LocalDynamo, startDynalite } from '../helpers/ledger-dynalite';

/**
 * The ledger's own DynamoDB client (lib/ledger/dynamodb-http.ts) against dynalite behind a loopback proxy that
 * injects the partial faults a real network has: a 5xx, throttling, an answer lost after the write was applied, an
 * answer that never comes. The backoff sleeps are recorded, not waited.
 */
type Fault = 'pass' | '500' | 'throttle' | 'apply-then-drop' | 'hang' | 'garbled' | 'empty-object';

let dynamo: LocalDynamo;
let proxy: Server;
let proxyUrl: string;
let faults: Fault[] = [];
/**
 * When set, only requests of these operations (x-amz-target's suffix) take a fault and are seen: a test that ends
 * with a run's reads still in flight (the empty-object peer test) must not spend the next test's faults.
 */
let faultOps: ReadonlySet<string> | undefined;
const seen: { target: string; headers: IncomingHttpHeaders; fault: Fault }[] = [];
const TABLE = 'http-client';
const CREDENTIALS = { accessKeyId: 'AKIAHTTPCLIENTTEST1', secretAccessKey: 'http-client-secret' };

function forward(headers: IncomingHttpHeaders, body: Buffer): Promise<{ status: number; text: string }> {
  const target = new URL(dynamo.endpoint);
  return new Promise((resolve, reject) => {
    const req = request({ hostname: target.hostname, port: target.port, method: 'POST', path: '/', headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString() }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

beforeAll(async () => {
  dynamo = await startDynalite();
  const client = createLocalDocumentClient(dynamo.endpoint);
  await ensureTable(client, TABLE);
  client.destroy();
  proxy = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const target = String(req.headers['x-amz-target']);
      const counted = faultOps === undefined || faultOps.has(target.slice(target.indexOf('.') + 1));
      const fault = counted ? (faults.shift() ?? 'pass') : 'pass';
      if (counted) seen.push({ target, headers: req.headers, fault });
      if (fault === 'hang') return; // never answered; the client's timeout ends it
      if (fault === 'garbled') {
        res.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' });
        res.end('<html>gateway</html>');
        return;
      }
      if (fault === 'empty-object') {
        res.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' });
        res.end('{}'); // JSON, but without the answer's list: a gateway or a cut-down stand-in, not DynamoDB
        return;
      }
      if (fault === '500') {
        res.writeHead(500, { 'content-type': 'application/x-amz-json-1.0' });
        res.end(JSON.stringify({ __type: 'com.amazonaws.dynamodb.v20120810#InternalServerError', message: 'boom' }));
        return;
      }
      if (fault === 'throttle') {
        res.writeHead(400, { 'content-type': 'application/x-amz-json-1.0' });
        res.end(
          JSON.stringify({
            __type: 'com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException',
            message: 'slow down',
          }),
        );
        return;
      }
      const answer = await forward(req.headers, Buffer.concat(chunks));
      if (fault === 'apply-then-drop') {
        req.socket.destroy(); // the table applied the write; its answer is lost
        return;
      }
      res.writeHead(answer.status, { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-requestid': 'REQ-1' });
      res.end(answer.text);
    });
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
});

afterAll(async () => {
  proxy.closeAllConnections();
  await new Promise<void>((resolve) => proxy.close(() => resolve()));
  await dynamo.stop();
});

beforeEach(() => {
  faults = [];
  faultOps = undefined;
  seen.length = 0;
});

function clientWith(over: { maxAttempts?: number; timeoutMs?: number } = {}) {
  const sleeps: number[] = [];
  const sdk = createHttpLedgerSdk({
    endpoint: proxyUrl,
    region: 'us-east-1',
    credentials: CREDENTIALS,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    ...over,
  });
  return { sdk, sleeps };
}

const key = () => ({ pk: `TEST#${randomUUID()}`, sk: 'ITEM' });

/** The ledger over its HTTP client through the fault proxy; backoffs recorded, not waited. */
function proxiedLedger() {
  return createDynamoLedger({
    tableName: TABLE,
    clientConfig: { endpoint: proxyUrl, region: 'us-east-1', credentials: CREDENTIALS, sleep: async () => {} },
  });
}

describe("the ledger's HTTP client", () => {
  test('a 5xx answer is retried after a backoff, and the write lands once', async () => {
    const { sdk, sleeps } = clientWith();
    const k = key();
    faults = ['500'];
    await sdk.send('Put', { TableName: TABLE, Item: { ...k, n: 1, list: ['a'], skip: undefined } });
    const read = await sdk.send('Get', { TableName: TABLE, Key: k, ConsistentRead: true });
    expect(read.Item).toStrictEqual({ ...k, n: 1, list: ['a'] });
    expect(seen.map((s) => `${s.target} ${s.fault}`)).toStrictEqual([
      'DynamoDB_20120810.PutItem 500',
      'DynamoDB_20120810.PutItem pass',
      'DynamoDB_20120810.GetItem pass',
    ]);
    expect(sleeps).toHaveLength(1);
    expect(sleeps[0]).toBeLessThanOrEqual(100);
    sdk.destroy();
  });

  test('throttling is retried with the longer backoff; after the last attempt the error is thrown by name', async () => {
    const { sdk, sleeps } = clientWith();
    faults = ['throttle', 'throttle', 'throttle'];
    const err = await sdk.send('Get', { TableName: TABLE, Key: key() }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DynamoServiceError);
    expect((err as DynamoServiceError).name).toBe('ProvisionedThroughputExceededException');
    expect((err as DynamoServiceError).$metadata.httpStatusCode).toBe(400);
    expect(seen).toHaveLength(3);
    expect(sleeps).toHaveLength(2);
    expect(Math.max(...sleeps)).toBeLessThanOrEqual(1000);
    sdk.destroy();
  });

  test('a refusal is not retried: the condition failure reaches the ledger under its AWS name', async () => {
    const { sdk } = clientWith();
    const k = key();
    await sdk.send('Put', { TableName: TABLE, Item: { ...k, version: 1 } });
    const err = await sdk
      .send('Put', {
        TableName: TABLE,
        Item: { ...k, version: 2 },
        ConditionExpression: 'attribute_not_exists(pk)',
      })
      .catch((e: unknown) => e);
    expect((err as Error).name).toBe('ConditionalCheckFailedException');
    expect(seen.filter((s) => s.target.endsWith('PutItem'))).toHaveLength(2);
    sdk.destroy();
  });

  test('a 200 whose body is not JSON is never read as an empty result: retried, then thrown', async () => {
    const { sdk, sleeps } = clientWith();
    const k = key();
    await sdk.send('Put', { TableName: TABLE, Item: { ...k, n: 7 } });
    faults = ['garbled'];
    const read = await sdk.send('Get', { TableName: TABLE, Key: k, ConsistentRead: true });
    expect(read.Item).toStrictEqual({ ...k, n: 7 });
    expect(sleeps).toHaveLength(1);
    faults = ['garbled', 'garbled', 'garbled'];
    const err = await sdk.send('Get', { TableName: TABLE, Key: k }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'InvalidResponse' });
    expect((err as Error).message).toMatch(/HTTP 200 with a body that is not a JSON object/);
    sdk.destroy();
  });

  test('a read answered with a JSON object but no item list is an error, never "nothing there" (M1)', async () => {
    // DynamoDB always answers BatchGetItem with Responses.<table> (an empty list when nothing matched) and a Query or
    // Scan with Items. A `{}` read as "no claims" let a run buy the domain another account's live claim held.
    const ledger = proxiedLedger();
    const domain = `held-${randomUUID().slice(0, 8)}.com`;
    const expiryMs = Date.UTC(2027, 0, 10);
    const claimed = await ledger.claim({
      domain,
      expiryMs,
      batchId: 'b-1',
      attemptId: 'run-1/b-1',
      years: 1,
      nowMs: Date.UTC(2027, 0, 1),
      maxAttempts: 3,
    });
    expect(claimed.ok).toBe(true);
    await expect(ledger.getClaims([{ domain, expiryMs }])).resolves.toHaveLength(1);
    faults = ['empty-object'];
    const batch = await ledger.getClaims([{ domain, expiryMs }]).catch((e: unknown) => e);
    expect(batch).toBeInstanceOf(LedgerError);
    expect((batch as Error).message).toMatch(/getClaims failed \(.*BatchGetItem.*Responses/);
    faults = ['empty-object'];
    const query = await ledger.listClaimsForDomain(domain).catch((e: unknown) => e);
    expect(query).toBeInstanceOf(LedgerError);
    expect((query as Error).message).toMatch(/listClaimsForDomain failed \(.*Items/);
    // Answered as DynamoDB answers, the same read finds the claim again.
    await expect(ledger.listClaimsForDomain(domain)).resolves.toHaveLength(1);
    ledger.destroy();
  });

  test("such an answer to the other account's claims read buys nothing: its live claim still holds the domain", async () => {
    const t = await given({ domains: ['a.com+5d'] });
    const expiryMs = t.registrar.domains.get('a.com')?.expiresAtMs as number;
    const peer = createDynamoLedger({
      tableName: TABLE,
      account: `peer-${randomUUID().slice(0, 8)}`,
      clientConfig: { endpoint: proxyUrl, region: 'us-east-1', credentials: CREDENTIALS, sleep: async () => {} },
    });
    const held = await peer.claim({
      domain: 'a.com',
      expiryMs,
      batchId: 'peer-batch',
      attemptId: 'peer-run/peer-batch',
      years: 1,
      nowMs: t.clock.now(),
      maxAttempts: 3,
    });
    expect(held.ok).toBe(true);
    // Every read of the peer's claims from here on is answered `{}` (the peer's ledger is the only one behind the proxy).
    faults = Array.from({ length: 20 }, () => 'empty-object' as const);
    await t.renew({ deps: { peerClaims: peerClaimsOf([peer]) } }).catch(() => undefined);
    expect(seen.filter((s) => s.fault === 'empty-object').length).toBeGreaterThan(0);
    expect(t.registrar.submissions()).toStrictEqual([]);
    peer.destroy();
  });

  test('an answer that never comes times out and is retried', async () => {
    // 1 s, not less: a timeout that fires before the connection is made reads as CONNECT_TIMEOUT (not sent), and a
    // busy machine can stall a loopback connect for a good part of 100 ms.
    const { sdk, sleeps } = clientWith({ timeoutMs: 1_000, maxAttempts: 2 });
    faultOps = new Set(['PutItem', 'GetItem']);
    faults = ['hang'];
    const k = key();
    await sdk.send('Put', { TableName: TABLE, Item: k });
    expect(seen.map((s) => s.fault)).toStrictEqual(['hang', 'pass']);
    expect(sleeps).toHaveLength(1);
    faults = ['hang', 'hang'];
    const err = await sdk.send('Get', { TableName: TABLE, Key: k }).catch((e: unknown) => e);
    expect((err as { code?: string }).code).toBe('TimeoutError');
    expect((err as Error).message).toMatch(/no answer from 127\.0\.0\.1:\d+ within 1000 ms/);
    sdk.destroy();
  });

  test('a claim whose answer is lost after the table applied it is recognised as ours on the retry (M1)', async () => {
    const ledger = proxiedLedger();
    faults = ['apply-then-drop'];
    const domain = `lost-${randomUUID().slice(0, 8)}.com`;
    const result = await ledger.claim({
      domain,
      expiryMs: Date.UTC(2030, 0, 1),
      batchId: 'b-1',
      attemptId: 'r/b-1',
      years: 1,
      nowMs: Date.UTC(2029, 11, 1),
      maxAttempts: 3,
    });
    expect(result.ok).toBe(true);
    // Applied, answer lost; the retried put is refused (an item exists), so the takeover update is tried with the
    // same writeId and refused too (the claim is live); the re-read finds our own writeId.
    expect(seen.map((s) => `${s.target.split('.')[1]} ${s.fault}`)).toStrictEqual([
      'PutItem apply-then-drop',
      'PutItem pass',
      'UpdateItem pass',
      'GetItem pass',
    ]);
    const [claim] = await ledger.getClaims([{ domain, expiryMs: Date.UTC(2030, 0, 1) }]);
    expect(claim).toMatchObject({ domain, status: 'CLAIMED', batchId: 'b-1', version: 1 });
    ledger.destroy();
  });

  test('a budget take whose answer is lost is counted once, not twice', async () => {
    const ledger = proxiedLedger();
    const budget = { name: `take-${randomUUID().slice(0, 8)}`, period: '2029-12-01', cap: 20, nowMs: 0 };
    faults = ['apply-then-drop'];
    expect(await ledger.takeBudget({ ...budget, amount: 6 })).toBe(6);
    expect(seen[0]?.fault).toBe('apply-then-drop');
    // The replay of the applied ADD (room for it: 6 <= 20 - 6) was refused and recognised: 14 of 20 are left, not 8.
    expect(await ledger.takeBudget({ ...budget, amount: 20 })).toBe(14);
    ledger.destroy();
  });

  test('a budget give-back whose answer is lost is given back once: the cap still holds (M4)', async () => {
    const ledger = proxiedLedger();
    const budget = { name: `spend-${randomUUID().slice(0, 8)}`, period: '2029-12', cap: 10_000, nowMs: 0 };
    expect(await ledger.takeBudget({ ...budget, amount: 10_000 })).toBe(10_000);
    faults = ['apply-then-drop'];
    await ledger.returnBudget({ name: budget.name, period: budget.period, amount: 4_000, nowMs: 0 });
    expect(seen.filter((s) => s.target.endsWith('UpdateItem')).map((s) => s.fault)).toStrictEqual([
      'pass',
      'apply-then-drop',
      'pass',
    ]);
    // 4 000 came back once: a replayed give-back would leave room for 8 000, spend the cap does not allow.
    expect(await ledger.takeBudget({ ...budget, amount: 10_000 })).toBe(4_000);
    ledger.destroy();
  });

  test('a budget item stays small however many changes it sees: the ids live in 64 slots', async () => {
    const ledger = proxiedLedger();
    const budget = { name: `many-${randomUUID().slice(0, 8)}`, period: '2029-12', cap: 1_000, nowMs: 0 };
    for (let i = 0; i < 150; i++) expect(await ledger.takeBudget({ ...budget, amount: 1 })).toBe(1);
    await ledger.returnBudget({ name: budget.name, period: budget.period, amount: 50, nowMs: 0 });
    expect(await ledger.takeBudget({ ...budget, amount: 1_000 })).toBe(900);
    const { sdk } = clientWith();
    const stored = await sdk.send('Get', {
      TableName: TABLE,
      Key: { pk: `BUDGET#${budget.name}`, sk: budget.period },
      ConsistentRead: true,
    });
    const slots = Object.keys(stored.Item ?? {}).filter((k) => k.startsWith('applied'));
    expect(slots.length).toBeGreaterThan(10);
    expect(slots.length).toBeLessThanOrEqual(64);
    sdk.destroy();
    ledger.destroy();
  });

  test('a missing table is a LedgerError naming the table and the AWS error, without the key', async () => {
    const ledger = createDynamoLedger({
      tableName: 'no-such-table',
      clientConfig: { endpoint: proxyUrl, region: 'us-east-1', credentials: CREDENTIALS },
    });
    const err = await ledger.getClaims([{ domain: 'a.com', expiryMs: 1 }]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LedgerError);
    expect((err as Error).message).toMatch(/ledger table no-such-table: .*ResourceNotFoundException/);
    expect((err as Error).message).not.toContain(CREDENTIALS.accessKeyId);
    expect(seen).toHaveLength(1);
    ledger.destroy();
  });

  test('endpoint, region and credentials default from the environment a function runs in', async () => {
    const sdk = createHttpLedgerSdk({
      env: {
        AWS_REGION: 'eu-west-1',
        AWS_ENDPOINT_URL_DYNAMODB: proxyUrl,
        AWS_ACCESS_KEY_ID: 'ASIAENVIRONMENTKEY1',
        AWS_SECRET_ACCESS_KEY: 'env-secret',
        AWS_SESSION_TOKEN: 'env-token',
      },
    });
    await sdk.send('Get', { TableName: TABLE, Key: key() });
    const headers = seen[0]?.headers ?? {};
    expect(headers['x-amz-security-token']).toBe('env-token');
    expect(String(headers.authorization)).toMatch(
      /^AWS4-HMAC-SHA256 Credential=ASIAENVIRONMENTKEY1\/\d{8}\/eu-west-1\/dynamodb\/aws4_request, SignedHeaders=content-type;host;x-amz-date;x-amz-security-token;x-amz-target, Signature=[0-9a-f]{64}$/,
    );
    sdk.destroy();
  });

  test('no region or no credentials: a clear error before anything is sent', async () => {
    const noRegion = createHttpLedgerSdk({ env: { AWS_ACCESS_KEY_ID: 'A', AWS_SECRET_ACCESS_KEY: 'B' } });
    await expect(noRegion.send('Get', { TableName: TABLE, Key: key() })).rejects.toThrow(/set AWS_REGION/);
    const noKeys = createHttpLedgerSdk({ env: { AWS_REGION: 'us-east-1', AWS_ENDPOINT_URL_DYNAMODB: proxyUrl } });
    await expect(noKeys.send('Get', { TableName: TABLE, Key: key() })).rejects.toThrow(
      /AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are unset/,
    );
    expect(seen).toHaveLength(0);
    noRegion.destroy();
    noKeys.destroy();
  });

  test('batch reads and writes carry items under the table name, even a table named like a field', async () => {
    const client = createLocalDocumentClient(dynamo.endpoint);
    await ensureTable(client, 'Items');
    client.destroy();
    const { sdk } = clientWith();
    const keys = [key(), key()];
    const written = await sdk.send('BatchWrite', {
      RequestItems: { Items: keys.map((k, i) => ({ PutRequest: { Item: { ...k, n: i, tags: ['a'] } } })) },
    });
    expect(written.UnprocessedItems ?? {}).toStrictEqual({});
    const read = await sdk.send('BatchGet', { RequestItems: { Items: { Keys: keys, ConsistentRead: true } } });
    const items = (read.Responses?.Items ?? []).sort((a, b) => Number(a.n) - Number(b.n));
    expect(items).toStrictEqual(keys.map((k, i) => ({ ...k, n: i, tags: ['a'] })));
    sdk.destroy();
  });

  test("the public endpoint is the region's, under amazonaws.com.cn in China", () => {
    expect(publicEndpoint('us-east-1')).toBe('https://dynamodb.us-east-1.amazonaws.com');
    expect(publicEndpoint('cn-northwest-1')).toBe('https://dynamodb.cn-northwest-1.amazonaws.com.cn');
  });
});

/** The operations the proxy saw, each with its fault (`PutItem empty-object`). */
const seenOps = () => seen.map((s) => `${s.target.slice(s.target.indexOf('.') + 1)} ${s.fault}`);

/**
 * Writes answered with a 200 of an unexpected shape (a gateway's `{}` that never reached the table), as reads were
 * already refused (review 2026-12-07, twenty-seventh session): a claim, a budget take, marks, a versioned put.
 */
describe('the ledger over its HTTP client, answered with a 200 of an unexpected shape', () => {
  test("a takeover update answered {} is not a claim: another run's live claim is not read back as ours (M1)", async () => {
    const ledger = proxiedLedger();
    const domain = `rival-${randomUUID().slice(0, 8)}.com`;
    const expiryMs = Date.UTC(2030, 0, 1);
    const request = { domain, expiryMs, years: 1, nowMs: Date.UTC(2029, 11, 1), maxAttempts: 3 };
    // Run A holds the key: a live claim under its batch.
    const first = await ledger.claim({ ...request, batchId: 'batch-a', attemptId: 'run-a/batch-a' });
    expect(first.ok).toBe(true);
    // Run B tries the same key: its put is refused (an item exists), its takeover update answered `{}` by a gateway,
    // never reaching the table. A takeover asked for ALL_NEW: a real success always carries the new item.
    faultOps = new Set(['UpdateItem']);
    faults = ['empty-object'];
    const second = await ledger.claim({ ...request, batchId: 'batch-b', attemptId: 'run-b/batch-b' });
    expect(seenOps()).toContain('UpdateItem empty-object');
    // The table still holds run A's claim; run B must not be told it holds the key, or both runs pay for the domain.
    const [stored] = await ledger.getClaims([{ domain, expiryMs }]);
    expect(stored).toMatchObject({ batchId: 'batch-a', status: 'CLAIMED' });
    expect(second.ok).toBe(false);
    ledger.destroy();
  });

  test('a renew run whose claim update is answered {} buys a domain another run holds, which that run buys too (M1)', async () => {
    const t = await given({ domains: ['race.com+5d'] });
    const expiryMs = t.registrar.domains.get('race.com')?.expiresAtMs as number;
    const rival = createDynamoLedger({
      tableName: TABLE,
      clientConfig: { endpoint: dynamo.endpoint, region: 'us-east-1', credentials: CREDENTIALS },
    });
    const ours = proxiedLedger();
    let raced = false;
    const ledger: Ledger = {
      ...ours,
      async claim(request) {
        if (!raced && request.domain === 'race.com') {
          raced = true;
          // An overlapping run claims the key between this run's plan and its claim, and will send it.
          const held = await rival.claim({ ...request, batchId: 'rival-batch', attemptId: 'rival-run/rival-batch' });
          expect(held.ok).toBe(true);
          faultOps = new Set(['UpdateItem']);
          faults = ['empty-object'];
        }
        return ours.claim(request);
      },
    };
    // The ledger starts empty for this domain: no claim of an earlier test.
    expect(await ours.getClaims([{ domain: 'race.com', expiryMs }])).toStrictEqual([]);
    await t.renew({ deps: { ledger } }).catch(() => undefined);
    expect(raced).toBe(true);
    const [stored] = await ours.getClaims([{ domain: 'race.com', expiryMs }]);
    expect(stored).toMatchObject({ batchId: 'rival-batch', status: 'CLAIMED' });
    // The rival run holds the claim and sends it: this run must not send it as well.
    expect(t.registrar.submissions().map((s) => s.domainName)).toStrictEqual([]);
    rival.destroy();
    ours.destroy();
  });

  test('a BatchWriteItem answered {} is not "every mark written": the ran-task mark check relies on is not durable', async () => {
    const ledger = proxiedLedger();
    const mark = `ran-task:T-${randomUUID().slice(0, 8)}`;
    // DynamoDB always answers BatchWriteItem with UnprocessedItems (`{}` when it wrote them all), as it answers
    // BatchGetItem with Responses.<table>: a `{}` is a gateway's answer, and nothing reached the table.
    faultOps = new Set(['BatchWriteItem']);
    faults = ['empty-object'];
    const put = await ledger.putMarks([mark], Date.UTC(2029, 11, 1)).then(
      () => 'resolved',
      () => 'rejected',
    );
    expect(seenOps()).toContain('BatchWriteItem empty-object');
    expect((await ledger.getMarks([mark])).has(mark)).toBe(false);
    // check's markRan leaves a batch open (its TaskNo "ours") only when putMarks rejects: it must not resolve here.
    expect(put).toBe('rejected');
    ledger.destroy();
  });

  test('a budget take answered {} is never granted unless the table counted it: two takes stay within the cap (M4)', async () => {
    const ledger = proxiedLedger();
    const budget = { name: `spend-${randomUUID().slice(0, 8)}`, period: '2029-12', cap: 10_000, nowMs: 0 };
    // A gateway answers the take's UpdateItem `{}` without passing it on: nothing was counted.
    faultOps = new Set(['UpdateItem']);
    faults = ['empty-object'];
    const first = await ledger.takeBudget({ ...budget, amount: 10_000 }).catch(() => 0);
    expect(seenOps()).toContain('UpdateItem empty-object');
    const second = await ledger.takeBudget({ ...budget, amount: 10_000 });
    // Whatever the first answer was, what the two takes granted together may not pass the cap.
    expect(first + second).toBeLessThanOrEqual(10_000);
    ledger.destroy();
  });

  test("a fresh claim's put answered {} is not a claim: the key stays free and a rival run claims it too (M1)", async () => {
    const ledger = proxiedLedger();
    const rival = createDynamoLedger({
      tableName: TABLE,
      clientConfig: { endpoint: dynamo.endpoint, region: 'us-east-1', credentials: CREDENTIALS },
    });
    const domain = `fresh-${randomUUID().slice(0, 8)}.com`;
    const expiryMs = Date.UTC(2030, 0, 1);
    const request = { domain, expiryMs, years: 1, nowMs: Date.UTC(2029, 11, 1), maxAttempts: 3 };
    // Run A claims a key nobody holds: its put-if-absent is answered `{}` by a gateway, never reaching the table.
    faultOps = new Set(['PutItem']);
    faults = ['empty-object'];
    // A refusal (a throw) is as good as `ok: false`: the run then sends nothing.
    const ours = await ledger
      .claim({ ...request, batchId: 'batch-a', attemptId: 'run-a/batch-a' })
      .catch(() => ({ ok: false as const }));
    expect(seenOps()).toContain('PutItem empty-object');
    // Run B then claims the same key, and gets it: the table never held A's claim.
    const theirs = await rival.claim({ ...request, batchId: 'batch-b', attemptId: 'run-b/batch-b' });
    expect(theirs.ok).toBe(true);
    // Both runs may not hold the key: one of them pays for a renewal the other pays for too.
    expect(ours.ok && theirs.ok).toBe(false);
    rival.destroy();
    ledger.destroy();
  });

  test('a versioned put (the TaskNo onto its batch) answered {} is not written (M2)', async () => {
    const ledger = proxiedLedger();
    const batchId = `b-${randomUUID().slice(0, 8)}`;
    const nowMs = Date.UTC(2029, 11, 1);
    const intent = await ledger.putBatchIntent({
      batchId,
      runId: 'run-a',
      attemptId: `run-a/${batchId}`,
      status: 'INTENT',
      entries: [{ domain: 'versioned.com', expiryMs: Date.UTC(2030, 0, 1), years: 1, permitPremium: false }],
      createdAtMs: nowMs,
      updatedAtMs: nowMs,
      pendingNotices: [],
      sentNotices: [],
    });
    faultOps = new Set(['PutItem']);
    faults = ['empty-object'];
    const saved = await ledger
      .saveBatch({ ...intent, status: 'SUBMITTED', taskNo: 'T-1', submittedAtMs: nowMs, updatedAtMs: nowMs })
      .then(
        () => 'resolved',
        () => 'rejected',
      );
    expect(seenOps()).toContain('PutItem empty-object');
    expect((await ledger.getBatch(batchId))?.taskNo).toBeUndefined();
    // Resolved, the run takes the TaskNo as recorded and writes it nowhere else (its claims, the ERROR line).
    expect(saved).toBe('rejected');
    ledger.destroy();
  });
});
