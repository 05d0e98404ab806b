import type { Batch } from '../../lib/ledger/port';
import type { FanoutTarget } from '../../lib/notify/fanout';
import { parsePolicyText } from '../../lib/policy/load';
import { FINISHED_WITHOUT_ROW_BY_HAND } from '../../lib/renewal/entry-notes';
import { type StandIn, startStandIn } from '../helpers/chat-standins';
import { createNoticeDesk, stuckBatchAt } from '../helpers/notice-desk';

/**
 * Review 2026-12-07 (thirty-first session) of that session's told marks (07ed0a5). A line a destination got while another failed is marked
 * told to it for 12 h, by key (domain|event|batchId|oldExpiryMs), not content. Check's first act note re-flags `stuck`
 * at once (check.ts toAct: stuckNotifiedAtMs 0): a stuck line of the same key as the one sent hours before.
 *
 * 06:00: the stuck line ("task not finished in time") goes to SNS; chat target "ops" is down (retried): SNS's lines
 * are marked told. 07:00: ops gets it, the notice is sent.
 * 09:00: check finds the task finished without a row: "renew it by hand". SNS (email and SMS) gets nothing: the line
 * is hidden by the 06:00 told mark. A domain not renewed, its one "renew it by hand" page lost.
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

describe('a stuck line SNS got while a chat target failed', () => {
  it('does not hide the "renew it by hand" line check sends hours later', async () => {
    const desk = createNoticeDesk({ nowMs: NOW, policy: POLICY, targets: TARGETS, batches: [stuckBatchAt(NOW)] });
    const { clock, batches, sent } = desk;
    const run = (url: string) => desk.deliver({ ops: url }).catch(() => undefined);

    ops.mode = 'down';
    await run(ops.url); // 06:00: SNS gets the stuck line; ops down, retried
    expect(sent).toHaveLength(1);
    expect(batches.get('b-1')?.pendingNotices).toEqual(['stuck']);
    clock.advance(HOUR);
    ops.mode = 'ok';
    await run(ops.url); // 07:00: ops gets it, the notice is sent
    expect(ops.accepted).toHaveLength(1);
    expect(batches.get('b-1')?.pendingNotices).toEqual([]);

    // 09:00: as check does on the first act note (check.ts toAct, flagStuck): the entry's note, `stuck` at once.
    clock.advance(2 * HOUR);
    const b = batches.get('b-1') as Batch;
    batches.set('b-1', {
      ...b,
      entries: b.entries.map((e) => ({ ...e, message: FINISHED_WITHOUT_ROW_BY_HAND })),
      pendingNotices: ['stuck'],
      stuckNotifiedAtMs: clock.now(),
    });
    const before = sent.length;
    await run(ops.url);
    // Now: SNS got nothing at 09:00 ([]): the "renew it by hand" page was hidden by the 06:00 told mark.
    expect(sent.slice(before).filter((m) => m.email.includes('renew it by hand'))).toHaveLength(1);
  });
});
