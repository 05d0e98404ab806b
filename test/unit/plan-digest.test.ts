import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { executeRenew } from '../../lib/jobs';
import { createLogger } from '../../lib/log';
import type { RenderedMessage } from '../../lib/notify/port';
import { parsePolicyText } from '../../lib/policy/load';
import { DAY_MS } from '../../lib/renewal/dates';
import { MAX_EMAIL_BYTES } from '../../lib/renewal/digest';
import { planRenewals } from '../../lib/renewal/plan';
import { notBought, renderPlanDigest } from '../../lib/renewal/plan-digest';
import { listedDomain as domain } from '../helpers/builder';

const NOW = Date.UTC(2026, 10, 29);

const policy = parsePolicyText(
  JSON.stringify({
    version: 1,
    notify: { advanceDays: 0 },
    rules: [
      { name: 'brand', match: ['brand.com'], years: 3, coupon: 'C-1' },
      { name: 'legacy', match: ['old.net'], renew: false },
    ],
  }),
  'p.json',
);
const domains = [
  domain('brand.com', NOW + 5 * DAY_MS),
  domain('plain.com', NOW + 10 * DAY_MS),
  domain('old.net', NOW + 3 * DAY_MS),
  domain('shiny.com', NOW + 8 * DAY_MS, { premium: true }),
  domain('gone.org', NOW - 45 * DAY_MS),
  domain('later.net', NOW + 100 * DAY_MS),
];
const plan = planRenewals({ policy, nowMs: NOW, inFlight: new Map(), domains });

describe('renderPlanDigest', () => {
  const msg = renderPlanDigest(plan, { runId: 'run-1' });

  test('a plan too big for one email is cut to fit, with a count and the totals kept (review 2026-12-04)', () => {
    // 3 000 due domains rendered ~600 KB; SNS refused it and the first dry run of a big portfolio said nothing.
    const many = Array.from({ length: 3000 }, (_, i) => domain(`due-${i}.com`, NOW + (1 + (i % 20)) * DAY_MS));
    const big = renderPlanDigest(planRenewals({ policy, nowMs: NOW, inFlight: new Map(), domains: many }), {
      runId: 'run-big',
    });
    expect(Buffer.byteLength(JSON.stringify(big.email))).toBeLessThanOrEqual(MAX_EMAIL_BYTES);
    expect(big.email).toMatch(/^\.\.\. \d+ more line\(s\) not listed here: run `autorenew plan` for the whole plan$/m);
    expect(big.email).toMatch(/^Totals: listed 3000, would renew \d+ /m);
    expect(big.email).toMatch(/To go live, deploy with dryRun=false/);
  });

  test('subject is marked DRY RUN with the totals; never an alert', () => {
    expect(msg.subject).toBe('[autorenew] DRY RUN: would renew 2 domains (4 years), 3 due not renewed');
    expect(msg.severity).toBe('info');
    expect(msg.sms).toMatch(/^autorenew DRY RUN: would renew 2 domain\(s\), 4 year\(s\)/);
  });

  test('every domain to buy with years, coupon and batch; every due domain not bought with its reason', () => {
    const lines = msg.email.split('\n');
    expect(lines[0]).toBe('DRY RUN: nothing was bought. This is what a real renew run would do.');
    expect(lines).toContain('Would renew: 2 domains, 4 years in total, in 2 batches');
    expect(lines).toContain('  Batch 0: 1 domain, 3 years, coupon C-1, promotion none');
    expect(lines).toContain('    brand.com  expires 2026-12-04 (5 days)  3 years  rule brand');
    expect(lines).toContain('  Batch 1: 1 domain, 1 year, coupon none, promotion none');
    expect(lines).toContain('    plain.com  expires 2026-12-09 (10 days)  1 year');
    expect(lines).toContain('Due but not renewed: 3');
    expect(lines).toContainEqual(
      expect.stringMatching(/^ {2}old\.net .*opted-out: the matching rule says renew: false {2}rule legacy$/),
    );
    expect(lines).toContainEqual(expect.stringMatching(/^ {2}shiny\.com .*premium: /));
    expect(lines).toContainEqual(expect.stringMatching(/^ {2}gone\.org .*redemption: /));
    // Not due: counted, not listed one by one.
    expect(msg.email).not.toContain('later.net');
    expect(lines).toContainEqual(
      expect.stringMatching(/^Totals: listed 6, would renew 2 \(4 years\) in 2 batches, due not renewed 3, not due 1 /),
    );
    expect(notBought(plan).map((d) => d.domain.domainName)).toEqual(['gone.org', 'old.net', 'shiny.com']);
  });

  test('registrar text cannot forge lines', () => {
    const evil = planRenewals({
      policy,
      nowMs: NOW,
      inFlight: new Map(),
      domains: [domain('evil.com\nSubject: paid', NOW + 2 * DAY_MS)],
    });
    const m = renderPlanDigest(evil, { runId: 'r' });
    expect(m.email.split('\n').some((l) => l.startsWith('Subject'))).toBe(false);
  });

  test('the renderer stays off the paid path (plans are free)', () => {
    const src = readFileSync(resolve(__dirname, '../../lib/renewal/plan-digest.ts'), 'utf8');
    expect(src).not.toMatch(/from '\.\/submit'/);
  });
});

test('max-attempts domains: the digest names the retry command', () => {
  const stuck = planRenewals({
    policy,
    nowMs: NOW,
    inFlight: new Map([[`plain.com#${NOW + 10 * DAY_MS}`, { status: 'FAILED', attempts: 9 }]]),
    domains,
  });
  const m = renderPlanDigest(stuck, { runId: 'r' });
  expect(m.email).toMatch(/^ {2}plain\.com .*max-attempts: /m);
  expect(m.email).toContain('run: autorenew retry plain.com (or --all-failed)');
});

describe('executeRenew with dryRun publishes the plan digest', () => {
  test('one DRY RUN message, nothing paid, no claim written', async () => {
    const sent: RenderedMessage[] = [];
    const calls: string[] = [];
    const never = (name: string) => async () => {
      calls.push(name);
      throw new Error(`${name} must not be called on a dry run`);
    };
    const run = await executeRenew(
      {
        registrar: {
          listDomains: async () => domains,
          listTasks: async () => [],
          quoteRenewals: async (items: { domainName: string }[]) => ({
            quotes: items.map((i) => ({
              domainName: i.domainName,
              perYear: { minor: 7900, currency: 'CNY' },
              source: 'realtime',
            })),
            unpriced: [],
            unavailable: [],
          }),
          renewBatch: never('renewBatch'),
        } as never,
        ledger: {
          listOpenBatches: async () => [],
          listHolds: async () => [],
          getClaims: async () => [],
          listClaimsForDomain: async () => [],
          getBatch: async () => undefined,
          getMarks: async () => new Set(),
          recordRun: async () => {},
          claim: never('claim'),
        } as never,
        notifier: {
          publish: async (m) => {
            sent.push(m);
            return {};
          },
        },
        clock: { now: () => NOW },
        log: createLogger({ level: 'error', sink: () => {} }),
        metrics: () => {},
        newId: () => 'id',
        sleep: async () => {},
      },
      { policy, dryRun: true, runId: 'dry-1' },
    );
    expect(calls).toEqual([]);
    expect(run.summary.submitted).toBe(0);
    expect(sent).toHaveLength(1);
    expect(sent[0]?.subject).toMatch(/^\[autorenew\] DRY RUN: would renew 2 domains/);
    expect(sent[0]?.email).toContain('run dry-1');
  });
});
