import { fixedClock } from '../../lib/clock';
import type { Batch, Ledger } from '../../lib/ledger/port';
import { createLogger } from '../../lib/log';
import { createEnvTargetCredentials } from '../../lib/notify/chat/credentials';
import { createFanoutNotifier, type FanoutTarget } from '../../lib/notify/fanout';
import type { Notifier, RenderedMessage } from '../../lib/notify/port';
import { parsePolicyText } from '../../lib/policy/load';
import { targetEnvStem } from '../../lib/policy/schema';
import { FINISHED_WITHOUT_ROW_BY_HAND } from '../../lib/renewal/entry-notes';
import { deliverNotices } from '../../lib/renewal/notices';
import { type StandIn, startStandIn } from '../helpers/chat-standins';
import { createMemoryMarks } from '../helpers/memory-marks';

/**
 * Review 2026-12-07 (thirty-first session) of that session's told marks (04c23a0). A chat target that gives up now has the digest's lines marked told to it for 12 h, whatever
 * the other destinations did. Told marks are per line key (domain|event|batchId|oldExpiryMs), not per content: a later
 * line of another content under the same key is hidden from it. Check does send such a line within hours: the first
 * act note of an open entry ("renew it by hand", "close the batch") re-flags `stuck` at once (check.ts toAct:
 * stuckNotifiedAtMs 0), a stuck line with the same key as the daily one sent hours before.
 *
 * 06:00: the stuck line ("task not finished in time") goes out; ops's token is revoked: it gives up (email says so).
 * 07:00: the person fixes ops's token, as the email asked.
 * 09:00: check finds the task finished without a row: "renew it by hand" (stuck re-flagged at once). SNS gets it; ops,
 * now working, does not: skipped as told. Before 04c23a0 ops got it.
 */
const NOW = Date.UTC(2025, 2, 1, 6, 0, 0);
const HOUR = 3_600_000;
const POLICY = parsePolicyText('{"version": 1}', 'p.json');

function stuckBatch(): Batch {
  return {
    batchId: 'b-1',
    runId: 'r',
    attemptId: 'a',
    status: 'SUBMITTED',
    taskNo: 'T-1',
    createdAtMs: NOW - 30 * HOUR,
    updatedAtMs: NOW - HOUR,
    submitStartedAtMs: NOW - 30 * HOUR,
    entries: [{ domain: 'stuck.com', expiryMs: NOW + 2 * 86_400_000, years: 1, permitPremium: false }],
    pendingNotices: ['stuck'],
    sentNotices: [],
    stuckNotifiedAtMs: NOW,
    version: 1,
  };
}

let ops: StandIn;
beforeAll(async () => {
  ops = await startStandIn('dingtalk');
});
afterAll(async () => {
  await ops.close();
});

describe('a chat target that gave up on one stuck line', () => {
  it('still gets the "renew it by hand" line check sends hours later, once it works again', async () => {
    const clock = fixedClock(NOW);
    const marks = createMemoryMarks();
    const batches = new Map<string, Batch>([['b-1', stuckBatch()]]);
    const ledger = {
      ...marks,
      getBatch: async (id: string) => batches.get(id),
      saveBatch: async (b: Batch) => {
        batches.set(b.batchId, { ...b, version: b.version + 1 });
      },
      getClaims: async () => [],
    } as unknown as Ledger;
    const sent: RenderedMessage[] = [];
    const primary: Notifier = {
      publish: async (m) => {
        sent.push(m);
        return {};
      },
    };
    const log = createLogger({ level: 'error', sink: () => {} });
    const targets: FanoutTarget[] = [{ name: 'ops', kind: 'dingtalk', events: ['stuck'], minSeverity: 'info' }];
    const revoked = ops.url.replace(/access_token=[^&]+/, 'access_token=revoked000000000000000000');
    const run = (url: string) =>
      deliverNotices(
        {
          ledger,
          notifier: createFanoutNotifier({
            primary,
            targets,
            credentials: createEnvTargetCredentials({ [`${targetEnvStem('ops')}_URL`]: url }),
            notify: POLICY.notify,
            marks,
            clock,
            log,
          }),
          log,
          clock,
        },
        POLICY,
        { job: 'check', runId: `r-${clock.now()}`, batches: [...batches.values()] },
      ).catch(() => undefined);

    await run(revoked); // 06:00: ops gives up, the email says so
    expect(ops.refused).toEqual(['token']);
    expect(sent[0]?.email).toMatch(/"ops" did not get this digest/);
    expect(batches.get('b-1')?.pendingNotices).toEqual([]);

    // 09:00: as check does on the first act note (check.ts toAct, flagStuck): the entry's note, `stuck` at once.
    clock.advance(3 * HOUR);
    const b = batches.get('b-1') as Batch;
    batches.set('b-1', {
      ...b,
      entries: b.entries.map((e) => ({ ...e, message: FINISHED_WITHOUT_ROW_BY_HAND })),
      pendingNotices: ['stuck'],
      stuckNotifiedAtMs: clock.now(),
    });
    await run(ops.url); // ops's token fixed
    expect(sent.at(-1)?.email).toMatch(/renew it by hand/); // SNS got it
    const opsGot = ops.accepted.map((body) => JSON.stringify(body));
    // Now: ops got nothing ([]): the "renew it by hand" line was hidden by the 06:00 give-up's told mark.
    expect(opsGot.filter((t) => t.includes('renew it by hand'))).toHaveLength(1);
  });
});
