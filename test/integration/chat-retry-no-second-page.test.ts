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
import { createMemoryMarks } from '../helpers/memory-marks';

/**
 * Review 2026-12-07 (thirty-first session), chat targets. fanout.ts / notices.ts: a chat target that failed keeps the batch notices pending, on the premise that "the next run
 * renders the same digest; the sent marks skip SNS and the targets that have it". The marks are per digest content,
 * so once anything else is told on the next run (another batch's notice, the hourly check's usual case) the digest is
 * new, and SNS gets the already-paged lines again, SMS and all: a person is paged twice for one failure, as if a
 * second one happened. Here the target was down for one hour only.
 */
const NOW = Date.UTC(2025, 2, 1, 6, 0, 0);
const HOUR = 3_600_000;
const DAY = 86_400_000;
const POLICY = parsePolicyText('{"version": 1}', 'p.json');

function batch(id: string, domain: string, outcome: 'FAILED' | 'RENEWED'): Batch {
  return {
    batchId: id,
    runId: 'r',
    attemptId: 'a',
    status: 'CLOSED',
    createdAtMs: NOW - HOUR,
    updatedAtMs: NOW - HOUR,
    entries: [
      {
        domain,
        expiryMs: NOW + 5 * DAY,
        years: 1,
        permitPremium: false,
        outcome,
        ...(outcome === 'RENEWED' ? { newExpiryMs: NOW + 370 * DAY } : { message: 'Insufficient balance' }),
      },
    ],
    pendingNotices: ['final'],
    sentNotices: [],
    version: 1,
  };
}

let ding: StandIn;
beforeAll(async () => {
  ding = await startStandIn('dingtalk');
});
afterAll(async () => {
  await ding.close();
});

describe('a chat target down for one check run', () => {
  it('does not make SNS page the same failure again on the next run', async () => {
    const clock = fixedClock(NOW);
    const marks = createMemoryMarks();
    const batches = new Map<string, Batch>([['b-1', batch('b-1', 'lapsing.com', 'FAILED')]]);
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
    const targets: FanoutTarget[] = [{ name: 'ops', kind: 'dingtalk', events: ['failed'], minSeverity: 'info' }];
    const run = () => {
      const notifier = createFanoutNotifier({
        primary,
        targets,
        credentials: createEnvTargetCredentials({ [`${targetEnvStem('ops')}_URL`]: ding.url }),
        notify: POLICY.notify,
        marks,
        clock,
        log,
      });
      return deliverNotices({ ledger, notifier, log, clock }, POLICY, {
        job: 'check',
        runId: `r-${clock.now()}`,
        batches: [...batches.values()],
      });
    };

    ding.mode = 'down'; // HTTP 503: retried next run
    await expect(run()).resolves.toBe(true);
    expect(batches.get('b-1')?.pendingNotices).toEqual(['final']);

    // The next hourly check: the target is back; another batch finished meanwhile (a renewal, email only).
    ding.mode = 'ok';
    clock.advance(HOUR);
    batches.set('b-2', batch('b-2', 'other.com', 'RENEWED'));
    await expect(run()).resolves.toBe(true);

    expect(ding.accepted.length).toBeGreaterThan(0); // the target got the failure
    const pages = sent.filter(
      (m) =>
        m.severity === 'alert' &&
        (m.digest?.outcomes ?? []).some((o) => o.domain === 'lapsing.com' && o.event === 'failed'),
    );
    // One failure, one page (SMS): SNS had it at 06:00.
    expect(pages.map((m) => m.sms)).toHaveLength(1);
  });
});
