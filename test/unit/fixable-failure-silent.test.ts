import { executeCheck, executeRenew } from '../../lib/jobs';
import { given } from '../helpers/builder';

// Review j. notify.events must keep will-lapse, stuck and unknown (policy/schema.ts REQUIRED_EVENTS): "the lines by
// which a domain not bought, or whose renewal does not end, reaches a person". A renewal whose task fails with a
// reason a person must fix (balance, real-name: claims.ts isFixableByPerson) uses up no attempt, so it never
// reaches `max-attempts`; between its retries the planner says `retry-backoff` or `in-flight`, neither of which
// gets a will-lapse line. Its only lines are `failed` ones, and `failed` is not required: a valid policy without
// it hears nothing while the same failure repeats every day up to the expiry.

describe('a renewal that fails every day for a reason a person must fix', () => {
  it('reaches a person before the expiry under every valid policy', async () => {
    const t = await given({
      domains: ['a.com+5.5d'],
      // Valid: the required events are all there (a team that wants only "what needs me" lines).
      policy: { notify: { events: ['will-lapse', 'stuck', 'unknown', 'error', 'expiry-moved'] } },
    });
    const expiry = t.expiry('a.com') as number;
    t.registrar.faults.failDomain = () => 'Insufficient account balance';
    const before: string[] = [];
    // Six days of the schedule: renew once a day, check every hour.
    for (let day = 0; day < 6 && t.clock.now() < expiry; day++) {
      await executeRenew(t.deps(), { policy: t.policy, dryRun: false, runId: `r${day}` }).catch(() => undefined);
      for (let h = 0; h < 24 && t.clock.now() < expiry; h++) {
        t.advance('1h');
        await executeCheck(t.deps(), { policy: t.policy, runId: `c${day}-${h}` }).catch(() => undefined);
      }
    }
    for (const m of t.notifier.sent) before.push(`${m.subject}\n${m.email}`);
    // It was submitted (and failed) several times: the tool knew, every day, that it was not getting renewed.
    expect(t.registrar.submissions().length).toBeGreaterThanOrEqual(3);
    expect(t.clock.now()).toBeGreaterThanOrEqual(expiry);
    expect(before.join('\n====\n')).toMatch(/a\.com/);
  });
});
