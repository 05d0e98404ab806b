import { createAlibabaBilling, createAlibabaRegistrar } from '../../lib/alibaba';
import { createCaller } from '../../lib/alibaba/call';
import { buildBilling, buildCredentials } from '../../lib/compose/adapters';
import { readConfig } from '../../lib/config';
import { AuthRejectedError, RejectedFinalError } from '../../lib/errors';
import { createHttpPost } from '../../lib/http-post';
import type { QuoteAnswer, QuoteRequest, Registrar } from '../../lib/registrar/port';
import { type Sandbox, type SandboxFaults, type SandboxOptions, startSandbox } from '../../lib/sandbox';

const DAY_MS = 86_400_000;
const NOW = Date.UTC(2026, 5, 1);

let sandbox: Sandbox;

function credentialsOf(sb: Sandbox, readOnly = false) {
  const creds = readOnly
    ? { accessKeyId: sb.readOnlyAccessKeyId, accessKeySecret: sb.readOnlyAccessKeySecret }
    : { accessKeyId: sb.accessKeyId, accessKeySecret: sb.accessKeySecret };
  return { get: async () => creds, refresh: async () => creds };
}

function registrarFor(sb: Sandbox, extra: { quoteChunkSize?: number; readOnly?: boolean } = {}): Registrar {
  return createAlibabaRegistrar({
    endpoint: sb.url,
    credentials: credentialsOf(sb, extra.readOnly),
    timeoutMs: 30_000,
    qps: 1000,
    sleep: async () => {},
    ...(extra.quoteChunkSize ? { quoteChunkSize: extra.quoteChunkSize } : {}),
  });
}

function billingFor(sb: Sandbox, readOnly = false) {
  return createAlibabaBilling({
    endpoint: sb.url,
    credentials: credentialsOf(sb, readOnly),
    timeoutMs: 30_000,
    qps: 1000,
    sleep: async () => {},
  });
}

async function start(options: SandboxOptions = {}): Promise<Sandbox> {
  sandbox = await startSandbox({
    nowMs: NOW,
    freezeClock: true,
    taskMs: 1000,
    fixture: {
      domains: [
        { domainName: 'alpha.com', expiresAtMs: NOW + 60 * DAY_MS, autoRenewEnabled: false },
        { domainName: 'beta.cn', expiresAtMs: NOW + 60 * DAY_MS },
        { domainName: 'gold.com', expiresAtMs: NOW + 60 * DAY_MS, premium: true, price: 1388.88 },
        { domainName: 'odd.xyz', expiresAtMs: NOW + 60 * DAY_MS, price: 16.22 },
        { domainName: 'auto.org', expiresAtMs: NOW + 60 * DAY_MS, autoRenewEnabled: true },
        // Expired 40 days ago: in redemption, so not renewable (Avail 0).
        { domainName: 'old.net', expiresAtMs: NOW - 40 * DAY_MS },
      ],
    },
    ...options,
  });
  return sandbox;
}

afterEach(() => sandbox?.close());

const FIVE: QuoteRequest[] = ['alpha.com', 'beta.cn', 'gold.com', 'odd.xyz', 'auto.org'].map((domainName) => ({
  domainName,
  premium: domainName === 'gold.com',
}));

function priced(answer: QuoteAnswer): Record<string, string> {
  return Object.fromEntries(
    answer.quotes.map((q) => [q.domainName, `${q.perYear.minor} ${q.perYear.currency} ${q.source}`]),
  );
}

function requestsOf(action: string): number {
  return sandbox.state().requests[action] ?? 0;
}

