import type { Batch } from '../../lib/ledger/port';
import type { FanoutTarget } from '../../lib/notify/fanout';
import { parsePolicyText } from '../../lib/policy/load';
import { FINISHED_WITHOUT_ROW_BY_HAND } from '../../lib/renewal/entry-notes';
import { type StandIn, startStandIn } from '../helpers/chat-standins';
import { createNoticeDesk, stuckBatchAt } from '../helpers/notice-desk';

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
const TARGETS: FanoutTarget[] = [{ name: 'ops', kind: 'dingtalk', events: ['stuck'], minSeverity: 'info' }];

let ops: StandIn;
beforeAll(async () => {
  ops = await startStandIn('dingtalk');
});
afterAll(async () => {
  await ops.close();
});

describe('a chat target that gave up on one stuck line', () => {
  it('still gets the "renew it by hand" line check sends hours later, once it works again', async () => {
    const desk = createNoticeDesk({ nowMs: NOW, policy: POLICY, targets: TARGETS, batches: [stuckBatchAt(NOW)] });
    const { clock, batches, sent } = desk;
    const revoked = ops.url.replace(/access_token=[^&]+/, 'access_token=revoked000000000000000000');
    const run = (url: string) => desk.deliver({ ops: url }).catch(() => undefined);

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
