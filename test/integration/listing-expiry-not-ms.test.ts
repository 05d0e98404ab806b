/**
 * QueryDomainList rows whose ExpirationDateLong is not epoch milliseconds (seconds, microseconds, a 0 placeholder:
 * the field is documented as Long ms, the answer was asked for expiries in the policy window): the row is trusted,
 * planned as `redemption` (56 years ago) or `not-due` (year 58000), neither of which is a line anyone sees before
 * the expiry. A domain with 2 days left is neither bought nor named: it lapses, every run and check silent.
 */
import { createHttpPost, type HttpPost } from '../../lib/http-post';
import { runRenew } from '../../lib/renewal/run-renew';
import { startWorld, type World } from '../helpers/world';

const NOW = Date.UTC(2026, 10, 29, 6, 0, 0);
const DAY_MS = 86_400_000;

function listingRewritten(rewrite: (row: Record<string, unknown>) => void): HttpPost {
  const real = createHttpPost().post;
  return async (req) => {
    const answer = await real(req);
    if (!req.body.includes('Action=QueryDomainList') || answer.status !== 200 || !answer.text) return answer;
    const body = JSON.parse(answer.text) as { Data?: { Domain?: Record<string, unknown>[] } };
    for (const row of body.Data?.Domain ?? []) rewrite(row);
    return { ...answer, text: JSON.stringify(body) };
  };
}

describe('a listing whose ExpirationDateLong is not epoch ms', () => {
  let world: World;
  afterEach(async () => world?.stop());

  it.each<[string, (ms: number) => number]>([
    ['in seconds', (ms) => Math.floor(ms / 1000)],
    ['in microseconds', (ms) => ms * 1000],
    ['0 (a placeholder)', () => 0],
  ])('ExpirationDateLong %s: a domain expiring in 2 days is bought, or a person is told', async (_what, wrong) => {
    world = await startWorld({
      sandbox: { nowMs: NOW, fixture: { domains: [{ domainName: 'a.com', expiresAtMs: NOW + 2 * DAY_MS }] } },
      client: {
        post: listingRewritten((row) => {
          row.ExpirationDateLong = wrong(row.ExpirationDateLong as number);
        }),
      },
    });
    // A run that fails on an answer it cannot trust tells a person (the job error): that counts as told.
    const failed = await runRenew(world.deps(), { policy: world.policy, dryRun: false, runId: 'r1' }).then(
      () => undefined,
      (err: unknown) => String(err),
    );
    const told = world.notifier.sent.map((m) => JSON.stringify(m)).join('\n');
    const bought = world.sandbox.state().submissions.length;
    expect({ bought, named: /a\.com/.test(told), failed: failed !== undefined }).not.toEqual({
      bought: 0,
      named: false,
      failed: false,
    });
  });
});
