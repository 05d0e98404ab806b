import type { DomainOutcome } from '../../lib/notify/port';
import { parsePolicyText } from '../../lib/policy/load';
import { renderDigest } from '../../lib/renewal/digest';

/**
 * Review 2026-12-07 (thirty-first session). The SMS names the first paging line with a short label; for a failure no pattern classifies, the label is the
 * registrar's own reason (digest.ts shortLabel), made GSM-7 by replacing every character outside the tables with '?'.
 * With `lang: "zh"` (or any Chinese FailReason) the page reads "x.com ??????,???????": neither the reason nor the
 * generic "failed" label, for a domain two days from its expiry.
 */
const NOW = Date.UTC(2025, 2, 1);
const DAY = 86_400_000;

it('an unclassified Chinese failure reason does not turn the SMS label into question marks', () => {
  const policy = parsePolicyText('{"version": 1, "lang": "zh"}', 'p.json');
  const outcome: DomainOutcome = {
    domain: 'x.com',
    event: 'failed',
    batchId: 'b-1',
    oldExpiryMs: NOW + 2 * DAY,
    years: 1,
    reason: '订单创建失败，请联系客服处理',
  };
  const m = renderDigest({ job: 'check', runId: 'r', nowMs: NOW, outcomes: [outcome] }, policy.notify);
  expect(m?.severity).toBe('alert');
  expect(m?.sms).toContain('x.com');
  expect(m?.sms).not.toMatch(/\?{3,}/);
});
