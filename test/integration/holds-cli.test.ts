import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../lib/cli';
import { type CliIO, EXIT } from '../../lib/commands/io';
import { openLedgerFromEnv } from '../../lib/ledger/embedded';
import type { Hold } from '../../lib/ledger/port';
import { besidesUncheckedNames, runCliProcess } from '../helpers/cli-process';
import { startDynalite } from '../helpers/ledger-dynalite';
import { recordRenewRun } from '../helpers/run-records';
import { PROCESS_TEST_TIMEOUT_MS } from '../helpers/timeouts';

// `autorenew hold`, `unhold` and `holds` (issue 15, the veto) on an embedded ledger. The dates are
// far in the future or the past, so no assertion depends on the wall clock.
jest.setTimeout(PROCESS_TEST_TIMEOUT_MS);

const ROOT = join(__dirname, '..', '..');
const FAR = '2999-01-31';
const FAR_END = Date.UTC(2999, 1, 1);

describe('autorenew hold / unhold / holds', () => {
  let dir: string;
  const env = () => ({ AUTORENEW_LEDGER_DIR: join(dir, 'ledger') });
  // In process (runCli, the same entry point as bin/autorenew.js): a subprocess per call cost a minute of suite
  // time. The table test and the help test below still run the real binary.
  const cli = async (...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> =>
    cliIn(env(), ...args);
  const cliIn = async (
    environment: Record<string, string>,
    ...args: string[]
  ): Promise<{ code: number; stdout: string; stderr: string }> => {
    const out: string[] = [];
    const err: string[] = [];
    const io: CliIO = { out: (l) => out.push(l), err: (l) => err.push(l), isTTY: false, env: environment, cwd: ROOT };
    const code = await runCli(args, io);
    const text = (lines: string[]) => lines.map((l) => `${l}\n`).join('');
    return { code, stdout: text(out), stderr: text(err) };
  };

  async function storedHolds(): Promise<Hold[]> {
    const opened = await openLedgerFromEnv(env());
    try {
      return await opened.ledger.listHolds();
    } finally {
      await opened.close();
    }
  }

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'autorenew-holds-'));
    // The ledger a renew run uses: `hold` confirms a veto only there.
    const opened = await openLedgerFromEnv(env());
    try {
      await recordRenewRun(opened.ledger);
    } finally {
      await opened.close();
    }
  });

  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('a hold of a domain whose renewal is already in flight says it cannot stop that one (review 2026-12-04)', async () => {
    // It printed "the renew job will not buy them" for a domain whose order was already sent: a veto that vetoes
    // nothing, believed.
    const own = { AUTORENEW_LEDGER_DIR: join(dir, 'in-flight') };
    const opened = await openLedgerFromEnv(own);
    try {
      await recordRenewRun(opened.ledger);
      await opened.ledger.claim({
        domain: 'inflight.com',
        expiryMs: FAR_END,
        batchId: 'batch-1',
        attemptId: 'attempt-1',
        years: 1,
        nowMs: Date.UTC(2026, 11, 1),
        maxAttempts: 3,
      });
    } finally {
      await opened.close();
    }
    const run = await cliIn(own, 'hold', 'inflight.com', 'quiet.com');
    expect(run.code).toBe(EXIT.ok);
    expect(run.stderr).toMatch(
      /^inflight\.com: a renewal of it is already in flight \(batch batch-1\); this hold cannot stop it/m,
    );
    expect(besidesUncheckedNames(run.stderr)).not.toContain('quiet.com');
    expect(run.stdout).toContain(
      'hold: 2 domain(s) held; the renew job will not buy them (autorenew unhold to undo); 1 of them already in flight (above): the hold cannot stop those orders',
    );
  });

  it('a hold of a domain whose only live claim is a stray (its sent batch left it out) does not say it cannot stop it', async () => {
    // Thirty-third session's review: a stray was provably not sent, and the hold does stop the renew run's release
    // and purchase of it; told "cannot stop it, cancel it in the console", a person looked for a task that did not exist.
    const own = { AUTORENEW_LEDGER_DIR: join(dir, 'stray') };
    const opened = await openLedgerFromEnv(own);
    try {
      await recordRenewRun(opened.ledger);
      const nowMs = Date.UTC(2026, 11, 1);
      for (const domain of ['stray.com', 'sent.com'])
        await opened.ledger.claim({
          domain,
          expiryMs: FAR_END,
          batchId: 'batch-2',
          attemptId: 'attempt-2',
          years: 1,
          nowMs,
          maxAttempts: 3,
        });
      const entry = { domain: 'sent.com', expiryMs: FAR_END, years: 1, permitPremium: false };
      const intent = await opened.ledger.putBatchIntent({
        batchId: 'batch-2',
        runId: 'r',
        attemptId: 'attempt-2',
        status: 'INTENT',
        createdAtMs: nowMs,
        updatedAtMs: nowMs,
        entries: [entry, { ...entry, domain: 'stray.com' }],
        pendingNotices: [],
        sentNotices: [],
      });
      // Sent with sent.com only: stray.com's release failed (it stays CLAIMED under the batch).
      await opened.ledger.saveBatch({ ...intent, entries: [entry], submitStartedAtMs: nowMs, updatedAtMs: nowMs });
    } finally {
      await opened.close();
    }
    const run = await cliIn(own, 'hold', 'stray.com', 'sent.com');
    expect(run.code).toBe(EXIT.ok);
    expect(run.stderr).toMatch(/^sent\.com: a renewal of it is already in flight \(batch batch-2\)/m);
    expect(run.stderr).not.toMatch(/^stray\.com: a renewal of it is already in flight/m);
    expect(run.stdout).toContain('1 of them already in flight (above)');
  });

  it('with no holds, holds says so', async () => {
    const run = await cli('holds');
    expect(run.stderr).toBe('');
    expect(run.code).toBe(EXIT.ok);
    expect(run.stdout).toBe('no holds: the renew job may buy every due domain\n');
  });

  it('holds domains, normalised (case, IDN), with an end and a bounded, redacted reason', async () => {
    const reason = `selling it \u001b[31mto AKIAABCDEFGHIJKLMNOP ${'x'.repeat(300)}`;
    const run = await cli('hold', 'Example.COM', 'bücher.de', 'example.com', '--until', FAR, '--reason', reason);
    expect(besidesUncheckedNames(run.stderr)).toBe('');
    expect(run.code).toBe(EXIT.ok);
    const lines = run.stdout.split('\n');
    expect(lines[0]).toMatch(/^example\.com: held through 2999-01-31 UTC \(selling it \[31mto \*\*\* x+\.\.\.\)$/);
    expect(lines[1]).toMatch(/^xn--bcher-kva\.de: held through 2999-01-31 UTC \(/);
    expect(lines.slice(2)).toEqual([
      'hold: 2 domain(s) held; the renew job will not buy them (autorenew unhold to undo)',
      '',
    ]);
    const holds = await storedHolds();
    expect(holds.map((h) => [h.domain, h.untilMs])).toEqual([
      ['example.com', FAR_END],
      ['xn--bcher-kva.de', FAR_END],
    ]);
    // Bounded to 200 characters, the escape removed, the access-key-shaped text masked, spaces collapsed.
    expect(holds[0]?.reason).toHaveLength(200);
    expect(holds[0]?.reason).toMatch(/^selling it \[31mto \*\*\* x+\.\.\.$/);
  });

  it('a new hold replaces the old one; without --until it lasts until unhold', async () => {
    const run = await cli('hold', 'example.com', 'keep.org');
    expect(run.code).toBe(EXIT.ok);
    expect(run.stdout.split('\n')).toEqual([
      'example.com: held until unhold; replaces the hold through 2999-01-31 UTC',
      'keep.org: held until unhold',
      'hold: 2 domain(s) held; the renew job will not buy them (autorenew unhold to undo)',
      '',
    ]);
    const example = (await storedHolds()).find((h) => h.domain === 'example.com');
    expect(example?.untilMs).toBeUndefined();
    expect(example?.reason).toBeUndefined();
  });

  it('lists the holds as a table and as JSON, with the expired state', async () => {
    const timed = await cli('hold', 'later.net', '--until', '2999-06-01T12:00:00+08:00', '--reason', 'moving');
    expect(timed.code).toBe(EXIT.ok);
    const table = await cli('holds');
    expect(table.stderr).toBe('');
    expect(table.code).toBe(EXIT.ok);
    const lines = table.stdout.split('\n');
    expect(lines[0]).toMatch(/^domain +held +created \(UTC\) +state +reason$/);
    expect(lines.slice(1, 5).map((l) => l.split(/ {2,}/))).toEqual([
      ['example.com', 'until unhold', expect.stringMatching(/^\d{4}-\d\d-\d\d \d\d:\d\d$/), 'active'],
      ['keep.org', 'until unhold', expect.any(String), 'active'],
      ['later.net', 'until 2999-06-01T04:00:00.000Z', expect.any(String), 'active', 'moving'],
      ['xn--bcher-kva.de', 'through 2999-01-31 UTC', expect.any(String), 'active', expect.stringMatching(/^selling/)],
    ]);
    expect(lines.slice(5)).toEqual(['4 hold(s), 4 active', '']);

    const json = await cli('holds', '--json');
    expect(json.code).toBe(EXIT.ok);
    const parsed = JSON.parse(json.stdout) as { nowMs: number; holds: Record<string, unknown>[] };
    expect(parsed.holds.map((h) => h.domain)).toEqual(['example.com', 'keep.org', 'later.net', 'xn--bcher-kva.de']);
    expect(parsed.holds[2]).toMatchObject({
      domain: 'later.net',
      untilMs: Date.UTC(2999, 5, 1, 4),
      until: '2999-06-01T04:00:00.000Z',
      reason: 'moving',
      expired: false,
    });
    expect(parsed.holds[0]).toMatchObject({ until: null, expired: false });
  });

  it('an expired hold is listed as expired (the ledger keeps it until unhold)', async () => {
    // Written straight into the ledger: the CLI refuses an end in the past.
    const opened = await openLedgerFromEnv(env());
    try {
      await opened.ledger.putHolds([{ domain: 'old.com', untilMs: Date.UTC(2001, 0, 1), createdAtMs: 0 }]);
    } finally {
      await opened.close();
    }
    const table = await cli('holds');
    expect(table.stdout).toMatch(/^old\.com +through 2000-12-31 UTC +1970-01-01 00:00 +expired$/m);
    expect(table.stdout).toMatch(/^5 hold\(s\), 4 active$/m);
    const json = JSON.parse((await cli('holds', '--json')).stdout) as { holds: { domain: string; expired: boolean }[] };
    expect(json.holds.find((h) => h.domain === 'old.com')?.expired).toBe(true);
  });

  it('unhold says for each domain whether a hold was removed', async () => {
    const run = await cli('unhold', 'KEEP.org', 'old.com', 'never.io');
    expect(run.stderr).toBe('');
    expect(run.code).toBe(EXIT.ok);
    expect(run.stdout.split('\n')).toEqual([
      'keep.org: hold removed',
      'old.com: hold removed',
      'never.io: was not held (nothing to remove)',
      'unhold: 2 hold(s) removed',
      '',
    ]);
    expect((await storedHolds()).map((h) => h.domain)).toEqual(['example.com', 'later.net', 'xn--bcher-kva.de']);
  });

  it.each([
    [
      ['hold', 'fine.com', 'not a domain'],
      /^autorenew hold: "not a domain" is not a domain name .*nothing was written$/,
    ],
    [['hold', 'fine.com', `${'x'.repeat(250)}.com`], /is not a domain name/],
    [['hold', 'fine.com', 'bad\u202e.com'], /is not a domain name/],
    [['hold', 'fine.com', '--until', '2020-01-01'], /^autorenew hold: --until "2020-01-01" is not in the future/],
    [['hold', 'fine.com', '--until', '2999-02-30'], /^autorenew hold: --until "2999-02-30" is not a date/],
    [['hold', 'fine.com', '--until', '2999-01-31T08:00'], /--until "2999-01-31T08:00" is not a date/],
    [['hold', '--until', FAR], /^autorenew hold: name at least one domain; usage: autorenew hold/],
    [['hold', 'fine.com', '--for', '3d'], /Unknown option '--for'.*autorenew hold --help/],
    [['unhold'], /^autorenew unhold: name at least one domain/],
    [['unhold', 'fine.com', 'bad-.com'], /^autorenew unhold: "bad-.com" is not a domain name/],
    [['holds', 'extra'], /autorenew holds --help/],
  ])('%j: exit 1, one clear line, nothing written', async (args, message) => {
    const before = await storedHolds();
    const run = await cli(...args);
    expect(run.code).toBe(EXIT.invalidInput);
    expect(run.stdout).toBe('');
    expect(run.stderr.trimEnd().split('\n')).toEqual([expect.stringMatching(message)]);
    expect(await storedHolds()).toEqual(before);
  });

  it('each command has --help, and the top-level help lists them', async () => {
    for (const name of ['hold', 'unhold', 'holds']) {
      const run = await cli(name, '--help');
      expect(run.code).toBe(EXIT.ok);
      expect(run.stdout).toMatch(new RegExp(`^usage: autorenew ${name}\\b`));
    }
    // The real binary, once: the commands are wired into bin/autorenew.js.
    const top = await runCliProcess(['--help'], env());
    expect(top.stdout).toMatch(/^ {2}hold {2,}veto/m);
    expect(top.stdout).toMatch(/^ {2}unhold {2,}/m);
    expect(top.stdout).toMatch(/^ {2}holds {2,}/m);
  });
});

describe('autorenew hold / unhold / holds against a DynamoDB table (AUTORENEW_TABLE)', () => {
  it('writes and reads holds in the table the environment names', async () => {
    const dynamo = await startDynalite();
    try {
      // A loopback endpoint: the CLI creates the table and uses dummy credentials (lib/ledger/embedded.ts).
      const env = { AUTORENEW_TABLE: 'ops-ledger', AUTORENEW_DYNAMODB_ENDPOINT: dynamo.endpoint };
      // A fresh table: no renew run recorded yet, so the hold needs --no-run-check (hold-keyspace.test.ts).
      const held = await runCliProcess(['hold', 'table.com', '--reason', 'audit', '--no-run-check'], env);
      expect(besidesUncheckedNames(held.stderr)).toBe('');
      expect(held.code).toBe(EXIT.ok);
      const listed = JSON.parse((await runCliProcess(['holds', '--json'], env)).stdout) as { holds: Hold[] };
      expect(listed.holds).toEqual([expect.objectContaining({ domain: 'table.com', reason: 'audit', expired: false })]);
      const removed = await runCliProcess(['unhold', 'table.com'], env);
      expect(removed.stdout).toContain('table.com: hold removed');
      const opened = await openLedgerFromEnv(env);
      try {
        expect(await opened.ledger.listHolds()).toEqual([]);
      } finally {
        await opened.close();
      }
    } finally {
      await dynamo.stop();
    }
  });
});
