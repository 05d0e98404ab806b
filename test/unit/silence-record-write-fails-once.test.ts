import { executeCheck, executeRenew } from '../../lib/jobs';
import type { RenderedMessage } from '../../lib/notify/port';
import { given } from '../helpers/builder';
import { flakyLedger } from '../helpers/faulty';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/**
 * Review 2026-12-07, twenty-ninth session (of 5104d58 and fe6bf09). reportRun's run-record write fails once (a throttled PutItem past the client's retries). Before
 * fe6bf09 the error reached reportRunFailure, whose own recordRun (a second write) landed; now it is logged and
 * counted, never written again. The last renew record is yesterday's, and 36 h after it, 12 h after a renew run that
 * completed and bought what was due, check pages "the renew job has not run for 36 hours": a false alarm (SMS) from
 * one lost write, saying nothing is bought when it was.
 */
test('a renew run whose record write failed once: check does not page "renew has not run" 12 h later', async () => {
  const t = await given({ domains: ['far.com+300d'] });
  const published: { atMs: number; message: RenderedMessage }[] = [];
  const notifier = {
    publish: async (message: RenderedMessage) => {
      published.push({ atMs: t.clock.now(), message });
      return { messageId: String(published.length) };
    },
  };
  await executeCheck(t.deps({ notifier }), { policy: t.policy, runId: 'c0' });
  await executeRenew(t.deps({ notifier }), { policy: t.policy, dryRun: false, runId: 'r-yesterday' });
  t.advance(DAY);
  const ledger = flakyLedger(t.ledger, { recordRun: [1] });
  await executeRenew(t.deps({ notifier, ledger }), { policy: t.policy, dryRun: false, runId: 'r-today' }).catch(
    () => undefined,
  );
  expect(ledger.failures).toBe(1);
  const from = published.length;
  for (let h = 0; h < 14; h++) {
    t.advance(HOUR);
    await executeCheck(t.deps({ notifier }), { policy: t.policy, runId: `c${h + 1}` }).catch(() => undefined);
  }
  const said = published
    .slice(from)
    .map((p) => p.message.email.match(/the renew job (has not run|'s runs have failed)[^\n]*/)?.[0])
    .filter(Boolean);
  expect(said).toEqual([]);
});
