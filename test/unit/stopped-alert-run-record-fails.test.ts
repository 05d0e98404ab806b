import { AuthRejectedError } from '../../lib/errors';
import { executeRenew } from '../../lib/jobs';
import { given } from '../helpers/builder';

/**
 * A renew run stopped by an authorisation refusal at its paid call (a key revoked, Forbidden.RAM) was alerted after
 * its run record was written (report-run.ts reportRun: recordRun, then notifyJobError(stoppedBy)). One failed run
 * record write (a throttled PutItem) threw before that alert: reportRunFailure then published the ledger's error
 * with the generic "see the logs; the next scheduled run retries", and the AccessKey refusal (what a person must
 * fix, and why nothing was bought) was never alerted (review 2026-12-07, twenty-seventh session).
 */
test('an AccessKey refusal that stops the run is alerted even when the run record write fails', async () => {
  const t = await given({ domains: ['a.com+20d', 'b.com+25d'] });
  t.registrar.faults.before = (op) => {
    if (op === 'submitRenewBatch') throw new AuthRejectedError('Forbidden.RAM', { code: 'Forbidden.RAM' });
  };
  let failed = 0;
  t.ledger.faults.before = (op) => {
    // Both tries of the write (it is tried twice).
    if (op === 'recordRun' && failed++ < 2) throw new Error('ProvisionedThroughputExceededException (injected)');
  };
  const thrown = await executeRenew(t.deps(), { policy: t.policy, dryRun: false, runId: 'r1' }).catch((e) => e);
  expect(thrown).toBeInstanceOf(AuthRejectedError);
  expect(failed).toBe(2);
  const alerts = t.notifier.sent.filter((m) => m.event === 'error').map((m) => m.email);
  // The refusal's own advice: the AccessKey was refused; check the key and its RAM policy. Once.
  expect(alerts.filter((e) => /Job error: .*Forbidden\.RAM/.test(e) && /AccessKey was refused/.test(e))).toHaveLength(
    1,
  );
  expect(t.logs.join('\n')).toMatch(/the run record could not be written.*ProvisionedThroughputExceededException/);
});

test('a run stopped by an authorisation refusal that also had failures: the alert names them too (review 2026-12-07, twenty-ninth session)', async () => {
  // Stopped at its paid call; the digest's read-back of the run's batches then failed: the run's JobFailedError
  // would have named that, but the stopping error is what is thrown and alerted, and the failure was in the log only.
  const t = await given({ domains: ['a.com+20d'] });
  let stopped = false;
  t.registrar.faults.before = (op) => {
    if (op !== 'submitRenewBatch') return;
    stopped = true;
    throw new AuthRejectedError('Forbidden.RAM', { code: 'Forbidden.RAM' });
  };
  t.ledger.faults.before = (op) => {
    if (stopped && op === 'getBatch') throw new Error('ProvisionedThroughputExceededException (injected)');
  };
  const thrown = await executeRenew(t.deps(), { policy: t.policy, dryRun: false, runId: 'r1' }).catch((e) => e);
  expect(thrown).toBeInstanceOf(AuthRejectedError);
  const alerts = t.notifier.sent.filter((m) => m.event === 'error').map((m) => m.email);
  expect(alerts.filter((e) => /Forbidden\.RAM/.test(e))).toHaveLength(1);
  expect(alerts.find((e) => /Forbidden\.RAM/.test(e))).toMatch(
    /this run also: the digest was sent without the run's batches \(a ledger read failed\)/,
  );
});
