import fc from 'fast-check';
import type { Ledger } from '../../lib/ledger/port';
import { createLogger } from '../../lib/log';
import type { Policy } from '../../lib/policy/schema';
import { normalizeDomain } from '../../lib/registrar/domain-name';
import type { ListedDomain, Registrar } from '../../lib/registrar/port';
import { addYearsUtc, DAY_MS } from '../../lib/renewal/dates';
import { planRenewals } from '../../lib/renewal/plan';
import type { InFlightView } from '../../lib/renewal/plan-types';
import { runRenew } from '../../lib/renewal/run-renew';
import { type Sandbox, startSandbox } from '../../lib/sandbox';
import { signedCall } from '../helpers/sandbox-request';
import { testPolicy } from '../helpers/world';

/** Property tests (issue 9): planner invariants, dry runs never pay, signatures survive any parameter value. */

const NOW = Date.UTC(2026, 5, 15, 8, 30);

const domainArb: fc.Arbitrary<ListedDomain> = fc.record({
  // A small name space, so duplicate listings (the same name twice) happen too. Spelt as the registrar may spell
  // them, then normalised as the registrar port promises (so 'B.com' and 'b.com' are one domain listed twice).
  domainName: fc
    .constantFrom('a.com', 'B.com', 'b.com', 'c.cn', 'brand.example.cn', 'old-x.net', 'z.org', '例子.中国')
    .map(normalizeDomain),
  instanceId: fc.string(),
  expiresAtMs: fc.integer({ min: NOW - 80 * DAY_MS, max: NOW + 400 * DAY_MS }),
  standing: fc.constantFrom('renewal-due', 'redemption', 'normal', 'other'),
  premium: fc.boolean(),
  groupName: fc.constantFrom('Brand', 'Other'),
});

const policyArb: fc.Arbitrary<Policy> = fc
  .record({
    before: fc.integer({ min: 0, max: 365 }),
    after: fc.integer({ min: 0, max: 30 }),
    years: fc.integer({ min: 1, max: 9 }),
    ruleYears: fc.integer({ min: 1, max: 9 }),
    maxDomainsPerRun: fc.integer({ min: 1, max: 12 }),
    // Up to 3 years of headroom over the larger term: a policy whose term cannot fit is rejected by validation.
    headroom: fc.integer({ min: 0, max: 3 }),
    maxBatchSize: fc.integer({ min: 1, max: 5 }),
    allowPremium: fc.boolean(),
  })
  .map((p) =>
    testPolicy({
      // A window less than 2 days wide is refused by validation (a daily run may miss it).
      window: { daysBeforeExpiry: p.before, daysAfterExpiry: Math.max(2 - p.before, p.after) },
      defaults: { renew: true, years: p.years },
      rules: [
        { name: 'brand', match: ['*.example.cn'], years: p.ruleYears, coupon: 'C-1' },
        { name: 'com-promo', match: ['*.com'], promotion: 'P-9' },
        { name: 'voucher', groups: ['Brand'], coupon: 'C-2' },
        { name: 'lapse', match: ['old-*'], renew: false },
      ],
      limits: {
        maxDomainsPerRun: p.maxDomainsPerRun,
        maxYearsAhead: Math.min(10, Math.max(p.years, p.ruleYears) + 1 + p.headroom),
        maxBatchSize: p.maxBatchSize,
        allowPremium: p.allowPremium,
      },
    }),
  );

const inFlightArb = fc.array(
  fc.record({
    name: fc.constantFrom('a.com', 'b.com', 'c.cn'),
    status: fc.constantFrom<InFlightView['status']>('CLAIMED', 'SUBMITTED', 'RENEWED', 'FAILED', 'UNKNOWN'),
    attempts: fc.integer({ min: 0, max: 5 }),
  }),
  { maxLength: 3 },
);

