import { createHttpPost, type HttpPost } from '../../lib/http-post';
import { runRenew } from '../../lib/renewal/run-renew';
import { startWorld, type World } from '../helpers/world';

/**
 * The sandbox answers an empty task list as `"TaskInfo": []`. The empty-list shape is UNCONFIRMED upstream
 * (../shared/alibaba-domain-api.md §2), and the client reads `Data: null` as empty, but not `"TaskInfo": null`. On
 * an account with no renewal task in the last 7 days (any quiet account), a registrar that writes an empty list as
 * null makes every buying renew run fail before its paid call: the due domain is never bought.
 */
const NOW = Date.UTC(2026, 10, 29, 6, 0, 0);
const DAY_MS = 86_400_000;

/** Every QueryTaskList answer of the sandbox with an empty `TaskInfo` rewritten to `null`. */
function emptyTaskListAsNull(): HttpPost {
  const real = createHttpPost().post;
  return async (req) => {
    const answer = await real(req);
    if (!req.body.includes('Action=QueryTaskList') || answer.status !== 200 || !answer.text) return answer;
    return { ...answer, text: answer.text.replace('"TaskInfo":[]', '"TaskInfo":null') };
  };
}

describe('an empty task list sent as null', () => {
  let world: World;
  afterEach(async () => world?.stop());

  it('does not stop the renew run: the due domain is bought once', async () => {
    world = await startWorld({
      sandbox: { nowMs: NOW, fixture: { domains: [{ domainName: 'a.com', expiresAtMs: NOW + 10 * DAY_MS }] } },
      ledger: 'memory',
      client: { post: emptyTaskListAsNull() },
    });
    await runRenew(world.deps(), { policy: world.policy, dryRun: false, runId: 'r1' }).catch(() => undefined);
    expect(world.sandbox.state().submissions).toHaveLength(1);
  });
});
