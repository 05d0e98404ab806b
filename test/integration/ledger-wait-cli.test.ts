import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../lib/cli';
import { type CliIO, EXIT } from '../../lib/commands/io';
import { openEmbeddedLedger } from '../../lib/ledger/embedded';

const ROOT = join(__dirname, '..', '..');

/**
 * Issue 14: while a local run holds the embedded ledger, `status` (and every other command) says so and waits for
 * it instead of failing; it works as soon as the other run ends. Event-driven: the holder lets go when the waiting
 * line appears, no sleeps in the test.
 */
describe('a command beside a local run that holds the ledger', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'autorenew-wait-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('status says who holds it, waits, and answers once it is released', async () => {
    const ledgerDir = join(dir, 'ledger');
    const holder = await openEmbeddedLedger({ dir: ledgerDir });
    const out: string[] = [];
    const err: string[] = [];
    let released: Promise<void> | undefined;
    const io: CliIO = {
      out: (l) => out.push(l),
      err: (l) => {
        err.push(l);
        // The other run finishes the moment we are told that we wait for it.
        if (/waiting up to 2 minutes/.test(l)) released ??= holder.close();
      },
      isTTY: false,
      env: { AUTORENEW_LEDGER_DIR: ledgerDir },
      cwd: ROOT,
    };
    const code = await runCli(['status', '--json'], io);
    await released;
    expect(err[0]).toMatch(
      new RegExp(
        `^ledger in use: .* is locked by process ${process.pid} \\(started .+, autorenew.*\\); waiting up to 2 minutes for it to finish$`,
      ),
    );
    expect(code).toBe(EXIT.ok);
    expect(JSON.parse(out.join('\n'))).toMatchObject({ openBatches: [] });
  });
});
