import { join } from 'node:path';
import { type CliIO, EXIT } from '../../lib/commands/io';
import { parseSandboxArgs, runSandbox, sandboxCommand } from '../../lib/commands/sandbox';
import { signedCall } from '../helpers/sandbox-request';

interface CapturedIO extends CliIO {
  lines: string[];
  errors: string[];
  /** Called with each line written to out, after it is stored. */
  onLine?: ((line: string) => void) | undefined;
}

function captureIO(): CapturedIO {
  const io: CapturedIO = {
    lines: [],
    errors: [],
    out: (l) => {
      io.lines.push(l);
      io.onLine?.(l);
    },
    err: (l) => io.errors.push(l),
    isTTY: false,
    env: {},
    cwd: join(__dirname, '..', 'fixtures', 'sandbox'),
  };
  return io;
}

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

/**
 * Resolves with the first line (already printed or printed later) that matches `re`: an event, not a poll against
 * a deadline, so a slow start only takes longer. Rejects, with what was printed, if the command ends without it.
 */
function waitForLine(io: CapturedIO, re: RegExp, run: Promise<unknown>): Promise<RegExpExecArray> {
  return new Promise((resolve, reject) => {
    const match = (line: string): boolean => {
      const m = re.exec(line);
      if (m) {
        io.onLine = undefined;
        resolve(m);
      }
      return !!m;
    };
    if (io.lines.some(match)) return;
    io.onLine = match;
    run.then(
      (code) =>
        reject(
          new Error(
            `the command ended (${String(code)}) without a line matching ${re}; got ${io.lines.join(' | ')} ${io.errors.join(' | ')}`,
          ),
        ),
      (err: unknown) => reject(err),
    );
  });
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
  const [, url] = await waitForLine(io, /listening on (http:\/\/127\.0\.0\.1:\d+)/, run);
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

test('a fixture file with "accounts" starts those accounts too, prints their keys, routes by key id', async () => {
  const io = captureIO();
  const stop = deferred();
  const run = runSandbox(['--port', '0', '--fixture', 'two-accounts.json'], io, () => stop.promise);
  const [, url] = await waitForLine(io, /listening on (http:\/\/127\.0\.0\.1:\d+)/, run);
  await waitForLine(io, /Press Ctrl\+C/, run);
  expect(io.lines.join('\n')).toContain('1 domains, balance 500 CNY');
  expect(io.lines.join('\n')).toContain('account "intl": intl-id / intl-secret');
  expect(io.lines.join('\n')).toContain('2 domains, balance 40 USD');
  const sb = { url: url as string, accessKeyId: 'intl-id', accessKeySecret: 'intl-secret' };
  const res = await signedCall(sb, 'QueryDomainList', { PageNum: 1, PageSize: 10 });
  expect(res.body.TotalItemNum).toBe(2);
  stop.resolve();
  expect(await run).toBe(EXIT.ok);
});

test('the real command stops on SIGTERM', async () => {
  const io = captureIO();
  const run = sandboxCommand(['--port', '0', '--domains', '5', '--seed', '7'], io);
  await waitForLine(io, /Press Ctrl\+C/, run);
  expect(io.lines.join('\n')).toContain('5 domains');
  process.emit('SIGTERM');
  expect(await run).toBe(EXIT.ok);
  expect(process.listenerCount('SIGTERM')).toBe(0);
});

test('--help prints usage', async () => {
  const io = captureIO();
  expect(await runSandbox(['--help'], io, () => Promise.resolve())).toBe(EXIT.ok);
  const help = io.lines.join('\n');
  for (const flag of [
    '--lose-rate',
    '--execute-then-fail-rate',
    '--execute-then-fail-code',
    '--execute-then-fail-status',
    '--task-queue-ms',
    '--task-list-lag-ms',
    '--task-jitter-ms',
    '--expiry-truncation',
    '--name-form-flip-rate',
    '--page-shift-rate',
    '--fault-actions',
  ]) {
    expect(help).toContain(flag);
  }
  expect(help).toContain('executeThenFailRate');
});

test('partial-fault flags become fault settings, served as given', async () => {
  const args = [
    '--execute-then-fail-rate',
    '0.5',
    '--execute-then-fail-code',
    'InternalError',
    '--execute-then-fail-status',
    '500',
    '--task-queue-ms',
    '60000',
    '--task-list-lag-ms',
    '30000',
    '--task-jitter-ms',
    '5000',
    '--expiry-truncation',
    'day',
    '--name-form-flip-rate',
    '0.2',
    '--page-shift-rate',
    '0.1',
    '--fault-actions',
    'SaveBatchTaskForCreatingOrderRenew, QueryDomainList',
    '--refuse',
    'QueryDomainRealTimePrice=InvalidAction, QueryAccountBalance=SuccessFalse',
  ];
  const expected = {
    executeThenFailRate: 0.5,
    executeThenFailCode: 'InternalError',
    executeThenFailStatus: 500,
    taskQueueMs: 60_000,
    taskListLagMs: 30_000,
    taskJitterMs: 5000,
    expiryTruncation: 'day',
    nameFormFlipRate: 0.2,
    pageShiftRate: 0.1,
    refusals: { QueryDomainRealTimePrice: 'InvalidAction', QueryAccountBalance: 'SuccessFalse' },
    actions: ['SaveBatchTaskForCreatingOrderRenew', 'QueryDomainList'],
  };
  const options = await parseSandboxArgs(args, process.cwd());
  expect(options).toMatchObject({ faults: expected });
  const io = captureIO();
  const stop = deferred();
  const run = runSandbox(['--port', '0', '--domains', '3', ...args], io, () => stop.promise);
  const [, url] = await waitForLine(io, /listening on (http:\/\/127\.0\.0\.1:\d+)/, run);
  const state = (await (await fetch(`${url}/_sandbox/state`)).json()) as { faults: Record<string, unknown> };
  expect(state.faults).toEqual({ latencyMs: 0, throttleRate: 0, errorRate: 0, loseRate: 0, ...expected });
  stop.resolve();
  expect(await run).toBe(EXIT.ok);
});

test.each([
  [['--throttle-rate', '1.5'], /--throttle-rate must be a fraction/],
  [['--port', 'abc'], /--port must be a whole number/],
  [['--domains', '-3'], /--domains/],
  [['--fixture', 'missing.json'], /cannot read --fixture missing\.json/],
  [['--bogus'], /Unknown option '--bogus'/],
  [['--fixture', 'bad-portfolio.json'], /domains\[0\]\.expiresAtMs must be epoch milliseconds/],
  [['--throttle-rate', '0.6', '--lose-rate', '0.6'], /must not exceed 1/],
  [['--execute-then-fail-rate', '2'], /--execute-then-fail-rate must be a fraction/],
  [['--task-queue-ms=-5'], /--task-queue-ms must be a number >= 0/],
  [['--task-list-lag-ms', 'soon'], /--task-list-lag-ms must be a number >= 0/],
  [['--expiry-truncation', 'hour'], /--expiry-truncation must be "none" or "day"/],
  [['--page-shift-rate', '1.1'], /--page-shift-rate must be a fraction/],
  [['--execute-then-fail-status', '503', '--execute-then-fail-code', 'Throttling.User'], /executeThenFailStatus 503/],
  [['--execute-then-fail-code', 'two words'], /executeThenFailCode must be an error code/],
  [['--fault-actions', ' , '], /--fault-actions must list at least one Action/],
  [['--refuse', 'CheckDomain'], /--refuse entries are Action=how/],
  [['--refuse', 'CheckDomain=Sometimes'], /refusals\.CheckDomain must be one of/],
  [['--currency', 'yuan'], /currency must be an ISO 4217 code/],
])('bad flags %p -> message and exit 1', async (args, message) => {
  const io = captureIO();
  expect(await runSandbox(args, io, () => Promise.resolve())).toBe(EXIT.invalidInput);
  expect(io.errors.join('\n')).toMatch(message);
});
