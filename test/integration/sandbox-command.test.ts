import { join } from 'node:path';
import { type CliIO, EXIT } from '../../lib/commands/io';
import { runSandbox, sandboxCommand } from '../../lib/commands/sandbox';
import { signedCall } from '../helpers/sandbox-request';

function captureIO(): CliIO & { lines: string[]; errors: string[] } {
  const lines: string[] = [];
  const errors: string[] = [];
  return {
    lines,
    errors,
    out: (l) => lines.push(l),
    err: (l) => errors.push(l),
    isTTY: false,
    env: {},
    cwd: join(__dirname, '..', 'fixtures', 'sandbox'),
  };
}

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

async function waitForLine(io: { lines: string[] }, re: RegExp): Promise<RegExpExecArray> {
  for (let i = 0; i < 200; i++) {
    for (const line of io.lines) {
      const m = re.exec(line);
      if (m) return m;
    }
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`no output line matched ${re}; got ${io.lines.join(' | ')}`);
}

test('starts with flags and a fixture, prints endpoint and credentials, serves, stops cleanly', async () => {
  const io = captureIO();
  const stop = deferred();
  const run = runSandbox(
    [
      '--port',
      '0',
      '--fixture',
      'small-portfolio.json',
      '--access-key-id',
      'my-id',
      '--access-key-secret',
      'my-secret',
      '--task-ms',
      '10',
    ],
    io,
    () => stop.promise,
  );
  const [, url] = await waitForLine(io, /listening on (http:\/\/127\.0\.0\.1:\d+)/);
  expect(io.lines.join('\n')).toContain('my-id');
  expect(io.lines.join('\n')).toContain('my-secret');
  expect(io.lines.join('\n')).toContain('3 domains, balance 500 CNY');
  const sb = { url: url as string, accessKeyId: 'my-id', accessKeySecret: 'my-secret' };
  const res = await signedCall(sb, 'QueryDomainList', { PageNum: 1, PageSize: 10 });
  expect(res.status).toBe(200);
  expect(res.body.TotalItemNum).toBe(3);
  stop.resolve();
  expect(await run).toBe(EXIT.ok);
  await expect(fetch(`${url}/_sandbox/state`)).rejects.toThrow();
});

test('the real command stops on SIGTERM', async () => {
  const io = captureIO();
  const run = sandboxCommand(['--port', '0', '--domains', '5', '--seed', '7'], io);
  await waitForLine(io, /Press Ctrl\+C/);
  expect(io.lines.join('\n')).toContain('5 domains');
  process.emit('SIGTERM');
  expect(await run).toBe(EXIT.ok);
  expect(process.listenerCount('SIGTERM')).toBe(0);
});

test('--help prints usage', async () => {
  const io = captureIO();
  expect(await runSandbox(['--help'], io, () => Promise.resolve())).toBe(EXIT.ok);
  expect(io.lines.join('\n')).toContain('--lose-rate');
});

test.each([
  [['--throttle-rate', '1.5'], /--throttle-rate must be a fraction/],
  [['--port', 'abc'], /--port must be a whole number/],
  [['--domains', '-3'], /--domains/],
  [['--fixture', 'missing.json'], /cannot read --fixture missing\.json/],
  [['--bogus'], /Unknown option '--bogus'/],
  [['--fixture', 'bad-portfolio.json'], /domains\[0\]\.expiresAtMs must be epoch milliseconds/],
  [['--throttle-rate', '0.6', '--lose-rate', '0.6'], /must not exceed 1/],
])('bad flags %p -> message and exit 1', async (args, message) => {
  const io = captureIO();
  expect(await runSandbox(args, io, () => Promise.resolve())).toBe(EXIT.invalidInput);
  expect(io.errors.join('\n')).toMatch(message);
});
