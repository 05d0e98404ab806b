import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EXIT } from '../../lib/commands/io';
import type { Ledger } from '../../lib/ledger/port';
import { type Sandbox, startSandbox } from '../../lib/sandbox';
import { runCliInProcess } from '../helpers/cli-process';
import { withEmbeddedLedger } from '../helpers/embedded-ledger';

// `autorenew close-batch` on an embedded ledger, in process (runCli, the entry point bin/autorenew.js calls).
// The command runs at the real time (Date.now()): the batch is two days old, the domain expires in 60 days, so the
// next renew run can buy it (one whose last buying moment is too close is told to be renewed by hand: close-batch-late-release-promise).
const DAY = 86_400_000;
const EXPIRY = Math.floor(Date.now() / DAY) * DAY + 60 * DAY;
const NOW = Date.now() - 2 * DAY;
const EXPIRY_DAY = new Date(EXPIRY).toISOString().slice(0, 10);
/** What the command says of a batch with no TaskNo (its submit's answer lost): nothing to read. */
const NO_TASK =
  "batch b-stuck has no TaskNo (its submit's answer was lost): no task was read; the console task list is the only check";

describe('autorenew close-batch', () => {
  let dir: string;
  const env = () => ({ AUTORENEW_LEDGER_DIR: join(dir, 'ledger') });

  const withLedger = <T>(fn: (l: Ledger) => Promise<T>) => withEmbeddedLedger(env(), fn);

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'autorenew-close-'));
    await withLedger(async (ledger) => {
      const claimed = await ledger.claim({
        domain: 'gone.com',
        expiryMs: EXPIRY,
        batchId: 'b-stuck',
        attemptId: 'a1',
        years: 1,
        nowMs: NOW,
        maxAttempts: 3,
      });
      if (!claimed.ok) throw new Error('seed claim refused');
      // No TaskNo anywhere: nothing to read (a claim that carries one has its task read: test/unit/close-batch).
      await ledger.saveClaim({ ...claimed.claim, status: 'UNKNOWN', message: 'answer lost' });
      await ledger.putBatchIntent({
        batchId: 'b-stuck',
        runId: 'r',
        attemptId: 'a1',
        status: 'INTENT',
        createdAtMs: NOW,
        updatedAtMs: NOW,
        entries: [{ domain: 'gone.com', expiryMs: EXPIRY, years: 1, permitPremium: false }],
        pendingNotices: [],
        sentNotices: [],
      });
      const stored = await ledger.getBatch('b-stuck');
      if (stored) await ledger.saveBatch({ ...stored, status: 'UNKNOWN', pendingNotices: ['unknown'] });
      // A second stuck batch whose domain's last buying moment is 10 hours away (lastBuyMs as a run stores it).
      const late = { domain: 'late.com', expiryMs: Date.now() + 10 * 3_600_000, years: 1 };
      const lateClaim = await ledger.claim({ ...late, batchId: 'b-late', attemptId: 'a2', nowMs: NOW, maxAttempts: 3 });
      if (!lateClaim.ok) throw new Error('seed claim refused');
      await ledger.saveClaim({ ...lateClaim.claim, status: 'UNKNOWN', message: 'answer lost' });
      await ledger.putBatchIntent({
        batchId: 'b-late',
        runId: 'r',
        attemptId: 'a2',
        status: 'INTENT',
        createdAtMs: NOW,
        updatedAtMs: NOW,
        entries: [{ ...late, permitPremium: false, lastBuyMs: late.expiryMs }],
        pendingNotices: [],
        sentNotices: [],
      });
      const storedLate = await ledger.getBatch('b-late');
      if (storedLate) await ledger.saveBatch({ ...storedLate, status: 'UNKNOWN', pendingNotices: ['unknown'] });
    });
  });

  // The next daily renew run may come after its last buying moment: not promised to buy it (review 2026-12-07,
  // twenty-sixth session).
  it('a release close to the last buying moment says to renew by hand, not that the next run buys it', async () => {
    const preview = await runCliInProcess(['close-batch', 'b-late', '--reason', 'task cancelled'], env());
    expect(preview.stdout).toMatch(
      /late\.com \(expiry [-\d]+\): would be released; the next daily renew run may come after .* UTC, the last time this tool buys it: .*renew it by hand in the console now/,
    );
    expect(preview.stdout).not.toMatch(/next renew run buys it/);
  });

  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('refuses without a reason or a known batch; without --yes it only says what it would do', async () => {
    const noReason = await runCliInProcess(['close-batch', 'b-stuck'], env());
    expect(noReason.code).toBe(EXIT.invalidInput);
    expect(noReason.stderr).toMatch(/^autorenew close-batch: --reason TEXT is required: .*nothing was written/);
    const unknown = await runCliInProcess(['close-batch', 'b-nope', '--reason', 'x', '--yes'], env());
    expect(unknown.code).toBe(EXIT.invalidInput);
    expect(unknown.stderr).toMatch(/no batch "b-nope" in the ledger; `autorenew status` lists the open ones/);

    const preview = await runCliInProcess(['close-batch', 'b-stuck', '--reason', 'transferred out'], env());
    expect(preview.code).toBe(EXIT.invalidInput);
    expect(preview.stdout).toBe(
      `${NO_TASK}\ngone.com (expiry ${EXPIRY_DAY}): would be released; the next renew run buys it if it is due and not held\n`,
    );
    expect(preview.stderr).toMatch(
      /batch b-stuck \(UNKNOWN\) was not closed: check the console task list, then add --yes/,
    );
    expect(await withLedger(async (l) => (await l.getBatch('b-stuck'))?.status)).toBe('UNKNOWN');
  });

  it('--yes releases the claim and closes the batch with a resolved notice', async () => {
    const run = await runCliInProcess(['close-batch', 'b-stuck', '--reason', 'transferred out', '--yes'], env());
    expect(run.stderr).toBe('');
    expect(run.code).toBe(EXIT.ok);
    expect(run.stdout.split('\n')).toEqual([
      NO_TASK,
      `gone.com (expiry ${EXPIRY_DAY}): released; the next renew run buys it if it is due and not held`,
      'close-batch: batch b-stuck closed, 1 renewal(s) released',
      '',
    ]);
    const [batch, claims] = await withLedger(
      async (l) => [await l.getBatch('b-stuck'), await l.listClaimsForDomain('gone.com')] as const,
    );
    // The pending `unknown` alert is obsolete once a person closed the batch: `resolved` says what happened.
    expect(batch).toMatchObject({ status: 'CLOSED', pendingNotices: ['resolved'] });
    expect(claims).toEqual([
      expect.objectContaining({
        status: 'FAILED',
        code: 'not-submitted',
        attempts: 0,
        message: 'closed by hand: transferred out',
      }),
    ]);
    const again = await runCliInProcess(['close-batch', 'b-stuck', '--reason', 'x', '--yes'], env());
    expect(again.stdout).toBe('batch b-stuck is closed already; nothing to do\n');
  });
});

