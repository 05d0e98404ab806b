import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EXIT } from '../../lib/commands/io';
import type { Ledger } from '../../lib/ledger/port';
import { runCliInProcess } from '../helpers/cli-process';
import { withEmbeddedLedger } from '../helpers/embedded-ledger';
import { PROCESS_TEST_TIMEOUT_MS } from '../helpers/timeouts';

// Review 2026-12-06 (round 4, helper rvt): a batch whose submit start is durable and whose UNKNOWN (or TaskNo) write then failed stays INTENT with
// submitStartedAtMs: the paid call may have been made (design: "the run reports the batch unknown, never 'failed
// before submitting', which could lead a person to renew by hand"; close-batch closes it "as an unknown submit").
// `autorenew status`, the view a person decides from, prints it as a bare "INTENT" in the open batches and in the
// recent outcomes, the word for "written before the paid call", with nothing saying the order may have gone out.
jest.setTimeout(PROCESS_TEST_TIMEOUT_MS);

const EXPIRY = Date.UTC(2026, 0, 10);
const NOW = Date.UTC(2026, 0, 1);

let dir: string;
const env = () => ({ AUTORENEW_LEDGER_DIR: join(dir, 'ledger') });

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'rvt-status-intent-'));
  await withEmbeddedLedger(env(), async (ledger: Ledger) => {
    const intent = await ledger.putBatchIntent({
      batchId: 'b-sent',
      runId: 'r1',
      attemptId: 'r1/b-sent',
      status: 'INTENT',
      createdAtMs: NOW,
      updatedAtMs: NOW,
      entries: [{ domain: 'maybe-bought.com', expiryMs: EXPIRY, years: 1, permitPremium: false }],
      pendingNotices: [],
      sentNotices: [],
    });
    const claimed = await ledger.claim({
      domain: 'maybe-bought.com',
      expiryMs: EXPIRY,
      batchId: 'b-sent',
      attemptId: 'r1/b-sent',
      years: 1,
      nowMs: NOW,
      maxAttempts: 3,
    });
    if (!claimed.ok) throw new Error('seed');
    // The submit start landed; the paid call went out; its answer (TaskNo) or the UNKNOWN write did not land.
    await ledger.saveBatch({ ...intent, submitStartedAtMs: NOW + 1000, updatedAtMs: NOW + 1000 });
  });
});
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

it('status does not show a batch whose paid call may have gone out as a plain INTENT', async () => {
  const status = await runCliInProcess(['status'], env());
  expect(status.code).toBe(EXIT.ok);
  const lines = status.stdout.split('\n').filter((l) => /b-sent|maybe-bought\.com/.test(l));
  // Each line about it says the order may have been sent (submit started / unknown / may have been bought).
  expect(lines.filter((l) => !/submit started|UNKNOWN|may have been (sent|bought)/i.test(l))).toEqual([]);
});
