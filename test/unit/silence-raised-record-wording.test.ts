import { RejectedRetryableError } from '../../lib/errors';
import { executeCheck, executeRenew } from '../../lib/jobs';
import type { Ledger } from '../../lib/ledger/port';
import type { RenderedMessage } from '../../lib/notify/port';
import { given } from '../helpers/builder';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/**
 * Review 2026-12-07, twenty-ninth session (of 0888110). The duplicate-delivery race 0888110 fixed: renew run A starts, B a minute later and fails
 * before its plan (recorded first), A completes after it; A's refused record now raises B's lastCompletedAtMs to A's
 * completion. Then the renew schedule stops (disabled). 36 h after A completed, check's line measures the silence
 * right, but says "the renew job's runs have failed for 36 hours (last completed run <A>; the last failed <B, before
 * A>, its error in its own alert)": the last run completed, and the runs did not fail: they stopped. measureSilence
 * reads any record whose lastCompletedAtMs differs from its finishedAtMs as failing, also when the completion is the
 * later of the two. The same for two runs that both completed (B started later, finished first): a raise to A's end
 * makes B's completed record read "failing".
 */
test.each([
  ['B failed before its plan', true],
  ['B completed too, before A', false],
])(
  'a raised run record, then renew stops: check says "has not run", not "runs have failed" (%s)',
  async (_n, bFails) => {
    const t = await given({ domains: ['far.com+300d'] });
    const published: { atMs: number; message: RenderedMessage }[] = [];
    const notifier = {
      publish: async (message: RenderedMessage) => {
        published.push({ atMs: t.clock.now(), message });
        return { messageId: String(published.length) };
      },
    };
    await executeCheck(t.deps({ notifier }), { policy: t.policy, runId: 'c0' });
    await executeRenew(t.deps({ notifier }), { policy: t.policy, dryRun: false, runId: 'r-yesterday' });
    t.advance(DAY);
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    let reachedRecord: () => void = () => {};
    const atRecord = new Promise<void>((resolve) => {
      reachedRecord = resolve;
    });
    const gated: Ledger = {
      ...t.ledger,
      // Held at its digest's read of check's last run (before its report): A had the work, it ends after B.
      lastRun: async (job) => {
        if (job === 'check') {
          reachedRecord();
          await gate;
        }
        return t.ledger.lastRun(job);
      },
    };
    const a = executeRenew(t.deps({ notifier, ledger: gated }), { policy: t.policy, dryRun: false, runId: 'r-A' });
    await atRecord;
    t.advance(60_000);
    if (bFails)
      t.registrar.faults.before = (op) => {
        if (op === 'listDomains')
          throw new RejectedRetryableError('Throttling.User: QueryDomainList (test)', { code: 'Throttling.User' });
      };
    await executeRenew(t.deps({ notifier }), { policy: t.policy, dryRun: false, runId: 'r-B' }).catch(() => undefined);
    delete t.registrar.faults.before;
    t.advance(4 * 60_000); // A took longer: it had the work
    release();
    await a;
    expect(await t.ledger.lastRun('renew')).toMatchObject({ runId: 'r-B' });
    // The renew schedule is disabled from here on; check runs hourly.
    const from = published.length;
    for (let h = 0; h < 40; h++) {
      t.advance(HOUR);
      await executeCheck(t.deps({ notifier }), { policy: t.policy, runId: `c${h + 1}` }).catch(() => undefined);
    }
    const said = published
      .slice(from)
      .map((p) => p.message.email.match(/the renew job(?: has not run| has never run|'s runs have failed)[^\n]*/)?.[0])
      .filter(Boolean);
    expect(said).toEqual([expect.stringMatching(/^the renew job has not run for 36 hours/)]);
  },
);
