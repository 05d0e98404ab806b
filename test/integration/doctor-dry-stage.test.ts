import { recentRunsCheck } from '../../lib/deployment/stage-checks';
import { executeCheck, executeRenew } from '../../lib/jobs';
import { given } from '../helpers/builder';

/**
 * Review 2026-12-06 (round 6, helper rvw) (76a28e3). A dry run records no run any more, and a deployed stage with dryRun=true runs its renew
 * function as a dry run every day. The README's deploy flow is "start with dryRun=true, read the first plan digest,
 * run doctor --stage, then deploy with dryRun=false": `doctor --stage` now says of that stage's renew function
 * "last renew run: none recorded yet", fix "wait for the schedule, or run it once: aws lambda invoke ...", however
 * often it has run; invoking it, as advised, records nothing either, and a dry-run renew function that has stopped
 * running looks exactly like one that runs.
 */
test('doctor --stage on a dry-run stage whose renew function ran today does not say "none recorded yet"', async () => {
  const t = await given({ domains: ['a.com+10d'] });
  // The stage's scheduled functions, as the Lambda runs them with dryRun=true: renew (dry), then check.
  await executeRenew(t.deps(), { policy: t.policy, dryRun: true, runId: 'r1' });
  t.advance('5m');
  await executeCheck(t.deps(), { policy: t.policy, runId: 'c1' });
  const [renew, check] = recentRunsCheck('prod', await t.ledger.lastRuns(), t.clock.now());
  expect(check?.status).toBe('ok');
  expect({ detail: renew?.detail, fix: renew?.fix }).toEqual({
    detail: expect.not.stringMatching(/none recorded yet/),
    fix: expect.not.stringMatching(/run it once/),
  });
});
