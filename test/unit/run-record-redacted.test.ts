import { reportRunFailure } from '../../lib/jobs/report-run';
import { registerSecret } from '../../lib/redact';
import { given } from '../helpers/builder';
import { testPolicy } from '../helpers/world';

/**
 * Review 2026-12-07: the run record's `error` (read by doctor, status and the next runs) was stored as the error's
 * message, raw, where every other error text the ledger stores passes the redactor and is bounded (docs/design.md,
 * "Secrets never leave the process"). A message quoting a key (a canonical request echoed by a proxy) was kept.
 */
describe('a failed run record', () => {
  test('stores its error redacted and bounded', async () => {
    registerSecret('s3cr3t-value-for-run-record');
    const t = await given({ domains: [] });
    const message = `boom: AccessKeyId=LTAI5tABCDEFGHIJKLMNOP secret s3cr3t-value-for-run-record ${'x'.repeat(2_000)}`;
    await reportRunFailure(
      t.deps(),
      { job: 'renew', runId: 'r-1', startedAtMs: t.clock.now(), policy: testPolicy() },
      new Error(message),
    );
    const run = await t.ledger.lastRun('renew');
    expect(run?.ok).toBe(false);
    expect(run?.error).toMatch(/^boom: AccessKeyId=\*\*\* secret \*\*\* x+\.\.\.$/);
    expect(run?.error?.length).toBeLessThan(1_000);
  });
});