describe('autorenew close-batch asks the registrar first', () => {
  let sandbox: Sandbox;
  let dir: string;
  let env: Record<string, string>;

  beforeAll(async () => {
    // A frozen sandbox clock a year behind the system's: the batch reads as days old to the command (Date.now()).
    sandbox = await startSandbox({
      nowMs: NOW,
      freezeClock: true,
      faults: { taskQueueMs: 30 * 86_400_000 },
      // Two days left: past the default advance notice, so the run buys it.
      fixture: { domains: [{ domainName: 'queued.com', expiresAtMs: NOW + 2 * 86_400_000 }] },
    });
    dir = await mkdtemp(join(tmpdir(), 'autorenew-close-sandbox-'));
    env = {
      AUTORENEW_ENDPOINT: sandbox.url,
      ALIBABA_CLOUD_ACCESS_KEY_ID: sandbox.accessKeyId,
      ALIBABA_CLOUD_ACCESS_KEY_SECRET: sandbox.accessKeySecret,
      AUTORENEW_LEDGER_DIR: join(dir, 'ledger'),
    };
  });

  afterAll(async () => {
    await sandbox?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('refuses while the task still waits in the queue; --no-task-check leaves it to the person', async () => {
    const renew = await runCliInProcess(['renew', '--yes', '--json'], env);
    expect(renew.code).toBe(EXIT.ok);
    const [open] = await withEmbeddedLedger(env, (l) => l.listOpenBatches());
    expect(open?.taskNo).toBeDefined();
    const batchId = open?.batchId as string;
    const refused = await runCliInProcess(['close-batch', batchId, '--reason', 'looks stuck', '--yes'], env);
    expect(refused.code).toBe(EXIT.invalidInput);
    expect(refused.stderr).toContain(
      `its task ${open?.taskNo} still holds queued.com (waiting: it may still run) at the registrar`,
    );
    expect((await withEmbeddedLedger(env, (l) => l.getBatch(batchId)))?.status).toBe('SUBMITTED');
    const forced = await runCliInProcess(
      ['close-batch', batchId, '--reason', 'cancelled in the console', '--yes', '--no-task-check'],
      env,
    );
    expect(forced.code).toBe(EXIT.ok);
    expect((await withEmbeddedLedger(env, (l) => l.getBatch(batchId)))?.status).toBe('CLOSED');
    // The released claim keeps the task as an earlier one: no reconciliation adopts it for this claim later.
    const [claim] = await withEmbeddedLedger(env, (l) => l.listClaimsForDomain('queued.com'));
    expect(claim).toMatchObject({ status: 'FAILED', code: 'not-submitted', previousTaskNos: [open?.taskNo] });
  });
});
