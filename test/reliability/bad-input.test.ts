import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import fc from 'fast-check';
import { createAlibabaRegistrar } from '../../lib/alibaba';
import { ValidationError } from '../../lib/errors';
import { executeRenew } from '../../lib/jobs';
import { ensureTable } from '../../lib/ledger/create-table';
import { createDynamoLedger, type DynamoLedger } from '../../lib/ledger/dynamodb';
import { createLogger } from '../../lib/log';
import { parsePolicyText } from '../../lib/policy/load';
import type { JobDeps } from '../../lib/renewal/deps';
import { type FakeHttpServer, type FakeStep, startFakeHttp } from '../helpers/fake-http';
import { type LocalDynamo, startDynalite } from '../helpers/ledger-dynalite';
import { createCapturingNotifier, testPolicy } from '../helpers/world';

/** Bad input (issue 9): fuzzed policies, malformed registrar answers, hostile domain names. */

const VALID_POLICY = JSON.stringify({
  version: 1,
  window: { daysBeforeExpiry: 30, daysAfterExpiry: 5 },
  defaults: { renew: true, years: 1 },
  rules: [{ name: 'brand', match: ['*.example.com'], years: 2, coupon: 'C-1' }],
  limits: { maxDomainsPerRun: 10, maxBatchSize: 5 },
  notify: { events: ['failed'], smsEvents: ['failed'], stuckAfterHours: 24 },
});

describe('parsePolicyText fuzz: only ValidationError, never another exception', () => {
  const parseOrValidation = (text: string) => {
    try {
      parsePolicyText(text, 'fuzz.json');
    } catch (err) {
      expect(err).toBeInstanceOf(ValidationError);
    }
  };

  it('random text', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 200 }), parseOrValidation), { numRuns: 400 });
  });

  it('random JSON values', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 4 }), (v) => parseOrValidation(JSON.stringify(v))),
      { numRuns: 400 },
    );
  });

  it('mutations of a valid policy (characters deleted, inserted, replaced; values swapped)', () => {
    const mutation = fc.record({
      at: fc.nat({ max: VALID_POLICY.length }),
      cut: fc.nat({ max: 6 }),
      insert: fc.constantFrom('', '"', '{', '}', '[', ']', ',', ':', '-1', '1e999', 'null', '"x"', '\\u0000', '\ud800'),
    });
    fc.assert(
      fc.property(fc.array(mutation, { minLength: 1, maxLength: 4 }), (muts) => {
        let text = VALID_POLICY;
        for (const m of muts) text = text.slice(0, m.at) + m.insert + text.slice(m.at + m.cut);
        parseOrValidation(text);
      }),
      { numRuns: 600 },
    );
  });
});

const NOW = Date.UTC(2026, 3, 1);
const DAY_MS = 86_400_000;

function domainItem(name: string, days: number) {
  return {
    DomainName: name,
    InstanceId: `S-${name.length}`,
    ExpirationDateLong: NOW + days * DAY_MS,
    DomainStatus: '1',
    Premium: false,
  };
}

function page(items: unknown[], total = items.length) {
  return { RequestId: randomUUID(), TotalItemNum: total, TotalPageNum: 1, CurrentPageNum: 1, Data: { Domain: items } };
}

