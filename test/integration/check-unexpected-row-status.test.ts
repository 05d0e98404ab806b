import { createHttpPost, type HttpPost } from '../../lib/http-post';
import { executeCheck } from '../../lib/jobs';
import { runRenew } from '../../lib/renewal/run-renew';
import { staleBalance, startWorld, type World } from '../helpers/world';

/**
 * One detail row of our own task carries a TaskStatusCode nobody documented (0-3 are; a cancelled or refunded row,
 * say). Its batch-mate's row is an ordinary failure (insufficient balance) of a task that has finished. The odd row
 * must hold back only its own domain: the batch-mate's failure is recorded and told, so the next renew run retries
 * it once the account is topped up. Before (review 2026-12-07, twenty-fifth session) the whole detail page was
 * refused, the batch never read, the failure never recorded nor retried, and the only line a person got said "task
 * not finished in time".
 */
const NOW = Date.UTC(2026, 10, 29, 6, 0, 0);
const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

/** QueryTaskDetailList answers with `domain`'s row given TaskStatusCode `code` (and a matching status text). */
function oddRowStatus(domain: string, code: number): HttpPost {
  const real = createHttpPost().post;
  return async (req) => {
    const answer = await real(req);
    if (!req.body.includes('Action=QueryTaskDetailList') || answer.status !== 200 || !answer.text) return answer;
    const body = JSON.parse(answer.text) as { Data: { TaskDetail: Record<string, unknown>[] } };
    for (const row of body.Data.TaskDetail) {
      if (row.DomainName === domain) {
        row.TaskStatusCode = code;
        row.TaskStatus = 'EXECUTE_CANCELLED';
      }
    }
    return { status: answer.status, header: answer.header, text: JSON.stringify(body) };
  };
}

describe('a detail row with a TaskStatusCode nobody expected', () => {
  let world: World;
  afterEach(async () => world?.stop());

  it("holds back only its own domain: the batch-mate's failure is recorded and told, not left stuck", async () => {
    world = await startWorld({
      sandbox: {
        nowMs: NOW,
        freezeClock: true,
        // Enough for one .com renewal: a.com (first in the batch) is bought, b.com fails for the balance.
        balance: 100,
        fixture: {
          domains: [
            { domainName: 'a.com', expiresAtMs: NOW + 10 * DAY_MS },
            { domainName: 'b.com', expiresAtMs: NOW + 11 * DAY_MS },
          ],
        },
      },
      client: { post: oddRowStatus('a.com', 4) },
    });
    const run = await runRenew(world.deps(staleBalance()), { policy: world.policy, dryRun: false, runId: 'r1' });
    expect(run.summary.submitted).toBe(2);
    // The task has run: a.com renewed, b.com refused for the balance; the task is COMPLETE.
    world.sandbox.setClock({ advanceMs: HOUR_MS });
    expect(world.sandbox.state().renewals.map((r) => r.domainName)).toEqual(['a.com']);

    // Hourly checks for a day and a bit: the batch is past notify.stuckAfterHours.
    for (let h = 0; h < 26; h++) {
      await executeCheck(world.deps(), { policy: world.policy }).catch(() => undefined);
      world.sandbox.setClock({ advanceMs: HOUR_MS });
    }

    // b.com's row is readable and final: its failure is recorded (FAILED, retried after the backoff)...
    const [b] = await world.ledger.getClaims([{ domain: 'b.com', expiryMs: NOW + 11 * DAY_MS }]);
    expect(b?.status).toBe('FAILED');
    // ...a.com's renewal is confirmed from its expiry, as for a domain without a row...
    const [a] = await world.ledger.getClaims([{ domain: 'a.com', expiryMs: NOW + 10 * DAY_MS }]);
    expect(a?.status).toBe('RENEWED');
    // ...and a person is told why, not that the task has not finished.
    const emails = world.notifier.sent.map((m) => m.email).join('\n');
    expect(emails).toMatch(/^- b\.com: .*balance/im);
    expect(emails).not.toMatch(/^- b\.com: .*task not finished in time/m);
  });
});
