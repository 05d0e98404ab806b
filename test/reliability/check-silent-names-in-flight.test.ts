import { executeCheck } from '../../lib/jobs/check';
import { executeRenew } from '../../lib/jobs/renew';
import { given } from '../helpers/builder';

/**
 * The check job not running (a deploy mistake) while a submitted renewal failed at the registrar: renew leaves the
 * in-flight domain to check, and its "check has not run" error names no domain. b.com expires 12 hours after the
 * first renew run that says check is silent, and lapses while every message names nothing but the silent job; the
 * first line naming it is check's failure line, after its expiry.
 */
test('check down: the renew digest names an in-flight renewal that expires before the next renew run', async () => {
  const t = await given({ domains: ['b.com+36h', 'a.com+20d'] });
  await executeCheck(t.deps(), { policy: t.policy, runId: 'c0' });
  let fails = 1;
  t.registrar.faults.failDomain = (d) => (d === 'b.com' && fails-- > 0 ? 'registry said no (test)' : undefined);
  await executeRenew(t.deps(), { policy: t.policy, dryRun: false, runId: 'r0' });
  // check stops running here
  const before = t.notifier.sent.length;
  t.advance('1d');
  await executeRenew(t.deps(), { policy: t.policy, dryRun: false, runId: 'r1' }).catch(() => {});
  const told = t.notifier.sent.slice(before);
  expect(told.map((m) => m.email).join('\n')).toMatch(/the check job has not run/); // the silence is said
  expect(t.expiry('b.com')).toBe(Date.parse('2026-11-30T18:00:00Z')); // not renewed; expires in 12 h
  // Named (before the fix neither the email nor the SMS did), as a look-first line: our renewal may still run.
  expect(told.map((m) => m.sms).join('\n')).toMatch(/b\.com will lapse, look first/);
  expect(told.map((m) => m.email).join('\n')).toMatch(
    /b\.com[^\n]*in flight, not confirmed while the check job has not run/,
  );
});