describe('renew against a registrar with malformed answers (scripted loopback server)', () => {
  let fake: FakeHttpServer;
  let dynamo: LocalDynamo;
  let client: DynamoDBDocumentClient;
  let ledger: DynamoLedger;

  beforeAll(async () => {
    dynamo = await startDynalite();
    client = DynamoDBDocumentClient.from(
      new DynamoDBClient({
        endpoint: dynamo.endpoint,
        region: 'us-east-1',
        credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      }),
      { marshallOptions: { removeUndefinedValues: true } },
    );
  });
  afterAll(async () => {
    client?.destroy();
    await dynamo?.stop();
  });
  beforeEach(async () => {
    fake = await startFakeHttp();
    const table = `bad-${randomUUID().slice(0, 8)}`;
    await ensureTable(client, table);
    ledger = createDynamoLedger({ tableName: table, client });
  });
  afterEach(() => fake.close());

  function deps(notifier = createCapturingNotifier()): JobDeps {
    const creds = { accessKeyId: 'fake-id', accessKeySecret: 'fake-secret' };
    return {
      registrar: createAlibabaRegistrar({
        endpoint: fake.url,
        credentials: { get: async () => creds, refresh: async () => creds },
        maxAttempts: 2,
        // Far above any answer of the loopback fake (no test here relies on the client's timeout): a stall of a
        // loaded machine must not turn into a retry or an ambiguous submit.
        timeoutMs: 30_000,
        qps: 10_000,
        sleep: async () => {},
      }),
      ledger,
      notifier,
      clock: { now: () => NOW },
      log: createLogger({ level: 'error', sink: () => {} }),
      metrics: () => {},
      newId: randomUUID,
      sleep: async () => {},
    };
  }

  /**
   * Answers by Action: listing from `listing`, submits from `submit` (default: a good TaskNo); the pre-flight's task
   * list is empty (nothing renewed elsewhere) and the price sources are refused (the policy's table prices).
   */
  function script(listing: () => FakeStep, submit?: () => FakeStep) {
    fake.respondWith((req) => {
      if (req.params.Action === 'QueryDomainList') return listing();
      if (req.params.Action === 'QueryTaskList') {
        return { body: { RequestId: randomUUID(), TotalItemNum: 0, TotalPageNum: 0, CurrentPageNum: 1, Data: {} } };
      }
      if (req.params.Action === 'SaveBatchTaskForCreatingOrderRenew') {
        return submit ? submit() : { body: { RequestId: randomUUID(), TaskNo: randomUUID() } };
      }
      return { status: 404, body: { RequestId: 'x', Code: 'InvalidAction', Message: 'not scripted' } };
    });
  }

  const saves = () => fake.requests.filter((r) => r.params.Action === 'SaveBatchTaskForCreatingOrderRenew').length;
  const priceTable = { com: 69 };
  const policy = testPolicy({ limits: { maxBatchSize: 5 }, money: { priceTable } });

  const badListings: [string, () => FakeStep][] = [
    ['truncated JSON', () => ({ body: JSON.stringify(page([domainItem('a.com', 3)])).slice(0, 60) })],
    ['not JSON at all', () => ({ body: '<html>502 Bad Gateway</html>' })],
    ['missing totals', () => ({ body: { RequestId: 'r', Data: { Domain: [domainItem('a.com', 3)] } } })],
    ['expiry as a string', () => ({ body: page([{ ...domainItem('a.com', 3), ExpirationDateLong: 'soon' }]) })],
    ['empty domain name', () => ({ body: page([{ ...domainItem('a.com', 3), DomainName: '' }]) })],
    ['Data.Domain not a list', () => ({ body: { ...page([]), TotalItemNum: 1, Data: { Domain: { x: 1 } } } })],
    ['totals disagree with the items', () => ({ body: page([domainItem('a.com', 3)], 5) })],
    ['a huge page count', () => ({ body: { ...page([domainItem('a.com', 3)], 1e9), TotalPageNum: 1e7 } })],
    ['null body', () => ({ body: 'null' })],
    ['lost connection', () => ({ destroy: true })],
  ];

  it.each(badListings)('listing with %s: the run fails safely and buys nothing', async (_name, listing) => {
    script(listing);
    const notifier = createCapturingNotifier();
    await expect(executeRenew(deps(notifier), { policy, dryRun: false })).rejects.toThrow();
    expect(saves()).toBe(0);
    expect(await ledger.listRecentBatches(10)).toEqual([]);
    // The operator hears about it.
    expect(notifier.sent.map((m) => m.event)).toEqual(['error']);
  });

  it('a task list that cannot be read (renewals made elsewhere unknown): nothing is bought, and people are told', async () => {
    fake.respondWith((req) => {
      if (req.params.Action === 'QueryDomainList') return { body: page([domainItem('a.com', 3)]) };
      if (req.params.Action === 'QueryTaskList') return { body: '<html>502 Bad Gateway</html>' };
      return { status: 404, body: { RequestId: 'x', Code: 'InvalidAction', Message: 'not scripted' } };
    });
    const notifier = createCapturingNotifier();
    await expect(executeRenew(deps(notifier), { policy, dryRun: false })).rejects.toThrow(/QueryTaskList/);
    expect(saves()).toBe(0);
    expect(await ledger.listRecentBatches(10)).toEqual([]);
    expect(notifier.sent.map((m) => m.event)).toEqual(['error']);
  });

  it('a huge page of 5 000 domains (over maxDomainsPerRun) is capped, each domain bought at most once', async () => {
    const items = Array.from({ length: 5_000 }, (_, i) => domainItem(`bulk${i}.com`, 1 + (i % 25)));
    script(() => ({ body: page(items) }));
    const run = await executeRenew(deps(), {
      policy: testPolicy({ limits: { maxDomainsPerRun: 30 }, money: { priceTable } }),
      dryRun: false,
    });
    expect(run.summary.submitted).toBe(30);
    const sent = fake.requests
      .filter((r) => r.params.Action === 'SaveBatchTaskForCreatingOrderRenew')
      .flatMap((r) => Object.entries(r.params).filter(([k]) => /^OrderRenewParam\.\d+\.DomainName$/.test(k)))
      .map(([, v]) => v);
    expect(sent).toHaveLength(30);
    expect(new Set(sent).size).toBe(30);
  });

  const badSubmits: [string, () => FakeStep][] = [
    ['no TaskNo', () => ({ body: { RequestId: 'r' } })],
    // A number is read as its digits (alibaba-client.test.ts); a boolean or a blank is no TaskNo.
    ['TaskNo of the wrong type', () => ({ body: { RequestId: 'r', TaskNo: true } })],
    ['a blank TaskNo', () => ({ body: { RequestId: 'r', TaskNo: '  ' } })],
    ['truncated body', () => ({ body: '{"RequestId":"r","TaskN' })],
    ['an HTML 502', () => ({ status: 502, body: '<html>bad gateway</html>' })],
    ['a lost answer', () => ({ destroy: true })],
  ];

  it.each(badSubmits)('submit answered with %s: recorded UNKNOWN, never resent', async (_name, submit) => {
    script(() => ({ body: page([domainItem('a.com', 3), domainItem('b.com', 4)]) }), submit);
    await executeRenew(deps(), { policy, dryRun: false }).catch(() => {});
    expect(saves()).toBe(1);
    const batches = await ledger.listRecentBatches(10);
    expect(batches).toHaveLength(1);
    expect(batches[0]?.status).toBe('UNKNOWN');
    const claims = await ledger.getClaims(batches[0]?.entries ?? []);
    expect(claims.map((c) => c.status)).toEqual(['UNKNOWN', 'UNKNOWN']);
    // A second run leaves the ambiguous claims alone.
    await executeRenew(deps(), { policy, dryRun: false }).catch(() => {});
    expect(saves()).toBe(1);
  });

  it('hostile domain names from the registrar never reach a notification raw', async () => {
    const hostile = [
      'evil.com\nSubject: you have been hacked',
      'ctl\u0007\u001b[31m.com',
      '<script>alert(1)</script>.com',
      'rtl\u202egpj.exe.com',
      'zero\u200bwidth.com',
    ];
    script(() => ({ body: page(hostile.map((n, i) => domainItem(n, 2 + i))) }));
    const notifier = createCapturingNotifier();
    await executeRenew(deps(notifier), { policy, dryRun: false }).catch(() => {});
    expect(notifier.sent.length).toBeGreaterThan(0);
    for (const m of notifier.sent) {
      for (const text of [m.subject, m.sms, m.default]) {
        expect(text).not.toMatch(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u);
      }
      for (const line of m.email.split('\n')) {
        expect(line).not.toMatch(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u);
        expect(line).not.toMatch(/^Subject:/);
      }
      expect(m.subject).toMatch(/^[\x20-\x7e]*$/);
    }
  });
});
