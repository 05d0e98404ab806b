import { fixedClock } from '../../lib/clock';
import type { Batch, Claim, Ledger } from '../../lib/ledger/port';
import { createLogger } from '../../lib/log';
import { createEnvTargetCredentials } from '../../lib/notify/chat/credentials';
import { createFanoutNotifier, type FanoutNotifier, type FanoutTarget } from '../../lib/notify/fanout';
import type { Notifier, RenderedMessage } from '../../lib/notify/port';
import { type Policy, targetEnvStem } from '../../lib/policy/schema';
import { deliverNotices } from '../../lib/renewal/notices';
import { createMemoryMarks } from './memory-marks';

type DeliverInput = Parameters<typeof deliverNotices>[2];

/**
 * One account's notices on their way out, as a job delivers them: the batches in memory, the marks as the ledger keeps
 * them, SNS a capturing primary (`snsDown` makes it throw), and the real chat fan-out to targets whose URLs each
 * delivery names. For tests of what people are told when a destination fails.
 */
export function createNoticeDesk(options: {
  nowMs: number;
  policy: Policy;
  targets: FanoutTarget[];
  batches?: readonly Batch[];
  /** The claims the digest reads for its failed lines' retry state (default none). */
  getClaims?: () => Promise<Claim[]>;
  maxFailuresPerDay?: number;
}) {
  const clock = fixedClock(options.nowMs);
  const marks = createMemoryMarks();
  const batches = new Map<string, Batch>((options.batches ?? []).map((b) => [b.batchId, b]));
  const ledger = {
    ...marks,
    getBatch: async (id: string) => batches.get(id),
    saveBatch: async (b: Batch) => {
      batches.set(b.batchId, { ...b, version: b.version + 1 });
    },
    getClaims: options.getClaims ?? (async () => []),
  } as unknown as Ledger;
  const sent: RenderedMessage[] = [];
  const desk = {
    clock,
    marks,
    batches,
    /** What SNS took. */
    sent,
    /** SNS refuses every publish while set. */
    snsDown: false,
    /** The fan-out of the last delivery (its lastResults). */
    notifier: undefined as FanoutNotifier | undefined,
    /**
     * One delivery: `urls` by target name; the batches held (default), or `input`'s. Rejects as deliverNotices does.
     */
    deliver(urls: Readonly<Record<string, string>>, input: Partial<DeliverInput> = {}) {
      const primary: Notifier = {
        publish: async (m) => {
          if (desk.snsDown) throw new Error('SNS: Throttling: Rate exceeded');
          sent.push(m);
          return {};
        },
      };
      const log = createLogger({ level: 'error', sink: () => {} });
      const notifier = createFanoutNotifier({
        primary,
        targets: options.targets,
        credentials: createEnvTargetCredentials(
          Object.fromEntries(Object.entries(urls).map(([name, url]) => [`${targetEnvStem(name)}_URL`, url])),
        ),
        notify: options.policy.notify,
        marks,
        clock,
        log,
        ...(options.maxFailuresPerDay !== undefined ? { maxFailuresPerDay: options.maxFailuresPerDay } : {}),
      });
      desk.notifier = notifier;
      return deliverNotices({ ledger, notifier, log, clock }, options.policy, {
        job: 'check',
        runId: `r-${clock.now()}`,
        batches: [...batches.values()],
        ...input,
      });
    },
  };
  return desk;
}

const HOUR = 3_600_000;

/**
 * An order submitted 30 hours before `nowMs` whose task has not finished, flagged stuck at `nowMs` (its `stuck` notice
 * pending), for stuck.com expiring two days after `nowMs`.
 */
export function stuckBatchAt(nowMs: number): Batch {
  return {
    batchId: 'b-1',
    runId: 'r',
    attemptId: 'a',
    status: 'SUBMITTED',
    taskNo: 'T-1',
    createdAtMs: nowMs - 30 * HOUR,
    updatedAtMs: nowMs - HOUR,
    submitStartedAtMs: nowMs - 30 * HOUR,
    entries: [{ domain: 'stuck.com', expiryMs: nowMs + 2 * 86_400_000, years: 1, permitPremium: false }],
    pendingNotices: ['stuck'],
    sentNotices: [],
    stuckNotifiedAtMs: nowMs,
    version: 1,
  };
}