describe('quoteRenewals against the sandbox', () => {
  it('prices from QueryDomainRealTimePrice exactly (premium, .cn, decimals); Avail 0 and strangers stay unpriced', async () => {
    await start();
    const answer = await registrarFor(sandbox).quoteRenewals!(
      [...FIVE, { domainName: 'old.net', premium: false }, { domainName: 'not-mine.com', premium: false }],
      'CNY',
    );
    expect(priced(answer)).toEqual({
      'alpha.com': '6900 CNY realtime',
      'beta.cn': '3900 CNY realtime',
      'gold.com': '138888 CNY realtime',
      'odd.xyz': '1622 CNY realtime',
      'auto.org': '8500 CNY realtime',
    });
    expect(answer.unavailable).toEqual([]);
    expect(answer.unpriced.map((u) => u.domainName).sort()).toEqual(['not-mine.com', 'old.net']);
    expect(answer.unpriced.find((u) => u.domainName === 'old.net')?.why).toMatch(/Avail 0 \(不可续费\)/);
    expect(answer.unpriced.find((u) => u.domainName === 'not-mine.com')?.why).toMatch(/CheckDomain: no renew price/);
    // One realtime request for all seven; CheckDomain only for the two it did not price.
    expect(requestsOf('QueryDomainRealTimePrice')).toBe(1);
    expect(requestsOf('CheckDomain')).toBe(2);
  });

  it.each([
    ['QueryDomainRealTimePrice', {}, 'realtime'],
    // A premium name is priced by CheckDomain's Price only, with money.checkDomainPrice "use" (not its static row).
    ['CheckDomain', { faults: { refusals: { QueryDomainRealTimePrice: 'InvalidAction' as const } } }, 'checkdomain'],
  ])('a quote from %s carries its Premium flag: only gold.com is premium', async (_action, options, source) => {
    await start(options);
    const answer = await registrarFor(sandbox).quoteRenewals!(FIVE, 'CNY', { useCheckDomainPrice: true });
    expect(answer.quotes.map((q) => q.source)).toEqual(FIVE.map(() => source));
    expect(answer.quotes.filter((q) => q.premium).map((q) => q.domainName)).toEqual(['gold.com']);
  });

  it('chunks the realtime requests: quoteChunkSize 2 over 5 domains is 3 requests', async () => {
    await start();
    const answer = await registrarFor(sandbox, { quoteChunkSize: 2 }).quoteRenewals!(FIVE, 'CNY');
    expect(answer.quotes).toHaveLength(5);
    expect(requestsOf('QueryDomainRealTimePrice')).toBe(3);
    expect(requestsOf('CheckDomain')).toBe(0);
  });

  it.each([
    // A Forbidden answer is an auth refusal: the caller re-reads the credentials and resends once (lib/alibaba/call.ts).
    ['InvalidAction', 'InvalidAction.NotFound', 1],
    ['Forbidden', 'Forbidden.RAM', 2],
    ['SuccessFalse', '3002', 1],
  ] as const)(
    'realtime refused (%s): refused with %s: at most one realtime request per call, then CheckDomain for every domain',
    async (how, code, sent) => {
      await start({ faults: { refusals: { QueryDomainRealTimePrice: how } } });
      const answer = await registrarFor(sandbox, { quoteChunkSize: 2 }).quoteRenewals!(FIVE, 'CNY');
      expect(priced(answer)).toEqual({
        'alpha.com': '6900 CNY checkdomain',
        'beta.cn': '3900 CNY checkdomain',
        'odd.xyz': '1622 CNY checkdomain',
        'auto.org': '8500 CNY checkdomain',
      });
      expect(answer.unavailable).toEqual([{ source: 'realtime', code, message: expect.any(String) }]);
      // The premium name: not from the static renew row (an ordinary price at the registrar, UNCONFIRMED), and its
      // Price only with money.checkDomainPrice "use" (review 2026-12-07).
      expect(answer.unpriced).toEqual([
        expect.objectContaining({
          domainName: 'gold.com',
          premium: true,
          why: expect.stringMatching(
            /premium name is not priced from its static \(ordinary\) renew row; its Price \(1388\.88\)/,
          ),
        }),
      ]);
      expect(requestsOf('QueryDomainRealTimePrice')).toBe(sent);
      expect(requestsOf('CheckDomain')).toBe(5);
    },
  );

  it('both sources off: every domain unpriced, both listed once in unavailable, one request each', async () => {
    const faults: SandboxFaults = { refusals: { QueryDomainRealTimePrice: 'SuccessFalse', CheckDomain: 'Forbidden' } };
    await start({ faults });
    const answer = await registrarFor(sandbox, { quoteChunkSize: 2 }).quoteRenewals!(FIVE, 'CNY');
    expect(answer.quotes).toEqual([]);
    expect(answer.unpriced.map((u) => u.domainName)).toEqual(FIVE.map((f) => f.domainName));
    for (const u of answer.unpriced) expect(u.why).toMatch(/realtime unavailable.*checkdomain unavailable/);
    expect(answer.unavailable.map((u) => [u.source, u.code])).toEqual([
      ['realtime', '3002'],
      ['checkdomain', 'Forbidden.RAM'],
    ]);
    expect(requestsOf('QueryDomainRealTimePrice')).toBe(1);
    // Forbidden: one resend after re-reading the credentials (the caller's auth rule), then skipped for the call.
    expect(requestsOf('CheckDomain')).toBe(2);
  });

  it('never uses a price in another currency: a USD account asked for CNY prices nothing; asked USD, it does', async () => {
    await start({ currency: 'USD' });
    const registrar = registrarFor(sandbox);
    const inCny = await registrar.quoteRenewals!(FIVE.slice(0, 2), 'CNY');
    expect(inCny.quotes).toEqual([]);
    expect(inCny.unpriced[0]?.why).toMatch(/answered in USD, not the CNY asked for/);
    const inUsd = await registrar.quoteRenewals!(FIVE.slice(0, 2), 'usd');
    expect(priced(inUsd)).toEqual({ 'alpha.com': '6900 USD realtime', 'beta.cn': '3900 USD realtime' });
  });

  it('the read-only key may quote (a free read)', async () => {
    await start();
    const answer = await registrarFor(sandbox, { readOnly: true }).quoteRenewals!(FIVE.slice(0, 1), 'CNY');
    expect(priced(answer)).toEqual({ 'alpha.com': '6900 CNY realtime' });
  });
});

