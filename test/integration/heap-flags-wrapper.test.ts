import { spawnSync } from 'node:child_process';
import { accessSync, constants, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { functionNodeOptions } from '../../bench/child';
import { PROCESS_TEST_TIMEOUT_MS } from '../helpers/timeouts';

// scripts/heap-flags.sh is each function's AWS_LAMBDA_EXEC_WRAPPER: the runtime's bootstrap runs it as
// `<script> <node> <arguments>`. Copies of Lambda's Node.js bootstrap pass heap sizes of their own (5 % and 90 % of
// the memory, or a tenth split between young and old), and on the command line they win over NODE_OPTIONS, so the
// functions' caps, which their memorySize is sized from, would not hold. Real processes, each function's real
// NODE_OPTIONS, and the bootstrap's arguments as those copies show them.
jest.setTimeout(PROCESS_TEST_TIMEOUT_MS);

const ROOT = resolve(__dirname, '../..');
const WRAPPER = join(ROOT, 'scripts', 'heap-flags.sh');
/** What the bootstrap runs for a 512 MB function, as the copies of it show (semi-space 25 MB, old space 461 MB). */
const BOOTSTRAP_ARGS = [
  '--expose-gc',
  '--max-http-header-size',
  '81920',
  '--max-semi-space-size=25',
  '--max-old-space-size=461',
];
const PROBE = [
  "const v8 = require('node:v8');",
  "const http = require('node:http');",
  'console.log(JSON.stringify({',
  '  heapLimitMb: v8.getHeapStatistics().heap_size_limit / 1048576,',
  "  gc: typeof globalThis.gc === 'function',",
  '  maxHeaderSize: http.maxHeaderSize,',
  '  argv: process.argv.slice(1),',
  '}));',
].join('\n');

interface Probe {
  heapLimitMb: number;
  gc: boolean;
  maxHeaderSize: number;
  argv: string[];
}

function probe(command: string, args: string[], nodeOptions: string): Probe {
  const run = spawnSync(command, args, {
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '', NODE_OPTIONS: nodeOptions },
  });
  if (run.status !== 0) throw new Error(`${command} exited ${run.status}: ${run.stderr}`);
  return JSON.parse(run.stdout) as Probe;
}

describe('the heap-flags wrapper (AWS_LAMBDA_EXEC_WRAPPER)', () => {
  it('is executable in the repository, with LF line endings (the pipeline copies it with mode 755 as well)', () => {
    expect(() => accessSync(WRAPPER, constants.X_OK)).not.toThrow();
    // `#!/bin/sh\r` is no interpreter: both functions would fail to start (exit 127).
    const text = readFileSync(WRAPPER, 'utf8');
    expect(text.startsWith('#!/bin/sh\n')).toBe(true);
    expect(text.includes('\r')).toBe(false);
  });

  it('the pipeline refuses to ship a wrapper with CR line endings, and ships the repository one', () => {
    const dir = mkdtempSync(join(tmpdir(), 'autorenew-wrapper-'));
    try {
      const crlf = join(dir, 'heap-flags.sh');
      writeFileSync(crlf, readFileSync(WRAPPER, 'utf8').replaceAll('\n', '\r\n'));
      const check = (file?: string) =>
        spawnSync(
          process.execPath,
          [
            '--input-type=module',
            '-e',
            `import { checkedWrapper } from './scripts/pipeline.mjs';
             console.log(await checkedWrapper(${file === undefined ? '' : JSON.stringify(file)}));`,
          ],
          { cwd: ROOT, encoding: 'utf8' },
        );
      const refused = check(crlf);
      expect(refused.status).not.toBe(0);
      expect(refused.stderr).toContain('has CR line endings or no "#!/bin/sh" first line');
      const shipped = check();
      expect(shipped.status).toBe(0);
      expect(shipped.stdout.trim()).toBe(WRAPPER);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('sees a heap flag that NODE_OPTIONS gives in double quotes', () => {
    const script = ['-e', PROBE];
    const quoted = '"--max-old-space-size=150" --max-semi-space-size=4';
    const intended = probe(process.execPath, script, quoted);
    expect(probe(WRAPPER, [process.execPath, ...BOOTSTRAP_ARGS, ...script], quoted).heapLimitMb).toBe(
      intended.heapLimitMb,
    );
  });

  it.each(['renew', 'check'] as const)(
    "keeps %s's NODE_OPTIONS heap caps in force over the bootstrap's own, and passes everything else",
    (fn) => {
      const options = functionNodeOptions(fn).join(' ');
      expect(options).toMatch(/--max-old-space-size=\d+/);
      const script = ['-e', PROBE, 'an argument', ''];
      const intended = probe(process.execPath, script, options);
      // Without the wrapper the bootstrap's sizes win: the caps would not hold.
      const bare = probe(process.execPath, [...BOOTSTRAP_ARGS, ...script], options);
      expect(bare.heapLimitMb).toBeGreaterThan(intended.heapLimitMb + 100);

      const wrapped = probe(WRAPPER, [process.execPath, ...BOOTSTRAP_ARGS, ...script], options);
      expect(wrapped.heapLimitMb).toBe(intended.heapLimitMb);
      expect(wrapped).toMatchObject({ gc: true, maxHeaderSize: 81920, argv: ['an argument', ''] });
    },
  );

  it("leaves the bootstrap's heap sizes alone when NODE_OPTIONS sets none, and drops only the one it sets", () => {
    const script = ['-e', PROBE];
    const bootstrapOnly = probe(process.execPath, [...BOOTSTRAP_ARGS, ...script], '');
    expect(probe(WRAPPER, [process.execPath, ...BOOTSTRAP_ARGS, ...script], '').heapLimitMb).toBe(
      bootstrapOnly.heapLimitMb,
    );
    // Only the old space in NODE_OPTIONS: the bootstrap's semi-space stays.
    const oldOnly = '--max-old-space-size=150';
    const expected = probe(process.execPath, ['--max-semi-space-size=25', ...script], oldOnly);
    expect(probe(WRAPPER, [process.execPath, ...BOOTSTRAP_ARGS, ...script], oldOnly).heapLimitMb).toBe(
      expected.heapLimitMb,
    );
  });
});