describe('planner invariants (fast-check)', () => {
  it('one decision per listed domain; years, caps and batches within the policy', () => {
    fc.assert(
      fc.property(fc.array(domainArb, { maxLength: 30 }), policyArb, inFlightArb, (domains, policy, flights) => {
        const inFlight = new Map<string, InFlightView>();
        // In-flight entries for the listed (name, expiry) keys, so the ledger view really matters.
        for (const f of flights) {
          const d = domains.find((x) => x.domainName.toLowerCase() === f.name);
          if (d) inFlight.set(`${f.name}#${d.expiresAtMs}`, { status: f.status, attempts: f.attempts });
        }
        const plan = planRenewals({ domains, policy, inFlight, nowMs: NOW });
        const { limits } = policy;
        expect(plan.decisions).toHaveLength(domains.length);
        for (const d of domains) expect(plan.decisions.filter((x) => x.domain === d)).toHaveLength(1);

        const renewing = plan.decisions.filter((d) => d.action === 'renew');
        expect(renewing.length).toBeLessThanOrEqual(limits.maxDomainsPerRun);
        expect(new Set(renewing.map((d) => d.domain.domainName.toLowerCase())).size).toBe(renewing.length);
        const cap = addYearsUtc(NOW, limits.maxYearsAhead);
        for (const d of renewing) {
          expect(Number.isInteger(d.years)).toBe(true);
          expect(d.years).toBeGreaterThanOrEqual(1);
          expect(d.years).toBeLessThanOrEqual(10);
          expect(addYearsUtc(d.domain.expiresAtMs, d.years ?? 0)).toBeLessThanOrEqual(cap);
          expect(d.reason).toBe('due');
          if (d.domain.premium) expect(limits.allowPremium).toBe(true);
          const flight = inFlight.get(`${d.domain.domainName.toLowerCase()}#${d.domain.expiresAtMs}`);
          if (flight) expect(flight.status).toBe('FAILED');
        }
        expect(plan.batches.reduce((n, b) => n + b.items.length, 0)).toBe(renewing.length);
        for (const b of plan.batches) {
          expect(b.items.length).toBeGreaterThan(0);
          expect(b.items.length).toBeLessThanOrEqual(limits.maxBatchSize);
          for (const item of b.items) {
            expect(item.action).toBe('renew');
            expect(item.couponNo).toBe(b.couponNo);
            expect(item.promotionNo).toBe(b.promotionNo);
            expect(!!item.permitPremium).toBe(b.permitPremium);
          }
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('dry run never pays (fast-check)', () => {
  it('for any portfolio and policy, a dry run makes no paid call and no ledger write (reads are free)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(domainArb, { maxLength: 20 }), policyArb, async (domains, policy) => {
        const calls: string[] = [];
        const registrar: Registrar = {
          listDomains: async () => domains,
          getDomain: async () => {
            throw new Error('not expected');
          },
          submitRenewBatch: async () => {
            calls.push('submitRenewBatch');
            return { taskNo: 'T', requestId: 'R' };
          },
          listTasks: async () => [],
          listTaskDetails: async () => [],
        };
        const record = (name: string) => async (): Promise<never> => {
          calls.push(name);
          throw new Error(`${name} must not be called in a dry run`);
        };
        const ledger: Ledger = {
          getClaims: async () => [],
          putBatchIntent: record('putBatchIntent'),
          saveBatch: record('saveBatch'),
          getBatch: async () => undefined,
          listOpenBatches: async () => [],
          listRecentBatches: async () => [],
          claim: record('claim'),
          saveClaim: record('saveClaim'),
          listClaimsForDomain: async () => [],
          listLiveClaims: async () => [],
          takeBudget: record('takeBudget'),
          returnBudget: record('returnBudget'),
          getMarks: async () => new Map(),
          putMarks: record('putMarks'),
          recordRun: record('recordRun'),
          lastRuns: async () => [],
          lastRun: async () => undefined,
          putHolds: record('putHolds'),
          deleteHold: record('deleteHold'),
          listHolds: async () => [],
          readWatch: async () => [],
          changeWatch: record('changeWatch'),
          readInventory: async () => undefined,
          readInventoryTakenAt: async () => undefined,
          putInventory: record('putInventory'),
        };
        const run = await runRenew(
          {
            registrar,
            ledger,
            notifier: { publish: record('publish') },
            clock: { now: () => NOW },
            log: createLogger({ level: 'error', sink: () => {} }),
            metrics: () => {},
            newId: () => 'id',
            sleep: async () => {},
          },
          { policy, dryRun: true, runId: 'dry' },
        );
        expect(calls).toEqual([]);
        expect(run.summary.submitted).toBe(0);
        expect(run.summary.dryRun).toBe(true);
      }),
      { numRuns: 150 },
    );
  });
});

describe('signature round trip against the sandbox verifier (fast-check)', () => {
  let sandbox: Sandbox;
  beforeAll(async () => {
    sandbox = await startSandbox({ domains: 3 });
  });
  afterAll(() => sandbox?.close());

  const value = fc.oneof(
    fc.string({ unit: 'binary', maxLength: 20 }),
    fc.string({ unit: 'grapheme', maxLength: 20 }),
    fc.constantFrom('', ' ', '&=+/%*~', '%20', 'a+b', '中文', '😀', '\'"<>', '\u0000'),
  );
  const key = fc.stringMatching(/^X[A-Za-z0-9._~-]{0,12}$/);

  it('any parameter values (unicode, reserved characters, empty) verify with GET and POST', async () => {
    await fc.assert(
      fc.asyncProperty(fc.dictionary(key, value, { maxKeys: 6 }), fc.boolean(), async (params, post) => {
        const before = sandbox.state().requests.authFailed;
        const res = await signedCall(
          sandbox,
          'QueryDomainList',
          { PageNum: 1, PageSize: 5, ...params },
          {
            method: post ? 'POST' : 'GET',
          },
        );
        const code = res.body?.Code as string | undefined;
        expect({ code, params }).not.toMatchObject({ code: expect.stringMatching(/Signature|Incomplete/) });
        expect(sandbox.state().requests.authFailed).toBe(before);
      }),
      { numRuns: 80 },
    );
  });
});
