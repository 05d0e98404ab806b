import { createAlibabaClient } from '../../lib/alibaba/client';
import { executeRenew } from '../../lib/jobs';
import { createAccountsRoom, runAccounts } from '../../lib/jobs/accounts';
import { createLogger } from '../../lib/log';
import type { Registrar } from '../../lib/registrar/port';
import { computeRoomWaitLimitMs } from '../../lib/renewal/time-margin';
import { given } from '../helpers/builder';
import { createCapturingNotifier } from '../helpers/world';

/**
 * One scheduled renew invocation over two accounts (handlers/renew.ts: runAccounts over one room), under the Lambda
 * deadline. Account "slow" is throttled: its listing takes 20 minutes (each call bounded, the sequence not), more than
 * the 15 the function has. README "Several accounts" promises that one account's throttling or outage fails only its
 * part and the others run to the end. The room's two barriers (global-cap shares, the one combined digest) wait for
 * every account with no regard to the deadline, and the renew planning phase never looks at remainingMs, so the
 * healthy account is held until the platform kills the invocation: with AUTORENEW_GLOBAL_MAX_DOMAINS it buys nothing
 * (its 1-day domain lapses behind a generic "renew timed out" alarm), and without it, its digest (the will-lapse and
 * deferred lines that exist only in this run's plan) and its run record are lost with the process.
 *
 * Time is jest's fake clock: remainingMs() is the deadline minus Date.now(); nothing sleeps for real.
 */
const quiet = createLogger({ sink: () => {} });
const FUNCTION_MS = 900_000;

async function runUntilKilled(globalCap: number | undefined, worstCaseCallMs?: number) {
  const deadline = Date.now() + FUNCTION_MS;
  const remainingMs = () => deadline - Date.now();
  const healthy = await given({ domains: ['healthy.com+1d'] });
  const slow = await given({ domains: ['slow.com+20d'] });
  const base = slow.registrar;
  const withWorstCase = (r: Registrar): Registrar => (worstCaseCallMs === undefined ? r : { ...r, worstCaseCallMs });
  const throttled: Registrar = {
    ...withWorstCase(base),
    listDomains: (q) =>
      new Promise((resolve, reject) => {
        setTimeout(() => base.listDomains(q).then(resolve, reject), 20 * 60_000);
      }),
  };
  const primary = createCapturingNotifier();
  const room = createAccountsRoom({
    job: 'renew',
    runId: 'r1',
    labels: ['healthy', 'slow'],
    primary,
    log: quiet,
    ...(globalCap !== undefined ? { globalCap } : {}),
    // As compose/accounts.ts sets it for several accounts: two of the jobs' time margins before the deadline.
    waitLimitMs: computeRoomWaitLimitMs(remainingMs(), [worstCaseCallMs, worstCaseCallMs], globalCap !== undefined),
  });
  const parts = [
    {
      label: 'healthy',
      deps: healthy.deps({
        notifier: room.notifierFor('healthy'),
        remainingMs,
        registrar: withWorstCase(healthy.registrar),
      }),
      t: healthy,
    },
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
      ...(share && globalCap !== undefined ? { global: { cap: globalCap, share } } : {}),
    });
  }).then(() => {
    finished = true;
  });
  // Let the invocation run until its deadline, one simulated second at a time; then the platform kills it.
  while (remainingMs() > 0 && !finished) await jest.advanceTimersByTimeAsync(1_000);
  return { healthy, primary };
}

describe('a slow account and the function deadline', () => {
  beforeEach(() => {
    jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] });
  });
  afterEach(() => {
    jest.useRealTimers();
  });

  test('with a global cap: the healthy account buys its 1-day domain before the invocation is killed', async () => {
    const { healthy } = await runUntilKilled(10);
    expect(healthy.registrar.submissions().map((s) => s.domainName)).toEqual(['healthy.com']);
  });

  test("with a global cap and the deployed client's margin (200 s, not the default 90 s): the healthy account still buys", async () => {
    // The room's limit was two default margins (180 s) before the deadline: the healthy account left the share
    // barrier with less than its own 200 s margin and stopped before buying its 1-day domain (2026-12-06).
    const unused = {
      get: () => Promise.reject(new Error('unused')),
      refresh: () => Promise.reject(new Error('unused')),
    };
    const deployed = createAlibabaClient({ credentials: unused }).worstCaseCallMs;
    expect(deployed).toBeGreaterThan(60_000);
    const { healthy } = await runUntilKilled(10, deployed);
    expect(healthy.registrar.submissions().map((s) => s.domainName)).toEqual(['healthy.com']);
  });

  test("without a global cap: the healthy account's digest goes out before the invocation is killed", async () => {
    const { healthy, primary } = await runUntilKilled(undefined);
    expect(healthy.registrar.submissions().map((s) => s.domainName)).toEqual(['healthy.com']);
    // Today: nothing is published before the deadline; the process dies with healthy's digest and run record.
    expect(primary.sent.map((m) => m.email).join('\n')).toContain('healthy.com');
    // The slow account's section says it was still running, not that it had nothing to report.
    expect(primary.sent[0]?.email).toMatch(/==== Account slow ====\nStill running when the others reported/);
    expect(await healthy.ledger.lastRun('renew')).toBeDefined();
  });
});
