import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { isValidDomainName } from '../../lib/alibaba/shapes';
import { runCli } from '../../lib/cli';
import type { CliIO } from '../../lib/commands/io';
import { terminalJson, terminalLine, terminalText } from '../../lib/commands/terminal-text';
import { openLedgerFromEnv } from '../../lib/ledger/embedded';
import { normalizeDomain } from '../../lib/registrar/domain-name';
import { type Sandbox, startSandbox } from '../../lib/sandbox';
import { PROCESS_TEST_TIMEOUT_MS } from '../helpers/timeouts';

// The embedded ledger (dynalite) opens and closes per command: several per test on a loaded machine.
jest.setTimeout(PROCESS_TEST_TIMEOUT_MS);

const ROOT = resolve(__dirname, '../..');
const DAY_MS = 86_400_000;

/** Registrar names built to attack a terminal: each would, printed raw, recolour, link, forge, reorder or hide. */
const HOSTILE = {
  ansi: 'ansi\u001b[31mred\u001b[0m.com',
  osc: 'osc\u001b]8;;https://evil.example/\u0007click\u001b]8;;\u0007.com',
  newline: 'nl.com\nFAKE: domain=forged.com decision=renew',
  c1: 'c1\u009b31mcsi.com',
  bidi: 'bidi\u202emoc.elgoog\u202c.com',
  zeroWidth: 'zero\u200bwidth.com',
  lineSep: 'ls\u2028FAKE.com',
  long: `${'a'.repeat(296)}.com`,
};

/** Anything a terminal could act on or hide: controls (C0, C1, DEL), format characters, line/paragraph separators. */
const UNSAFE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u;

function captureIo(env: Record<string, string>, isTTY: boolean): CliIO & { lines: { out: string[]; err: string[] } } {
  const lines = { out: [] as string[], err: [] as string[] };
  return {
    lines,
    out: (line) => lines.out.push(line),
    err: (line) => lines.err.push(line),
    isTTY,
    env,
    cwd: ROOT,
  };
}

/** Every line printed, split at its own newlines (a JSON block is several lines), with any unsafe character. */
function unsafeLines(lines: readonly string[]): string[] {
  return lines.flatMap((l) => l.split('\n')).filter((l) => UNSAFE.test(l));
}

describe('hostile names from the registrar are rejected at the boundary, naming the request id', () => {
  let sandbox: Sandbox;
  let ledgerDir: string;
  let env: Record<string, string>;
  let random: jest.SpyInstance<number, []>;

  beforeAll(async () => {
    // Every listing here fails its shape check, so the client makes all its attempts with full-jitter backoff between
    // them, drawn from Math.random (its only use in lib/). A draw of 0 makes each wait 0 ms: the same attempts and
    // the same error, without ~1.5 s of sleeping per command. The text is under test here, not the delays
    // (test/unit/alibaba-backoff.test.ts).
    random = jest.spyOn(Math, 'random').mockReturnValue(0);
    const now = Date.now();
    sandbox = await startSandbox({
      taskMs: 50,
      fixture: {
        domains: [
          ...Object.values(HOSTILE).map((domainName, i) => ({ domainName, expiresAtMs: now + (3 + i) * DAY_MS })),
          { domainName: 'plain.com', expiresAtMs: now + 5 * DAY_MS },
        ],
      },
    });
    ledgerDir = await mkdtemp(join(tmpdir(), 'cli-hostile-'));
    env = {
      PATH: process.env.PATH ?? '',
      AUTORENEW_ENDPOINT: sandbox.url,
      ALIBABA_CLOUD_ACCESS_KEY_ID: sandbox.accessKeyId,
      ALIBABA_CLOUD_ACCESS_KEY_SECRET: sandbox.accessKeySecret,
      AUTORENEW_LEDGER_DIR: ledgerDir,
      AUTORENEW_POLICY: join(ROOT, 'policies', 'default.json'),
      COLUMNS: '100',
    };
  });

  afterAll(async () => {
    random?.mockRestore();
    await sandbox?.close();
    if (ledgerDir) await rm(ledgerDir, { recursive: true, force: true });
  });

  test.each([
    [['plan'], true],
    [['plan', '--json'], false],
    [['renew'], false],
    [['renew', '--json'], true],
    [['check'], false],
  ])('%j (TTY %s): one safe error line with the request id; nothing listed, nothing bought', async (args, isTTY) => {
    const io = captureIo(env, isTTY);
    const code = await runCli(args, io);
    const all = [...io.lines.out, ...io.lines.err];
    expect(unsafeLines(all)).toEqual([]);
    if (args[0] === 'check') {
      // check lists no domains (it reads open batches, and there are none): nothing to reject, nothing printed raw.
      expect(code).toBe(0);
      return;
    }
    expect(code).toBe(2);
    const error = io.lines.err.find((l) => l.includes('is not a valid domain name'));
    expect(error).toMatch(/QueryDomainList failed: .*DomainName: is not a valid domain name .*RequestId [0-9A-F-]{36}/);
    // The message names the field, never the hostile value.
    expect(error).not.toContain('FAKE');
    expect(sandbox.state().submissions).toEqual([]);
  });
});

