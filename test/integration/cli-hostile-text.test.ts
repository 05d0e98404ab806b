import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { runCli } from '../../lib/cli';
import type { CliIO } from '../../lib/commands/io';
import { terminalJson, terminalLine, terminalText } from '../../lib/commands/terminal-text';
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

describe('hostile registrar text never reaches the terminal raw (plan, renew, check, status)', () => {
  let sandbox: Sandbox;
  let ledgerDir: string;
  let env: Record<string, string>;

  beforeAll(async () => {
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
    await sandbox?.close();
    if (ledgerDir) await rm(ledgerDir, { recursive: true, force: true });
  });

  async function cli(args: string[], isTTY: boolean) {
    const io = captureIo(env, isTTY);
    const code = await runCli(args, io);
    return { code, ...io.lines };
  }

  test('plan: table (TTY), plain lines and JSON carry no unsafe character and no forged line', async () => {
    for (const isTTY of [true, false]) {
      const { code, out, err } = await cli(['plan'], isTTY);
      expect(code).toBe(0);
      expect(unsafeLines(out)).toEqual([]);
      expect(unsafeLines(err)).toEqual([]);
      // The newline in a name did not start a line of its own.
      expect(out.flatMap((l) => l.split('\n')).some((l) => l.startsWith('FAKE:'))).toBe(false);
      // Every hostile name is still shown (made visible with '?'), not silently dropped.
      expect(out.join('\n')).toContain('ansi?[31mred?[0m.com'.slice(0, 12));
    }
    const json = await cli(['plan', '--json'], false);
    expect(unsafeLines(json.out)).toEqual([]);
    // JSON keeps the exact names: a consumer parses them back byte for byte.
    const parsed = JSON.parse(json.out.join('\n')) as { domains?: { domain: string }[] };
    const names = JSON.stringify(parsed);
    for (const name of [HOSTILE.bidi, HOSTILE.c1, HOSTILE.zeroWidth, HOSTILE.newline]) {
      expect(names).toContain(JSON.stringify(name).slice(1, -1));
    }
  });

  test('renew, check and status (text and JSON) print nothing unsafe, and status shows the stored names', async () => {
    const renew = await cli(['renew'], false);
    expect(sandbox.state().submissions.length).toBeGreaterThan(0);
    expect(unsafeLines(renew.out)).toEqual([]);
    expect(unsafeLines(renew.err)).toEqual([]);
    sandbox.setClock({ advanceMs: 60_000 });
    for (const isTTY of [true, false]) {
      for (const args of [['check'], ['check', '--json'], ['status'], ['status', '--json']]) {
        const run = await cli(args, isTTY);
        expect({ args, isTTY, out: unsafeLines(run.out), err: unsafeLines(run.err) }).toEqual({
          args,
          isTTY,
          out: [],
          err: [],
        });
      }
    }
    const status = await cli(['status'], false);
    const text = status.out.join('\n');
    expect(text).toContain('bidi?moc.elgoog?.com');
    expect(text).toContain('zero?width.com');
    expect(text).not.toMatch(/^FAKE/m);
  });
});

describe('the sanitisers (switched off, the same lines would be unsafe)', () => {
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
