import { executeRenew } from '../../lib/jobs';
import { createAccountsRoom, runAccounts } from '../../lib/jobs/accounts';
import { createLogger } from '../../lib/log';
import type { Registrar } from '../../lib/registrar/port';
import { computeRoomWaitLimitMs } from '../../lib/renewal/time-margin';
import { given } from '../helpers/builder';
import { createCapturingNotifier } from '../helpers/world';

/**
 * One scheduled renew invocation (900 s) over two accounts with AUTORENEW_GLOBAL_MAX_DOMAINS=10. Account "quiet" has
 * nothing due; account "slow" has slow.com expiring tomorrow, and its registrar is slow: its listing takes 750 s
 * (throttled), past the room's wait limit (900 s - two margins = 720 s), with 150 s still left, more than the
 * 90 s margin it needs to buy. At the wait limit the room shares the cap over the demands stated so far: quiet's 0,
 * slow's none yet (0). When slow then states its demand (1) it gets the share fixed at the limit: 0, though nothing
 * of the cap is used or promised to anyone. slow.com is held back as `global-count` ("raise the cap") and, with a
 * registrar that is slow every day, every day, until it lapses. The cap is the shared counter's to enforce; a late
 * account could take what the shares fixed at the limit left unpromised (here all 10).
 *
 * Time is jest's fake clock: remainingMs() is the deadline minus Date.now(); nothing sleeps for real.
 */
const log = createLogger({ sink: () => {} });
const FUNCTION_MS = 900_000;

describe('a late account under the global cap', () => {
  beforeEach(() => {
    jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] });
  });
  afterEach(() => {
    jest.useRealTimers();
  });

  test.each([
    ['control, no global cap', undefined],
    ['AUTORENEW_GLOBAL_MAX_DOMAINS=10, none of it used', 10],
  ])('slow (late at the wait limit, with time left to buy) buys its 1-day domain: %s', async (_name, cap) => {
    const deadline = Date.now() + FUNCTION_MS;
    const remainingMs = () => deadline - Date.now();
    const quiet = await given({ domains: ['far.com+200d'] });
    const slow = await given({ domains: ['slow.com+1d'] });
    const base = slow.registrar;
    const throttled: Registrar = {
      ...base,
      listDomains: (q) =>
        new Promise((resolve, reject) => {
          setTimeout(() => base.listDomains(q).then(resolve, reject), 750_000);
        }),
    };
    const primary = createCapturingNotifier();
    const room = createAccountsRoom({
      job: 'renew',
      runId: 'r1',
      labels: ['quiet', 'slow'],
      primary,
      log,
      ...(cap !== undefined ? { globalCap: cap } : {}),
      waitLimitMs: computeRoomWaitLimitMs(
        remainingMs(),
        [base.worstCaseCallMs, base.worstCaseCallMs],
        cap !== undefined,
      ),
    });
    const parts = [
      { label: 'quiet', deps: quiet.deps({ notifier: room.notifierFor('quiet'), remainingMs }), t: quiet },
      {
        label: 'slow',
        deps: slow.deps({ notifier: room.notifierFor('slow'), remainingMs, registrar: throttled }),
        t: slow,
      },
    ];
    let finished = false;
    void runAccounts(room, 'r1', parts, ({ label, deps, t }) => {
      const share = room.shareFor(label);
      return executeRenew(deps, {
        policy: t.policy,
        dryRun: false,
        runId: 'r1',
        ...(share && cap !== undefined ? { global: { cap, share } } : {}),
      });
    }).then(() => {
      finished = true;
    });
    while (remainingMs() > 0 && !finished) await jest.advanceTimersByTimeAsync(1_000);
    expect(finished).toBe(true); // slow finished well before the deadline
    expect(slow.registrar.submissions().map((s) => s.domainName)).toEqual(['slow.com']);
  });
});
