import { randomUUID } from 'node:crypto';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ensureTable } from '../../lib/ledger/create-table';
import { createDynamoLedger } from '../../lib/ledger/dynamodb';
import type { Ledger } from '../../lib/ledger/port';
import { given } from '../helpers/builder';
import { createLocalDocumentClient } from '../helpers/ledger-contract';
import { type LocalDynamo, startDynalite } from '../helpers/ledger-dynalite';

/**
 * The ledger over its own HTTP client, against dynalite behind a loopback proxy that answers chosen operations
 * with a 200 of an unexpected shape (a gateway, a cut-down stand-in) instead of forwarding them.
 */
type Fault = 'pass' | 'empty-object';

let dynamo: LocalDynamo;
let proxy: Server;
let proxyUrl: string;
/** Per operation (x-amz-target's suffix): the faults its next requests take, in order. */
const faults = new Map<string, Fault[]>();
const seen: string[] = [];
const TABLE = 'http-partial';
const CREDENTIALS = { accessKeyId: 'AKIAHTTPPARTIALTEST1', secretAccessKey: 'http-partial-secret' };

function forward(headers: Record<string, unknown>, body: Buffer): Promise<{ status: number; text: string }> {
  const target = new URL(dynamo.endpoint);
  return new Promise((resolve, reject) => {
    const req = request(
      { hostname: target.hostname, port: target.port, method: 'POST', path: '/', headers: headers as never },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString() }));
      },
    );
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
      const op = target.slice(target.indexOf('.') + 1);
      const fault = faults.get(op)?.shift() ?? 'pass';
      seen.push(`${op} ${fault}`);
      if (fault === 'empty-object') {
        res.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' });
        res.end('{}');
        return;
      }
      const answer = await forward(req.headers, Buffer.concat(chunks));
      res.writeHead(answer.status, { 'content-type': 'application/x-amz-json-1.0' });
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
  faults.clear();
  seen.length = 0;
});

function proxiedLedger() {
  return createDynamoLedger({
    tableName: TABLE,
    clientConfig: { endpoint: proxyUrl, region: 'us-east-1', credentials: CREDENTIALS, sleep: async () => {} },
  });
}

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
    faults.set('UpdateItem', ['empty-object']);
    const second = await ledger.claim({ ...request, batchId: 'batch-b', attemptId: 'run-b/batch-b' });
    expect(seen).toContain('UpdateItem empty-object');
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
          faults.set('UpdateItem', ['empty-object']);
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
    faults.set('BatchWriteItem', ['empty-object']);
    const put = await ledger.putMarks([mark], Date.UTC(2029, 11, 1)).then(
      () => 'resolved',
      () => 'rejected',
    );
    expect(seen).toContain('BatchWriteItem empty-object');
    expect((await ledger.getMarks([mark])).has(mark)).toBe(false);
    // check's markRan leaves a batch open (its TaskNo "ours") only when putMarks rejects: it must not resolve here.
    expect(put).toBe('rejected');
    ledger.destroy();
  });

  test('a budget take answered {} is never granted unless the table counted it: two takes stay within the cap (M4)', async () => {
    const ledger = proxiedLedger();
    const budget = { name: `spend-${randomUUID().slice(0, 8)}`, period: '2029-12', cap: 10_000, nowMs: 0 };
    // A gateway answers the take's UpdateItem `{}` without passing it on: nothing was counted.
    faults.set('UpdateItem', ['empty-object']);
    const first = await ledger.takeBudget({ ...budget, amount: 10_000 }).catch(() => 0);
    expect(seen).toContain('UpdateItem empty-object');
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
    faults.set('PutItem', ['empty-object']);
    // A refusal (a throw) is as good as `ok: false`: the run then sends nothing.
    const ours = await ledger
      .claim({ ...request, batchId: 'batch-a', attemptId: 'run-a/batch-a' })
      .catch(() => ({ ok: false as const }));
    expect(seen).toContain('PutItem empty-object');
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
    faults.set('PutItem', ['empty-object']);
    const saved = await ledger
      .saveBatch({ ...intent, status: 'SUBMITTED', taskNo: 'T-1', submittedAtMs: nowMs, updatedAtMs: nowMs })
      .then(
        () => 'resolved',
        () => 'rejected',
      );
    expect(seen).toContain('PutItem empty-object');
    expect((await ledger.getBatch(batchId))?.taskNo).toBeUndefined();
    // Resolved, the run takes the TaskNo as recorded and writes it nowhere else (its claims, the ERROR line).
    expect(saved).toBe('rejected');
    ledger.destroy();
  });
});
