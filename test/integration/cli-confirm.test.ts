import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { runCli } from '../../lib/cli';
import { type ConfirmInput, confirmationFor, isYes, needsConfirmation } from '../../lib/commands/ask-before-buying';
import { type CliIO, EXIT } from '../../lib/commands/io';
import { withProgress } from '../../lib/commands/progress';
import { describeCost } from '../../lib/commands/renew';
import { startSandbox } from '../../lib/sandbox';
import { createTestFixture, SANDBOX_NOW_MS } from '../helpers/sandbox-fixture';

const ROOT = resolve(__dirname, '..', '..');
const REAL = 'https://domain.aliyuncs.com';

describe('renew asks before buying from a real registrar', () => {
  const base: ConfirmInput = { dryRun: false, yes: false, canAsk: true, endpoint: REAL };

  it.each<[string, Partial<ConfirmInput>, boolean]>([
    ['a person at a terminal, real endpoint', {}, true],
    ['the international endpoint', { endpoint: 'https://domain-intl.aliyuncs.com' }, true],
    ['--yes', { yes: true }, false],
    ['--dry-run / AUTORENEW_DRY_RUN', { dryRun: true }, false],
    ['not a terminal (pipe, CI)', { canAsk: false }, false],
    ['loopback sandbox 127.0.0.1', { endpoint: 'http://127.0.0.1:8787' }, false],
    ['loopback sandbox localhost', { endpoint: 'http://localhost:8787' }, false],
    ['a LAN address is not loopback', { endpoint: 'http://192.168.1.5:8787' }, true],
  ])('%s', (_name, change, expected) => {
    expect(needsConfirmation({ ...base, ...change })).toBe(expected);
  });

  it('with no terminal to ask on, a paid run at a real registrar needs --yes (review 2026-12-03)', () => {
    expect(confirmationFor({ ...base, canAsk: false })).toBe('needs-yes');
    expect(confirmationFor({ ...base, canAsk: false, yes: true })).toBe('none');
    expect(confirmationFor({ ...base, canAsk: false, dryRun: true })).toBe('none');
    expect(confirmationFor({ ...base, canAsk: false, endpoint: 'http://127.0.0.1:8787' })).toBe('none');
    expect(confirmationFor({ ...base, canAsk: false })).toBe('needs-yes');
  });

  it('the question names what the person pays: the quoted total per currency, and how many are unpriced', () => {
    const item = {
      domain: 'a.com',
      expiresAtMs: 0,
      years: 1,
      couponNo: null,
      promotionNo: null,
      permitPremium: false,
      batch: 0,
    };
    const cny = (minor: number) => ({ minor, currency: 'CNY' });
    expect(
      describeCost([
        { ...item, price: cny(6900) },
        { ...item, price: cny(13800) },
      ]),
    ).toBe(', quoted 207.00 CNY');
    expect(
      describeCost([
        { ...item, price: cny(6900) },
        { ...item, price: null },
      ]),
    ).toBe(', quoted 69.00 CNY, 1 unpriced');
    expect(describeCost([])).toBe('');
  });

  it('only y / yes confirms', () => {
    for (const a of ['y', 'Y', 'yes', ' YES \n']) expect(isYes(a)).toBe(true);
    for (const a of ['', 'n', 'no', 'yep', 'y es', 'sure']) expect(isYes(a)).toBe(false);
  });
});

