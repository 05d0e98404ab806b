import { RejectedRetryableError } from '../../lib/errors';
import { executeCheck, executeRenew } from '../../lib/jobs';
import { reportRunFailure } from '../../lib/jobs/report-run';
import type { RenderedMessage } from '../../lib/notify/port';
import { given } from '../helpers/builder';
import { alertedDomainsOf } from '../helpers/chaos-checks';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/**
 * Found by the money soak (review 2026-12-07, twenty-eighth session: a randomized soak of M1/M4, seeds 615 and
 * others): a renew run that fails
 * before its plan is made names no domain. Its "job error" alert says "if a domain expires before then, run renew
 * again once the cause is fixed" without saying which domain, and the hourly check names none either: it has the
 * watch list of every domain a run found due or announced (renewal/watch.ts), but says nothing of it, and its
 * "renew has not run for 36 hours" line counts a failed run as a run (jobs/check.ts readRenewSilence reads
 * lastRun('renew'), which reportRunFailure writes with ok: false). When the failing runs are the last ones before a
 * domain's expiry, the domain lapses without its name in any alert: README "Money safety" 6, "Nothing lapses
 * silently". Now the alert of a renew run that failed before its plan names the watched renewals expiring within two
 * days (report-run.ts readWatchedLapsing), as urgent look-first lines; and check's silence line counts only a run that
 * completed (twenty-ninth session: RunRecord.lastCompletedAtMs).
 */

async function schedule(
  t: Awaited<ReturnType<typeof given>>,
  untilMs: number,
): Promise<{ atMs: number; message: RenderedMessage }[]> {
  const published: { atMs: number; message: RenderedMessage }[] = [];
  const deps = () =>
    t.deps({
      notifier: {
        publish: async (message) => {
          published.push({ atMs: t.clock.now(), message });
          return { messageId: String(published.length) };
        },
      },
    });
  // Renew once a day, check every hour, as deployed.
  for (let hour = 0; t.clock.now() < untilMs; hour++) {
    if (hour % 24 === 0)
      await executeRenew(deps(), { policy: t.policy, dryRun: false, runId: `r${hour / 24}` }).catch(() => undefined);
    await executeCheck(deps(), { policy: t.policy, runId: `c${hour}` }).catch(() => undefined);
    t.advance('1h');
  }
  return published;
}

const namedBefore = (published: { atMs: number; message: RenderedMessage }[], domain: string, beforeMs: number) =>
  published
    .filter((p) => p.atMs < beforeMs && alertedDomainsOf(p.message).includes(domain))
    .map((p) => p.message.subject);

