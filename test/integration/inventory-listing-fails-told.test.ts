import { RegistrarError } from '../../lib/errors';
import type { Registrar } from '../../lib/registrar/port';
import { given } from '../helpers/builder';
import { renewBesideCheck } from '../helpers/renew-beside-check';

const DAY = 86_400_000;

/**
 * Review of the weekly inventory (thirty-third session), as found (fixed since: docs/design.md).
 * A whole-account listing that fails every run (throttled, a large account whose pages never add up, too little time
 * after the purchases) is told only as a digest NOTE once the last inventory is 14 days old (inventory.ts staleNote).
 * A renew digest with no line and no error renders nothing, notes or not (the watch list's full note had this very
 * fault and was made the digest's error once a UTC day: jobs/renew.ts, review 2026-12-07, twenty-seventh session).
 * With a policy that e-mails trouble only (here due.com is bought, a line it does not e-mail), nobody ever hears that no domain leaving the listing is being caught.
 */
test('a whole-account listing that fails for weeks is told under a policy that e-mails trouble only', async () => {
  const t = await given({
    domains: ['a.com+200d', 'b.com+120d', 'due.com+10d'],
    policy: { notify: { events: ['will-lapse', 'stuck', 'unknown', 'failed', 'error'] } },
  });
  const registrar: Registrar = {
    ...t.registrar,
    listDomains: async (q) => {
      if (q.expiringToMs === undefined)
        throw new RegistrarError('QueryDomainList failed: Throttling.User (injected)', { action: 'QueryDomainList' });
      return t.registrar.listDomains(q);
    },
  };
  for (let day = 0; day <= 30; day++) {
    await renewBesideCheck(t, `day-${day}`, { registrar });
    t.advance(DAY);
  }
  expect(t.registrar.submissions().map((s) => s.domainName)).toEqual(['due.com']);
  expect(t.logs.join('\n')).toContain('the whole-account listing was not taken');
  expect(t.notifier.sent.map((m) => m.email).join('\n')).toMatch(/whole-account listing \(the weekly inventory\)/);
  // Once a UTC day, by e-mail: no page (nothing is due because of it).
  expect(t.notifier.sent.filter((m) => /weekly inventory/.test(m.email))).toHaveLength(31);
  expect(t.notifier.sent.map((m) => m.severity)).toEqual(Array(31).fill('info'));
}, 120_000);
