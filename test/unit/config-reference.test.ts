import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { HELP } from '../../lib/cli';
import { UNLISTED_PREFIXES } from '../../lib/config';
import { SETTING_NAMES } from '../../lib/config-names';
import { ENV_VARS } from '../../lib/config-reference';

const ROOT = join(__dirname, '..', '..');

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'sandbox' ? [] : sources(path);
    return path.endsWith('.ts') ? [path] : [];
  });
}

/** Issue 13: the CLI help, the README and the code read the same environment variables. */
describe('environment reference', () => {
  const documented = ENV_VARS.flatMap((v) => v.names);

  test("the settings a function accepts by name are exactly the reference's (config-names.ts)", () => {
    const reference = documented.filter((n) => n.startsWith('AUTORENEW_') && !n.includes('<'));
    expect([...SETTING_NAMES].sort()).toEqual(reference.sort());
  });

  test('every variable the code reads is in the reference', () => {
    const read = new Set<string>();
    for (const file of [...sources(join(ROOT, 'lib')), ...sources(join(ROOT, 'handlers'))]) {
      for (const m of readFileSync(file, 'utf8').matchAll(/\b(?:AUTORENEW|ALIBABA_CLOUD)_[A-Z_]+\b/g)) read.add(m[0]);
    }
    const missing = [...read].filter(
      (name) =>
        !documented.some((d) => d === name || (d.includes('<NAME>') && name.startsWith('AUTORENEW_TARGET_'))) &&
        !(UNLISTED_PREFIXES as readonly string[]).includes(name),
    );
    expect(missing).toEqual([]);
  });

  test('the help lists every variable, and the README table names every variable', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    for (const name of documented) {
      expect(HELP).toContain(name);
      // A family like AUTORENEW_TARGET_<NAME>_URL / _SECRET is one README row.
      expect(readme).toContain(name.includes('<NAME>') ? 'AUTORENEW_TARGET_<NAME>_' : name);
    }
  });
});
