import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CliIO } from '../../lib/commands/io';
import { schemaCommand } from '../../lib/commands/schema';
import { validateCommand } from '../../lib/commands/validate';

const ROOT = join(__dirname, '..', '..');

function capture(env: Record<string, string | undefined> = {}, cwd = ROOT) {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIO = { out: (l) => out.push(l), err: (l) => err.push(l), isTTY: false, env, cwd };
  return { io, out, err };
}

describe('validate', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'autorenew-validate-'));
    writeFileSync(join(dir, 'good.json'), '{"version": 1, "window": {"daysBeforeExpiry": 60, "daysAfterExpiry": 5}}');
    writeFileSync(
      join(dir, 'bad.json'),
      '{\n  "version": 1,\n  "defaults": { "yeras": 2 },\n  "limits": { "maxBatchSize": 0 }\n}\n',
    );
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('no arguments: policies/default.json, one summary line, exit 0', async () => {
    const { io, out, err } = capture();
    expect(await validateCommand([], io)).toBe(0);
    expect(out).toEqual(['policies/default.json: ok (version 1, 0 rules, window 30/30 days)']);
    expect(err).toEqual([]);
  });

  test('AUTORENEW_POLICY names the default file (relative to cwd)', async () => {
    const { io, out } = capture({ AUTORENEW_POLICY: 'good.json' }, dir);
    expect(await validateCommand([], io)).toBe(0);
    expect(out).toEqual(['good.json: ok (version 1, 0 rules, window 60/5 days)']);
  });

  test('several files: every example passes', async () => {
    const { io, out } = capture();
    const files = [
      'policies/examples/brand-portfolio.json',
      'policies/examples/opt-in-only.json',
      'policies/examples/coupon-per-group.json',
    ];
    expect(await validateCommand(files, io)).toBe(0);
    expect(out).toEqual([
      'policies/examples/brand-portfolio.json: ok (version 1, 3 rules, window 45/7 days)',
      'policies/examples/opt-in-only.json: ok (version 1, 2 rules, window 30/0 days)',
      'policies/examples/coupon-per-group.json: ok (version 1, 3 rules, window 60/3 days)',
    ]);
  });

  test('problems: file:line:col path: message on stderr, exit 1; other files still checked', async () => {
    const { io, out, err } = capture({}, dir);
    expect(await validateCommand(['bad.json', 'good.json', 'missing.json'], io)).toBe(1);
    expect(out).toEqual(['good.json: ok (version 1, 0 rules, window 60/5 days)']);
    expect(err).toEqual([
      'bad.json:3:17 defaults.yeras: unknown key "yeras"; did you mean "years"?',
      'bad.json:4:31 limits.maxBatchSize: must be a whole number from 1 to 1000, got 0',
      'missing.json: policy file not found; check the path or set AUTORENEW_POLICY to your policy file',
      '2 of 3 policy files are invalid',
    ]);
  });

  test('an absolute path is used as is', async () => {
    const file = join(dir, 'good.json');
    const { io, out } = capture({}, '/');
    expect(await validateCommand([file], io)).toBe(0);
    expect(out).toEqual([`${file}: ok (version 1, 0 rules, window 60/5 days)`]);
  });

  test('an unknown option is an input error', async () => {
    const { io, err } = capture();
    expect(await validateCommand(['--strict'], io)).toBe(1);
    expect(err[0]).toMatch(/^validate: unknown option "--strict"; usage: autorenew validate/);
  });
});

describe('schema', () => {
  test('prints policies/policy.schema.json exactly', async () => {
    const { io, out } = capture();
    expect(await schemaCommand([], io)).toBe(0);
    expect(`${out.join('\n')}\n`).toBe(readFileSync(join(ROOT, 'policies', 'policy.schema.json'), 'utf8'));
  });

  test('rejects arguments', async () => {
    const { io, err } = capture();
    expect(await schemaCommand(['x'], io)).toBe(1);
    expect(err).toHaveLength(1);
  });
});
