import { executeRenew } from '../../lib/jobs';
import type { Ledger } from '../../lib/ledger/port';
import { type Given, given } from '../helpers/builder';
import { startHeldRun } from '../helpers/held-run';

/**
 * Review of 17e415c (strays met by a run). listAndPlan hands releaseStrays every in-flight claim whose batch the
 * open-batches read did not list (the index lags, or the batch was written after the read: another run claiming
 * ahead while this one lists), for the release to read with its batch. When that release throws (one throttled
 * read), run-renew.ts names *every* candidate `not-sent` ("its claim, left by a batch sent without it, could not be
 * released") with "renew it by hand", including the claim of another run that is buying the domain right now.
 */

const LAG_MS = 1_000;

/** `ledger` whose open-batches index does not show batches created less than LAG_MS ago, and whose getBatch throws. */
function laggingAndThrottled(t: Given, ledger: Ledger): Ledger {
  return new Proxy(ledger, {
    get(target, prop, receiver) {
      if (prop === 'listOpenBatches')
        return async () => (await target.listOpenBatches()).filter((b) => b.createdAtMs <= t.clock.now() - LAG_MS);
      if (prop === 'getBatch')
        return async () => {
          throw new Error('ledger throttled (injected)');
        };
      const value = Reflect.get(target, prop, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

test('a release of strays that fails does not tell a person to renew by hand a domain another run is buying', async () => {
  const t = await given({ domains: ['y.io+1d'], policy: { window: { daysAfterExpiry: 0 } }, balance: '1000' });
  // Run 1 has claimed y.io (claimed ahead, its intent written) and is about to take its budget and send it.
  const run1 = await startHeldRun(t, t.billing as NonNullable<Given['billing']>);
  await run1.intent;

  // Run 2 (the operator's, or a second delivery) plans meanwhile: y.io is in flight under run 1's intent.
  const second = executeRenew(t.deps({ ledger: laggingAndThrottled(t, t.ledger) }), {
    policy: t.policy,
    dryRun: false,
    runId: 'r2',
  });
  await second.catch(() => undefined);
  run1.release();
  await run1.done;

  // Run 1 bought y.io.
  expect(t.registrar.submissions().map((s) => s.domainName)).toEqual(['y.io']);
  const email = t.notifier.sent.at(-1)?.email ?? '';
  // Run 2's digest must not say y.io was provably not sent, nor send a person to buy it by hand (a second renewal).
  expect(email).not.toMatch(/y\.io: .*could not be released/);
  expect(email).not.toMatch(/- y\.io: .*renew it by hand/);
});
