import type { DomainOutcome } from '../../lib/notify/port';
import { parsePolicyText } from '../../lib/policy/load';
import { renderDigest } from '../../lib/renewal/digest';
import { alertedDomainsOf, failedKeysOf } from '../helpers/chaos-checks';

/*
 * Review s33f (regressions since 746dea3). The digest now shows an IDN as `unicode (punycode)` and the chaos checks
 * read the punycode back with / \((xn--[^)]+)\)$/: only a name whose FIRST label is an IDN. A name with an ASCII
 * label under an IDN TLD (brand.中国, brand.xn--fiqs8s) is shown "brand.中国 (brand.xn--fiqs8s)", which the checks
 * then normalise whole (space and parentheses included): its failure and alert are credited to no domain, and the
 * soak's "every FAILED entry is told" / "every lapse is named" checks misjudge it. At 746dea3 the line showed
 * "brand.中国", which alertedDomainsOf normalised to brand.xn--fiqs8s (failedKeysOf did not normalise at all then;
 * now it does, but not this form).
 */
const NOW = Date.UTC(2026, 11, 8, 6, 0, 0);
const DAY_MS = 86_400_000;

it('the chaos checks read the name of an ASCII label under an IDN TLD', () => {
  const policy = parsePolicyText('{"version": 1}', 'p.json');
  const outcome: DomainOutcome = {
    domain: 'brand.xn--fiqs8s',
    event: 'failed',
    batchId: 'B-1',
    oldExpiryMs: NOW + 2 * DAY_MS,
    years: 1,
    reason: 'the registrar refused it',
  };
  const m = renderDigest({ job: 'check', runId: 'r', nowMs: NOW, outcomes: [outcome] }, policy.notify);
  if (!m) throw new Error('no digest');
  expect(alertedDomainsOf(m)).toEqual(['brand.xn--fiqs8s']); // as at 746dea3
  expect(failedKeysOf(m)).toEqual(['brand.xn--fiqs8s|B-1']);
});
