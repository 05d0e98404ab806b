import { executeRenew } from '../../lib/jobs';
import type { DomainOutcome } from '../../lib/notify/port';
import type { Registrar } from '../../lib/registrar/port';
import { type Given, given } from '../helpers/builder';

/**
 * Review 2026-12-07, twenty-ninth session (of dbb30a2): an announced renewal that a price answer calls premium (the listing said nothing of
 * premium) is never bought without limits.allowPremium (plan-money: `premium`), as one over maxPricePerDomain never is.
 * The advance notice still says "to be bought from <date>" (UpcomingRenewal.overLimit looks at the price only), and
 * the shortfall behind TopUpNeeded counts the premium price: a person is asked to top up 5000 CNY for a renewal the job
 * will never buy, and told it will be bought.
 */
const notice = { notify: { advanceDays: 7 } };

function premiumQuote(t: Given): Registrar {
  return {
    ...t.registrar,
    quoteRenewals: async (items, currency, options) => {
      const answer = await t.registrar.quoteRenewals!(items, currency, options);
      return {
        ...answer,
        quotes: answer.quotes.map((q) =>
          q.domainName === 'a.com' ? { ...q, perYear: { minor: 500_000, currency: 'CNY' }, premium: true as const } : q,
        ),
      };
    },
  };
}

const upcomingOf = (t: Given) =>
  t.notifier.sent.flatMap((m) => m.digest?.outcomes.filter((o) => o.event === 'upcoming') ?? []) as DomainOutcome[];

test('an announced renewal a price answer calls premium is not announced as bought, nor topped up for', async () => {
  const t = await given({ domains: ['a.com+20d'], balance: 1000, policy: { ...notice } });
  const registrar = premiumQuote(t);
  const first = await executeRenew(t.deps({ registrar }), { policy: t.policy, dryRun: false, runId: 'n1' });
  const [line] = upcomingOf(t);
  expect(line).toMatchObject({ domain: 'a.com' });
  // What the job does once the notice has run: never buys it (premium, allowPremium false).
  t.advance('8d');
  const later = await executeRenew(t.deps({ registrar }), { policy: t.policy, dryRun: false, runId: 'n2' });
  expect(later.plan.decisions.map((d) => [d.domain.domainName, d.reason])).toEqual([['a.com', 'premium']]);
  expect(t.registrar.submissions()).toEqual([]);
  // ... yet it was announced "to be bought", and the first run asked for a top-up of its premium price.
  expect({ reason: line?.reason, shortfall: first.plan.money?.shortfall }).toEqual({
    reason: expect.not.stringMatching(/to be bought/),
    shortfall: { minor: 0, currency: 'CNY' },
  });
});

test('an announced renewal no source prices (money.unpriced "skip") is not announced as bought', async () => {
  const t = await given({ domains: ['a.com+20d'], balance: 1000, policy: { ...notice } });
  t.registrar.faults.quotesRefused = true; // the key may not read prices: no registrar price, and no table
  await executeRenew(t.deps(), { policy: t.policy, dryRun: false, runId: 'n1' });
  const [line] = upcomingOf(t);
  t.advance('8d');
  const later = await executeRenew(t.deps(), { policy: t.policy, dryRun: false, runId: 'n2' });
  expect(later.plan.decisions.map((d) => [d.domain.domainName, d.reason])).toEqual([['a.com', 'unpriced']]);
  expect(t.registrar.submissions()).toEqual([]);
  expect(line?.reason).not.toMatch(/to be bought/);
});