describe('listDomains: AutoRenewEnabled', () => {
  it('maps the flag when the registrar sends it, and leaves it absent when it does not', async () => {
    await start();
    const listed = new Map((await registrarFor(sandbox).listDomains({})).map((d) => [d.domainName, d]));
    expect(listed.get('auto.org')?.autoRenewEnabled).toBe(true);
    expect(listed.get('alpha.com')?.autoRenewEnabled).toBe(false);
    expect(listed.get('beta.cn')).not.toHaveProperty('autoRenewEnabled');
  });
});

describe('readBalance (BSS QueryAccountBalance 2017-12-14) against the sandbox', () => {
  it('reads the cash balance exactly, and sees renew tasks debit it', async () => {
    await start({ balance: 1000.5 });
    const billing = billingFor(sandbox);
    const before = await billing.readBalance();
    expect(before.availableCash).toEqual({ minor: 100050, currency: 'CNY' });
    expect(before.requestId).toEqual(expect.any(String));
    await registrarFor(sandbox).submitRenewBatch({
      items: [{ domainName: 'odd.xyz', years: 2, currentExpiryMs: NOW + 60 * DAY_MS, permitPremium: false }],
    });
    sandbox.setClock({ advanceMs: 10_000 });
    expect((await billing.readBalance()).availableCash).toEqual({ minor: 100050 - 2 * 1622, currency: 'CNY' });
    expect(requestsOf('QueryAccountBalance')).toBe(2);
  });

  it('a local run against a loopback sandbox reads the balance from the sandbox itself (config + buildBilling)', async () => {
    await start({ balance: 42.42 });
    const env = {
      AUTORENEW_ENDPOINT: sandbox.url,
      ALIBABA_CLOUD_ACCESS_KEY_ID: sandbox.accessKeyId,
      ALIBABA_CLOUD_ACCESS_KEY_SECRET: sandbox.accessKeySecret,
    };
    const billing = buildBilling(readConfig(env), buildCredentials(readConfig(env), env));
    expect((await billing.readBalance()).availableCash).toEqual({ minor: 4242, currency: 'CNY' });
  });

  it('reads a negative balance and an account in another currency; the read-only key may read it', async () => {
    await start({ balance: -11.19 });
    expect((await billingFor(sandbox, true).readBalance()).availableCash).toEqual({ minor: -1119, currency: 'CNY' });
    await sandbox.close();
    await start({ balance: 20, currency: 'JPY' });
    expect((await billingFor(sandbox).readBalance()).availableCash).toEqual({ minor: 20, currency: 'JPY' });
  });

  it.each([
    ['Forbidden', AuthRejectedError, 'Forbidden.RAM', 2],
    ['InvalidAction', RejectedFinalError, 'InvalidAction.NotFound', 1],
    ['SuccessFalse', RejectedFinalError, 'NotApplicable', 1],
  ] as const)('balance refused (%s): a typed error, no AccessKeyId in it', async (how, type, code, sent) => {
    await start({ faults: { refusals: { QueryAccountBalance: how } } });
    const error = await billingFor(sandbox)
      .readBalance()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(type);
    expect((error as RejectedFinalError).code).toBe(code);
    expect(String((error as Error).message)).not.toContain(sandbox.accessKeyId);
    expect(requestsOf('QueryAccountBalance')).toBe(sent);
  });

  it.each([
    ['2017-12-14', 'QueryDomainList', 'InvalidAction.NotFound'],
    ['2018-01-29', 'QueryAccountBalance', 'InvalidAction.NotFound'],
    ['2099-01-01', 'QueryAccountBalance', 'NoSuchVersion'],
  ])('the sandbox routes by Version: %s %s is refused (%s)', async (version, action, code) => {
    await start();
    const caller = createCaller({
      endpoint: sandbox.url,
      version,
      credentials: credentialsOf(sandbox),
      timeoutMs: 30_000,
      maxAttempts: 1,
      limiter: { acquire: async () => {} },
      post: createHttpPost().post,
      sleep: async () => {},
      random: () => 0,
      now: Date.now,
    });
    const error = await caller.call({ action, params: {}, parse: (b) => b, paid: false }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RejectedFinalError);
    expect((error as RejectedFinalError).code).toBe(code);
  });
});