describe('hostile text already in the ledger never reaches the terminal raw (status, TTY and plain, text and JSON)', () => {
  let ledgerDir: string;
  let env: Record<string, string>;

  beforeAll(async () => {
    ledgerDir = await mkdtemp(join(tmpdir(), 'cli-hostile-ledger-'));
    env = { PATH: process.env.PATH ?? '', AUTORENEW_LEDGER_DIR: ledgerDir };
    // Written straight into the embedded ledger, as an older version (or another writer) could have stored it.
    const { ledger, close } = await openLedgerFromEnv({ AUTORENEW_LEDGER_DIR: ledgerDir });
    const now = Date.now();
    await ledger.putBatchIntent({
      batchId: 'b-hostile',
      runId: 'r\u001b[2J',
      attemptId: 'a1',
      status: 'INTENT',
      createdAtMs: now,
      updatedAtMs: now,
      entries: Object.values(HOSTILE).map((domain, i) => ({
        domain,
        expiryMs: now + (i + 3) * DAY_MS,
        years: 1,
        permitPremium: false,
        message: `reason\u009b31m for ${i}\nFAKE: domain=forged.com decision=renew`,
      })),
      taskNo: 'T\u202e1',
      pendingNotices: [],
      sentNotices: [],
    });
    await ledger.recordRun({
      job: 'check',
      runId: 'r2',
      startedAtMs: now,
      finishedAtMs: now,
      ok: false,
      summary: {},
      error: 'registrar said \u001b]0;owned\u0007\nFAKE: ok',
    });
    await close();
  });

  afterAll(async () => {
    if (ledgerDir) await rm(ledgerDir, { recursive: true, force: true });
  });

  test.each([
    [['status'], true],
    [['status'], false],
    [['status', '--json'], true],
    [['status', '--json'], false],
  ])('%j (TTY %s) prints nothing unsafe and forges no line', async (args, isTTY) => {
    const io = captureIo(env, isTTY);
    expect(await runCli(args, io)).toBe(0);
    expect(unsafeLines([...io.lines.out, ...io.lines.err])).toEqual([]);
    expect(io.lines.out.flatMap((l) => l.split('\n')).some((l) => /^\s*FAKE/.test(l))).toBe(false);
    const text = io.lines.out.join('\n');
    if (args.includes('--json')) {
      // JSON carries the stored names as the ledger reads them (normalised: lower case, IDNA mapping, which drops
      // the zero-width space), escaped.
      const parsed = JSON.parse(text) as { recentBatches: { entries: { domain: string }[] }[] };
      expect(parsed.recentBatches[0]?.entries.map((e) => e.domain)).toEqual(
        Object.values(HOSTILE).map((n) => normalizeDomain(n)),
      );
    } else {
      // Text shows every name, with '?' where an unsafe character was.
      expect(text).toContain('bidi?moc.elgoog?.com');
      expect(text).toContain('zerowidth.com'); // IDNA mapping drops the zero-width space when the ledger reads it
      expect(text).toContain('nl.com?fake: domain=forged.com');
      expect(text).toContain('error: registrar said ?]0;owned??FAKE: ok');
    }
  });
});

describe('the sanitisers (switched off, the same lines would be unsafe)', () => {
  test('every hostile name fails the registrar-boundary check; LDH and IDN names pass', () => {
    for (const name of Object.values(HOSTILE)) expect(isValidDomainName(name)).toBe(false);
    for (const name of [
      'example.com',
      'WWW.Brand.com',
      'xn--jvr800e.xn--fiqs8s',
      '\u4f8b\u5b50.\u4e2d\u56fd',
      `${'a'.repeat(63)}.com`,
    ]) {
      expect(isValidDomainName(name)).toBe(true);
    }
    for (const name of ['com', 'a..com', '-a.com', 'a-.com', `${'a'.repeat(64)}.com`, 'a_b.com', 'ex\u00adample.com']) {
      expect(isValidDomainName(name)).toBe(false);
    }
  });

  test('terminalLine replaces every unsafe character, newlines included', () => {
    for (const name of Object.values(HOSTILE)) {
      expect(UNSAFE.test(name) || name.length > 253).toBe(true);
      expect(terminalLine(name)).not.toMatch(UNSAFE);
      expect(terminalLine(name).split('\n')).toHaveLength(1);
    }
    expect(terminalLine('a\u001b[2Jb')).toBe('a?[2Jb');
    expect(terminalLine('caf\u00e9.\u4e2d\u56fd')).toBe('caf\u00e9.\u4e2d\u56fd');
  });

  test('terminalText keeps the CLI’s own newlines only; terminalJson escapes what JSON.stringify leaves raw', () => {
    expect(terminalText('line 1\nline\u202e 2\r')).toBe('line 1\nline? 2?');
    const raw = JSON.stringify({ d: HOSTILE.bidi });
    expect(raw).toMatch(UNSAFE);
    const safe = terminalJson({ d: HOSTILE.bidi }, 0);
    expect(safe).not.toMatch(UNSAFE);
    expect(JSON.parse(safe)).toEqual({ d: HOSTILE.bidi });
  });

  test('runCli is the last line of defence: a command’s raw output is cleaned on its way out', async () => {
    const io = captureIo({}, false);
    // An unknown command echoes the user's argument; with an escape in it, the escape does not get through.
    await runCli(['pl\u001b]0;pwned\u0007an'], io);
    expect(io.lines.err.join('\n')).not.toMatch(UNSAFE);
    expect(io.lines.err.join('\n')).toContain('pl?]0;pwned?an');
  });
});
