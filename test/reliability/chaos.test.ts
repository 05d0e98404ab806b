import type { RenderedMessage } from '../../lib/notify/port';
import { combineAccountParts } from '../../lib/renewal/account-digest';
import { describeViolations, runChaos } from '../helpers/chaos';
import { accountSections, alertedDomainsOf, failedKeysOf } from '../helpers/chaos-checks';

/**
 * Chaos suite (issue 9, bounded for `npm test`): simulated weeks of scheduled runs with duplicate deliveries,
 * overlapping renew runs, registrar faults (throttling, 5xx, lost responses, latency) and crashes at random
 * ledger/registrar/notifier calls. `npm run soak` runs the same scenario for simulated years.
 * Seed 3 reproduced the silent-lapse bug fixed in 75201ab (claims orphaned by a crash before the submit-start write).
 */
// The ledger: seed 3 (the silent-lapse regression) runs end to end on the DynamoDB adapter over dynalite; the other
// seeds and the control run on the in-memory ledger, which passes the same contract suite (test/helpers/
// ledger-contract.ts) and costs about a sixth of the CPU: their subject is the jobs under faults, not the adapter.
describe('chaos: money safety under faults, overlaps and crashes', () => {
  let registrarFaultsOfSeeds = 0;
  let seedsRun = 0;
  afterAll(() => {
    // Only when the seeds ran (not under a -t filter that picks another test of this file).
    if (seedsRun > 0) expect(registrarFaultsOfSeeds).toBeGreaterThan(0);
  });
  it.each<[number, 'dynalite' | 'memory']>([
    [3, 'dynalite'],
    [11, 'memory'],
    [2024, 'memory'],
  ])(
    'seed %i on the %s ledger: no duplicate, no lost task, no silent lapse, failures notified',
    async (seed, ledger) => {
      const report = await runChaos({ seed, days: 30, domains: 40, ledger });
      expect({ seed, violations: describeViolations(report), openAtEnd: report.openAtEnd }).toEqual({
        seed,
        violations: [],
        openAtEnd: 0,
      });
      // The scenario really exercised what it claims to.
      expect(report.renewals).toBeGreaterThanOrEqual(30);
      expect(report.crashes).toBeGreaterThan(5);
      // Faults of every kind, counted together: which request draws a fault depends on how overlapping runs' calls
      // interleave, so a seed is not replayed exactly. Seed 11 drew 1-6 errored and 0-6 lost per run, both 0 in 1 run
      // of 40 (a red `npm test`, 2026-12-06); seed 2024 drew 3-11 registrar faults in 12 runs and 0 in one CI run
      // (2026-12-07), with 9-16 ledger faults beside them. So each seed must draw some fault, registrar or ledger, and
      // the seeds together must draw registrar faults (afterAll).
      const { lost, errored, throttled } = report.faultsInjected;
      const registrarFaults = lost + errored + throttled + report.partial.executeThenFail;
      registrarFaultsOfSeeds += registrarFaults;
      seedsRun += 1;
      expect(registrarFaults + report.partial.ledgerFaults).toBeGreaterThan(0);
      expect(report.failureNotices).toBeGreaterThan(0);
    },
  );

  // Four simulated days are enough: with every renew overlapped, the broken claim already shows duplicates and
  // double renewals; the days beyond only re-proved it (20 days cost most of this file's time).
  it('fails when the claim condition is broken (test-only fault switch): duplicates are detected', async () => {
    const report = await runChaos({
      seed: 5,
      days: 4,
      domains: 40,
      overlapRate: 1,
      crashRate: 0,
      partialFaults: false,
      breakClaims: true,
      // No domain priced above the balance: an overlapping run's sends of those would count as committed spend and
      // hold every later purchase back (plan-listing.ts), hiding the broken claim this test is about.
      failingDomains: 0,
      ledger: 'memory',
    });
    expect(report.duplicates.length).toBeGreaterThan(0);
    expect(report.doubleRenewals.length).toBeGreaterThan(0);
    expect(describeViolations(report).join('\n')).toMatch(/duplicate submissions/);
  });

  // Two Alibaba accounts (issue: "The chaos suite runs with two accounts"): every scheduled run, duplicate and
  // overlapping deliveries included, runs both accounts through one accounts room, each part with its own crash
  // switch (sometimes one for the whole process); some days have a global daily cap, checked against what both
  // accounts submitted that day. Account b holds a few of the primary's names with the same
  // expiry (one failing only in the primary, one only in b): each is its own renewal in its own account.
  it('two accounts, seed 15 on the memory ledger: no violation in either account, both renew', async () => {
    const report = await runChaos({ seed: 15, days: 20, domains: 30, ledger: 'memory', accounts: 2 });
    expect({ violations: describeViolations(report), openAtEnd: report.openAtEnd }).toEqual({
      violations: [],
      openAtEnd: 0,
    });
    const [primary, b] = report.perAccount ?? [];
    expect([primary?.label, b?.label]).toEqual(['default', 'b']);
    // Both renew most of their 30 domains (4 in 5): crashes and faults are drawn per call from the seed, so a change
    // that adds or removes a ledger call moves them, and with them a few renewals past the 20 days (seeds 15-20:
    // 24-29 per account, never a violation, 2026-12-05).
    expect(primary?.renewals).toBeGreaterThanOrEqual(24);
    expect(b?.renewals).toBeGreaterThanOrEqual(24);
    // Failures were notified (each in its account's section: an uncredited failure is a violation above). How many
    // fall to each account varies between runs: the two accounts' requests interleave on one sandbox, whose fault
    // draws they share (1 run in ~12 gave one account none), so the count is over both.
    expect((primary?.failureNotices ?? 0) + (b?.failureNotices ?? 0)).toBeGreaterThan(0);
    expect(report.crashes).toBeGreaterThan(5);
    expect(report.processCrashes).toBeGreaterThan(0);
    // The global cap really held domains back for a later day (and was never exceeded: no violation above).
    expect(report.globalCap?.deferred).toBeGreaterThan(0);
  });

  it('fails when account b writes in the primary keyspace (test-only fault switch): the accounts are confused', async () => {
    const report = await runChaos({
      seed: 5,
      days: 6,
      domains: 30,
      crashRate: 0,
      partialFaults: false,
      ledger: 'memory',
      accounts: 2,
      sharedKeyspace: true,
    });
    const violations = describeViolations(report).join('\n');
    expect(violations).toMatch(/unnotified failures/);
    expect(violations).toMatch(/false renewed/);
  });

  it('credits a notice to the account whose section lists it, not to another account with the same name', () => {
    const failedIn = (domain: string): RenderedMessage => ({
      subject: 'renew: 1 failed',
      email: ['Failed (1):', `- ${domain}: expiry 2026-01-05 10:00 UTC, batch B-1, attempt 1`, ''].join('\n'),
      sms: 'failed',
      default: 'failed',
      event: 'failed',
      severity: 'alert',
    });
    const combined = combineAccountParts('renew', 'run-1', [
      { label: 'default' },
      { label: 'b', message: failedIn('x.com') },
    ]);
    if (!combined) throw new Error('no combined message');
    const sections = accountSections(combined);
    expect(sections.map((s) => s.label)).toEqual(['default', 'b']);
    const [a, b] = sections.map((s) => s.message) as [RenderedMessage, RenderedMessage];
    expect(failedKeysOf(a)).toEqual([]);
    expect(alertedDomainsOf(a)).toEqual([]);
    expect(failedKeysOf(b)).toEqual(['x.com|B-1']);
    expect(alertedDomainsOf(b)).toEqual(['x.com']);
  });
});
