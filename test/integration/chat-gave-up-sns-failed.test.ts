import type { FanoutTarget } from '../../lib/notify/fanout';
import { parsePolicyText } from '../../lib/policy/load';
import { type StandIn, startStandIn } from '../helpers/chat-standins';
import { createNoticeDesk, stuckBatchAt } from '../helpers/notice-desk';

/**
 * Review 2026-12-07 (thirty-first session) of that session's told marks (04c23a0). A target that gives up has the digest's lines marked told to it, and the marks are written
 * even when SNS then fails (the fan-out writes its marks before it rethrows). The notices stay pending, so the next
 * run re-renders the digest: the target is skipped as told ("already-sent"), and the email that finally goes out has
 * no "Chat delivery" report. The give-up is told to no one: the email of run 1 never left, run 2's does not say it.
 * Before 04c23a0 the target was tried again on run 2 and its give-up was in that email.
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

describe('a chat target that gives up while SNS fails', () => {
  it('is reported in the email of the retry', async () => {
    const desk = createNoticeDesk({ nowMs: NOW, policy: POLICY, targets: TARGETS, batches: [stuckBatchAt(NOW)] });
    const { clock, batches, sent } = desk;
    desk.snsDown = true;
    const revoked = ops.url.replace(/access_token=[^&]+/, 'access_token=revoked000000000000000000');
    const run = (url: string) => desk.deliver({ ops: url }).catch(() => undefined);

    await run(revoked); // 06:00: ops gives up; SNS fails, the notice stays pending
    expect(ops.refused).toEqual(['token']);
    expect(sent).toHaveLength(0);
    expect(batches.get('b-1')?.pendingNotices).toEqual(['stuck']);

    clock.advance(HOUR);
    desk.snsDown = false;
    await run(revoked); // 07:00: SNS back; ops's token still revoked
    expect(batches.get('b-1')?.pendingNotices).toEqual([]);
    expect(sent.some((m) => m.email.includes('task not finished'))).toBe(true);
    // Now: no email says ops did not get it ([]): ops was skipped as told, not tried, not reported.
    expect(sent.filter((m) => /"ops" did not get/.test(m.email))).toHaveLength(1);
  });
});