test("two renew runs failing at the end of an announced renewal's notice: the domain is named before it lapses", async () => {
  // Announced 8.5 days before its expiry (first seen then: a domain moved into the account, a window widened, a
  // schedule started), so with the 7-day notice it is bought from 1.5 days before it: the soak's seed shape.
  const t = await given({ domains: ['a.com+8.5d'], policy: { notify: { advanceDays: 7 } } });
  const expiry = t.expiry('a.com') as number;
  // The listing refused (throttled past the client's retries) on the two days the domain could be bought.
  const outageFrom = t.clock.now() + 7 * DAY - HOUR;
  t.registrar.faults.before = (op) => {
    if (op === 'listDomains' && t.clock.now() >= outageFrom)
      throw new RejectedRetryableError('Throttling.User: QueryDomainList (test)', { code: 'Throttling.User' });
  };
  const published = await schedule(t, expiry);
  // Told: "upcoming, to be bought from <day 7>", then two job errors of renew, each naming it; and from 36 h after the
  // last completed renew run, check's daily "the renew job's runs have failed" (two UTC days before the expiry).
  expect(published.some((p) => /Upcoming renewals[\s\S]*a\.com/.test(p.message.email))).toBe(true);
  const errors = published.filter((p) => /job error/.test(p.message.subject));
  expect(errors.map((p) => p.message.subject.replace(/.*\(|\)$/g, ''))).toEqual(['renew', 'check', 'check', 'renew']);
  expect(errors.filter((p) => /renew job's runs have failed for \d+ hours/.test(p.message.email)).length).toBe(2);
  expect(t.registrar.submissions()).toEqual([]);
  // Nothing a person could act on names a.com before it expires.
  expect(namedBefore(published, 'a.com', expiry)).not.toEqual([]);
});

test('a renew job failing every day before its plan: a due domain is named before it lapses', async () => {
  // a.com is announced by the first run (35 days out, the 7-day notice: bought from day 5). From day 4 on, every renew
  // run fails before its plan: e.g. one QueryDomainList row without a readable expiry fails the page (docs/design.md,
  // "The registrar port's vocabulary": such a row still fails the page), or a key's RAM policy edited.
  const t = await given({ domains: ['a.com+35d'], policy: { notify: { advanceDays: 7 } } });
  const expiry = t.expiry('a.com') as number;
  const outageFrom = t.clock.now() + 4 * DAY - HOUR;
  t.registrar.faults.before = (op) => {
    if (op === 'listDomains' && t.clock.now() >= outageFrom)
      throw new RejectedRetryableError('QueryDomainList: answer not readable (test)');
  };
  const published = await schedule(t, expiry);
  expect(published.some((p) => /Upcoming renewals[\s\S]*a\.com/.test(p.message.email))).toBe(true);
  // Thirty-one daily "job error" alerts, all alike.
  expect(published.filter((p) => /QueryDomainList: answer not readable/.test(p.message.email)).length).toBe(31);
  // The hourly check says the renew job is not buying, once a UTC day, from 36 h after its last completed run (review
  // 2026-12-07, twenty-ninth session: it counted a failed run as a run, and never said so).
  const silent = published.filter((p) => /renew job's runs have failed for \d+ hours/.test(p.message.email));
  const lastCompleted = outageFrom - 23 * HOUR; // the day-3 run, at hour 72
  expect(silent.length).toBeGreaterThanOrEqual(29);
  expect(silent[0]?.atMs).toBeGreaterThanOrEqual(lastCompleted + 36 * HOUR);
  expect(silent[0]?.atMs).toBeLessThan(lastCompleted + 60 * HOUR);
  expect(new Set(silent.map((p) => Math.floor(p.atMs / DAY))).size).toBe(silent.length);
  expect(silent[0]?.message.email).toContain(
    `last completed run ${new Date(lastCompleted).toISOString().slice(0, 16).replace('T', ' ')}`,
  );
  expect(t.registrar.submissions()).toEqual([]);
  expect(namedBefore(published, 'a.com', expiry)).not.toEqual([]);
});

test('a watch list read that hangs does not hold the alert back: after 3 s (a simulated clock) it goes out', async () => {
  const t = await given({ domains: ['a.com+1d'] });
  const published: RenderedMessage[] = [];
  const recorded: string[] = [];
  const deps = t.deps({
    ledger: {
      ...t.ledger,
      // A ledger that stopped answering: the run failed on it, and this read would wait out its retries.
      readWatch: () => new Promise<never>(() => {}),
      recordRun: async (run) => {
        recorded.push(run.runId);
      },
    },
    notifier: {
      publish: async (message) => {
        published.push(message);
        return { messageId: String(published.length) };
      },
    },
  });
  jest.useFakeTimers();
  try {
    const done = reportRunFailure(
      deps,
      { job: 'renew', runId: 'r1', startedAtMs: t.clock.now(), policy: t.policy },
      new Error('the ledger timed out (test)'),
    );
    await jest.advanceTimersByTimeAsync(2_999);
    expect(published).toEqual([]);
    await jest.advanceTimersByTimeAsync(1);
    await done;
    expect(published.map((m) => m.subject)).toEqual(['[autorenew] job error (renew)']);
    expect(published[0]?.email).toContain('the ledger timed out (test)');
    expect(recorded).toEqual(['r1']);
  } finally {
    jest.useRealTimers();
  }
});