describe('runCli in process', () => {
  function captureIO(env: CliIO['env'], ask?: CliIO['ask']): CliIO & { out_: string[]; err_: string[] } {
    const out_: string[] = [];
    const err_: string[] = [];
    return {
      out_,
      err_,
      out: (l) => out_.push(l),
      err: (l) => err_.push(l),
      isTTY: true,
      env,
      cwd: ROOT,
      ...(ask ? { ask } : {}),
    };
  }

  it('renew at a real registrar with no terminal (a pipe, cron) and no --yes is refused before any call; exit 1', async () => {
    const ledgerDir = await mkdtemp(join(tmpdir(), 'autorenew-confirm-'));
    try {
      const io = captureIO({
        AUTORENEW_ENDPOINT: 'https://domain.aliyuncs.invalid',
        ALIBABA_CLOUD_ACCESS_KEY_ID: 'LTAI-test-id',
        ALIBABA_CLOUD_ACCESS_KEY_SECRET: 'test-secret',
        AUTORENEW_LEDGER_DIR: ledgerDir,
      });
      const code = await runCli(['renew'], { ...io, isTTY: false });
      expect(code).toBe(EXIT.invalidInput);
      expect(io.err_.join('\n')).toMatch(/no terminal to ask on: pass --yes to confirm .*nothing was bought/);
    } finally {
      await rm(ledgerDir, { recursive: true, force: true });
    }
  });

  it('a terminal renew against the loopback sandbox does not ask; exit 0', async () => {
    const sandbox = await startSandbox({ fixture: createTestFixture(), nowMs: SANDBOX_NOW_MS });
    const ledgerDir = await mkdtemp(join(tmpdir(), 'autorenew-confirm-'));
    try {
      const questions: string[] = [];
      const io = captureIO(
        {
          AUTORENEW_ENDPOINT: sandbox.url,
          ALIBABA_CLOUD_ACCESS_KEY_ID: sandbox.accessKeyId,
          ALIBABA_CLOUD_ACCESS_KEY_SECRET: sandbox.accessKeySecret,
          AUTORENEW_LEDGER_DIR: ledgerDir,
        },
        async (q) => {
          questions.push(q);
          return 'n';
        },
      );
      const code = await runCli(['renew', '--at', new Date(SANDBOX_NOW_MS).toISOString()], io);
      expect(code).toBe(EXIT.ok);
      expect(questions).toEqual([]);
      expect(sandbox.state().submissions.length).toBeGreaterThan(0);
    } finally {
      await sandbox.close();
      await rm(ledgerDir, { recursive: true, force: true });
    }
  });

  it.each(['demo', 'validate', 'plan', 'renew', 'check', 'status', 'sandbox', 'schema'])(
    '%s --help: usage and examples, exit 0',
    async (command) => {
      const io = captureIO({});
      expect(await runCli([command, '--help'], io)).toBe(EXIT.ok);
      const text = io.out_.join('\n');
      expect(text).toMatch(new RegExp(`^usage: autorenew ${command}`));
      expect(text).toMatch(/\nexamples:\n {2}.*(npx autorenew|npm start|npm run)/);
      expect(io.err_).toEqual([]);
    },
  );

  it('no command: help on stdout, exit 1', async () => {
    const io = captureIO({});
    expect(await runCli([], io)).toBe(EXIT.invalidInput);
    expect(io.out_.join('\n')).toContain('usage: autorenew <command>');
  });
});

describe('progress on slow steps', () => {
  const io = (isTTY: boolean) => {
    const errors: string[] = [];
    const value: CliIO = { out: () => undefined, err: (l) => errors.push(l), isTTY, env: {}, cwd: ROOT };
    return { value, errors };
  };
  const slow = () => new Promise<string>((r) => setTimeout(() => r('done'), 120));

  // Fake timers: the step ends when the test says so, and time moves only when the test moves it, so the lines
  // are exact and a busy machine cannot reorder the threshold and the end of the step.
  it('on a terminal: a label once the step outlasts the threshold, then elapsed time; stops when done', async () => {
    jest.useFakeTimers();
    try {
      const tty = io(true);
      let finish: (value: string) => void = () => undefined;
      const step = () => new Promise<string>((r) => (finish = r));
      const running = withProgress(tty.value, 'listing', step, 1000);
      jest.advanceTimersByTime(999);
      expect(tty.errors).toEqual([]);
      jest.advanceTimersByTime(1);
      expect(tty.errors).toEqual(['listing…']);
      jest.advanceTimersByTime(1000);
      expect(tty.errors).toEqual(['listing…', '  listing: 2 s']);
      finish('done');
      expect(await running).toBe('done');
      jest.advanceTimersByTime(10_000);
      expect(tty.errors).toEqual(['listing…', '  listing: 2 s']);
    } finally {
      jest.useRealTimers();
    }
  });

  it('silent for fast steps and on pipes; errors pass through', async () => {
    const tty = io(true);
    expect(await withProgress(tty.value, 'quick', async () => 1, 50)).toBe(1);
    const pipe = io(false);
    expect(await withProgress(pipe.value, 'listing', slow, 10)).toBe('done');
    await expect(withProgress(tty.value, 'x', () => Promise.reject(new Error('boom')), 50)).rejects.toThrow('boom');
    expect([...tty.errors, ...pipe.errors]).toEqual([]);
  });
});
