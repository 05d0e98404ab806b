import { domainToUnicode } from 'node:url';
import type { DomainOutcome } from '../../lib/notify/port';
import { parsePolicyText } from '../../lib/policy/load';
import { renderDigest } from '../../lib/renewal/digest';

/*
 * Review 2026-12-08 (s33b, spellings). Names are keyed in punycode, and the email digest shows an IDN only in Unicode
 * (digest.ts displayName). A mixed-script name (Cyrillic "раура" + Latin "l", xn--l-7sba6dbr.com, a defensive
 * registration of paypal.com) then reads exactly as the ASCII brand name: "раураl.com: will lapse ... renew it by
 * hand" sends the reader to the console for paypal.com, which is fine, and the defensive name lapses. The SMS names
 * it in punycode (domainToGsm7); the email, the one with the advice, never does.
 */
const NOW = Date.UTC(2026, 11, 8, 6, 0, 0);
const DAY_MS = 86_400_000;

it('the email names a mixed-script IDN so that it cannot be read as the ASCII name it imitates', () => {
  const homograph = 'xn--l-7sba6dbr.com';
  expect(domainToUnicode(homograph)).toBe('\u0440\u0430\u0443\u0440\u0430l.com'); // looks like "paypal.com"
  const policy = parsePolicyText('{"version": 1}', 'p.json');
  const outcome: DomainOutcome = {
    domain: homograph,
    event: 'will-lapse',
    batchId: '-',
    oldExpiryMs: NOW + 2 * DAY_MS,
    years: 0,
    daysLeft: 2,
    urgent: true,
    reason: 'not-listed: QueryDomainList no longer lists it, so the renew job cannot buy it',
  };
  const m = renderDigest({ job: 'renew', runId: 'r', nowMs: NOW, outcomes: [outcome] }, policy.notify);
  const line = m?.email.split('\n').find((l) => l.includes('.com')) ?? '';
  // The reader must be able to tell it from paypal.com: its ASCII (punycode) form is shown too.
  expect(line).toContain(homograph);
});
