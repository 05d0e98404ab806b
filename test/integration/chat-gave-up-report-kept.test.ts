import { fixedClock } from '../../lib/clock';
import type { Batch, Ledger } from '../../lib/ledger/port';
import { createLogger } from '../../lib/log';
import { createEnvTargetCredentials } from '../../lib/notify/chat/credentials';
import { createFanoutNotifier, type FanoutTarget } from '../../lib/notify/fanout';
import type { Notifier, RenderedMessage } from '../../lib/notify/port';
import { parsePolicyText } from '../../lib/policy/load';
import { targetEnvStem } from '../../lib/policy/schema';
import { deliverNotices } from '../../lib/renewal/notices';
import { type StandIn, startStandIn } from '../helpers/chat-standins';

/**
 * Review 2026-12-07 (thirty-first session) of that session's fixes, lib/notify/fanout.ts. When every line of a digest was told to
 * SNS lately (marked `notify#told#primary#...` while a chat target failed) but the digest's content is not the one
 * sent (a stuck line's "it expires in N hours" moved on by an hour), the fan-out sends SNS nothing and records
 * `already-sent`. Only the `isSent('primary')` branch sends the "chat target did not get a digest" notice when the
 * target gives up; this new branch drops the delivery report. The target's failures end (gave-up), the notice is
 * marked sent, the target never gets the stuck line, and no email ever says so: the person relying on the chat
 * room believes it has every alert.
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
    entries: [{ domain: 'stuck.com', expiryMs: NOW + 20 * HOUR, years: 1, permitPremium: false }],
    pendingNotices: ['stuck'],
    sentNotices: [],
    version: 1,
  };
}

function memoryMarks() {
  const at = new Map<string, number>();
  return {
    getMarks: async (ks: readonly string[]) =>
      new Map(ks.filter((k) => at.has(k)).map((k) => [k, at.get(k) ?? 0] as const)),
    putMarks: async (ks: readonly string[], nowMs: number) => {
      for (const k of ks) at.set(k, nowMs);
    },
  };
}

let ding: StandIn;
beforeAll(async () => {
  ding = await startStandIn('dingtalk');
});
afterAll(async () => {
  await ding.close();
});

describe('a chat target that gives up on a digest SNS was told line by line', () => {
  it('is still reported in an email', async () => {
    const clock = fixedClock(NOW);
    const marks = memoryMarks();
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
    const run = () =>
      deliverNotices(
        {
          ledger,
          notifier: createFanoutNotifier({
            primary,
            targets,
            credentials: createEnvTargetCredentials({ [`${targetEnvStem('ops')}_URL`]: ding.url }),
            notify: POLICY.notify,
            marks,
            clock,
            log,
            maxFailuresPerDay: 2,
          }),
          log,
          clock,
        },
        POLICY,
        { job: 'check', runId: `r-${clock.now()}`, batches: [...batches.values()] },
      );

    ding.mode = 'down'; // 06:00: the target is down; SNS gets the stuck line
    await run();
    expect(sent).toHaveLength(1);
    expect(batches.get('b-1')?.pendingNotices).toEqual(['stuck']);

    clock.advance(HOUR); // 07:00: still down, its second failed run: it gives up
    await run();
    expect(ding.accepted).toHaveLength(0);
    expect(batches.get('b-1')?.pendingNotices).toEqual([]); // no longer retried: the target never gets it
    // Someone must be told the target did not get the stuck line. Now: nothing more was published.
    const reports = sent.slice(1).filter((m) => m.email.includes('did not get'));
    expect(reports).toHaveLength(1);
  });
});
