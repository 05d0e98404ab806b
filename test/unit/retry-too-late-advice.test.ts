import { executeCheck, executeRenew } from '../../lib/jobs';
import { given } from '../helpers/builder';

/**
 * Review 2026-12-06 (round 6, helper rvw) (76a28e3). A failure whose retry is "too late" is now advised "look first" on its failed line and on
 * its urgent will-lapse line: a run at another time of day may still buy it, so a bare "renew it by hand" could buy
 * it twice. But the failed line itself is still advised by its registrar reason in "What to do": a generic reason
 * gets "Other failures: ... Once retries stop, ... or renew it by hand in the console" (a bare renew-by-hand: for a
 * too-late line the retries have stopped), and an insufficient-balance reason gets "top up ...; the next renew run
 * retries these domains" (no retry is expected: the person tops up, waits, and it lapses).
 * Same set-up as test/unit/retry-too-late.test.ts: daysAfterExpiry 0, expiry 20 h after the run.
 */
async function tooLateDigest(reason: string) {
  const t = await given({
    domains: ['a.com+20h'],
    policy: { window: { daysBeforeExpiry: 2, daysAfterExpiry: 0 } },
  });
  const T0 = t.clock.now();
  let fails = 1;
  t.registrar.faults.failDomain = () => (fails-- > 0 ? reason : undefined);
  t.clock.set(T0);
  await executeRenew(t.deps(), { policy: t.policy, dryRun: false, runId: 'r1' }).catch(() => undefined);
  t.clock.set(T0 + 5 * 60_000);
  await executeCheck(t.deps(), { policy: t.policy, runId: 'c1' }).catch(() => undefined);
  const told = t.notifier.sent.find((m) =>
    (m.digest?.outcomes ?? []).some((o) => o.event === 'failed' && o.retry?.state === 'too-late'),
  );
  expect(told).toBeDefined();
  const email = told?.email ?? '';
  // The "What to do" lines naming a.com.
  const todo = email
    .slice(email.indexOf('What to do'))
    .split('\n')
    .filter((l) => l.startsWith('- ') && l.includes('a.com'));
  return { todo, sms: told?.sms ?? '' };
}

/** "renew ... by hand" not qualified by "only if" (look first). */
const BARE_BY_HAND = /renew (?:it |them |one )?by hand(?! only if)/;

test('too-late failure, generic reason: no "What to do" line says a bare "renew it by hand"', async () => {
  const { todo } = await tooLateDigest('registry temporarily unavailable (test)');
  expect(todo.filter((l) => BARE_BY_HAND.test(l))).toEqual([]);
});

test('too-late failure, insufficient balance: "What to do" does not promise a retry by the next renew run', async () => {
  const { todo } = await tooLateDigest('Insufficient balance');
  expect(todo.filter((l) => /next renew run retries|retried by the next run/.test(l))).toEqual([]);
});
