import type { Batch, Ledger } from '../../lib/ledger/port';
import { createLogger } from '../../lib/log';
import type { RenderedMessage } from '../../lib/notify/port';
import { parsePolicyText } from '../../lib/policy/load';
import { deliverNotices } from '../../lib/renewal/notices';
import { createMemoryLedger } from '../helpers/memory-ledger';

/**
 * Marking a digest's notices sent while another run adds to one of them (review 2026-12-03): an overlapping check
 * records a new moved expiry under the same pending `expiry-moved` notice between this run's publish and its write.
 */

const NOW = Date.UTC(2026, 11, 3, 6, 0, 0);
const DAY_MS = 86_400_000;
const POLICY = parsePolicyText('{"version": 1}', 'p.json');

const entry = (domain: string) => ({ domain, expiryMs: NOW + 5 * DAY_MS, years: 1, permitPremium: false });

async function pendingMoved(ledger: Ledger): Promise<Batch> {
  return ledger.putBatchIntent({
    batchId: 'b-1',
    runId: 'r',
    attemptId: 'r/b-1',
    status: 'SUBMITTED',
    taskNo: 'T-1',
    createdAtMs: NOW - DAY_MS,
    updatedAtMs: NOW - DAY_MS,
    entries: [entry('a.com'), entry('b.com')],
    movedExpiries: [{ domain: 'a.com', expiryMs: NOW + 200 * DAY_MS }],
    pendingNotices: ['expiry-moved'],
    sentNotices: [],
  });
}

describe('marking notices sent', () => {
  test('a moved expiry added by another run after the publish stays pending; what was published is sent', async () => {
    const ledger = createMemoryLedger();
    const rendered = await pendingMoved(ledger);
    const sent: RenderedMessage[] = [];
    let raced = false;
    const racing: Ledger = {
      ...ledger,
      saveBatch: async (batch) => {
        if (!raced) {
          raced = true;
          // The overlapping check records b.com's moved expiry under the notice still pending.
          const stored = (await ledger.getBatch('b-1')) as Batch;
          await ledger.saveBatch({
            ...stored,
            movedExpiries: [...(stored.movedExpiries ?? []), { domain: 'b.com', expiryMs: NOW + 100 * DAY_MS }],
          });
        }
        return ledger.saveBatch(batch);
      },
    };
    const delivered = await deliverNotices(
      {
        ledger: racing,
        notifier: {
          publish: async (m) => {
            sent.push(m);
            return {};
          },
        },
        log: createLogger({ level: 'error', sink: () => {} }),
        clock: { now: () => NOW },
      },
      POLICY,
      { job: 'check', runId: 'c-1', batches: [rendered] },
    );
    expect(delivered).toBe(true);
    expect(sent).toHaveLength(1);
    expect(sent[0]?.email).toContain('a.com');
    expect(sent[0]?.email).not.toContain('b.com');
    const after = (await ledger.getBatch('b-1')) as Batch;
    // b.com's line was never published: the notice stays pending for the next digest.
    expect(after.pendingNotices).toEqual(['expiry-moved']);
  });

  test('without a rival write the published notice moves to sent', async () => {
    const ledger = createMemoryLedger();
    const rendered = await pendingMoved(ledger);
    await deliverNotices(
      {
        ledger,
        notifier: { publish: async () => ({}) },
        log: createLogger({ level: 'error', sink: () => {} }),
        clock: { now: () => NOW },
      },
      POLICY,
      { job: 'check', runId: 'c-1', batches: [rendered] },
    );
    const after = (await ledger.getBatch('b-1')) as Batch;
    expect(after.pendingNotices).toEqual([]);
    expect(after.sentNotices).toEqual(['expiry-moved']);
  });
});
