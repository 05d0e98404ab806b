import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

// Money safety (plans are free, M3) by structure: what plans, previews and checks never reaches the paid path.
const ROOT = resolve(__dirname, '..', '..');
const PAID = join(ROOT, 'lib', 'renewal', 'submit-batch.ts');

/** Every project file statically imported (relative imports, `import`/`export ... from` and `import()`). */
function reachable(entry: string): Set<string> {
  const seen = new Set<string>();
  const stack = [entry];
  while (stack.length > 0) {
    const file = stack.pop() as string;
    if (seen.has(file)) continue;
    seen.add(file);
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/(?:from\s+|import\s*\(\s*|import\s+)'(\.{1,2}\/[^']+)'/g)) {
      const base = resolve(dirname(file), m[1] as string);
      const target = [`${base}.ts`, join(base, 'index.ts')].find((f) => existsSync(f));
      if (target) stack.push(target);
    }
  }
  return seen;
}

describe('plans are free: the paid path is unreachable from', () => {
  test.each([
    'lib/commands/plan.ts',
    'lib/commands/doctor.ts',
    'lib/commands/status.ts',
    'lib/commands/retry.ts',
    'lib/renewal/plan-digest.ts',
    'lib/renewal/plan-file.ts',
    'lib/renewal/empty-plan.ts',
  ])('%s', (entry) => {
    const files = reachable(join(ROOT, entry));
    expect(files.size).toBeGreaterThan(0);
    expect(files.has(PAID)).toBe(false);
  });

  test('the walker does find it from renew (so the check above means something)', () => {
    expect(reachable(join(ROOT, 'lib/commands/renew.ts')).has(PAID)).toBe(true);
    expect(reachable(join(ROOT, 'lib/commands/plan.ts')).has(join(ROOT, 'lib/renewal/plan-listing.ts'))).toBe(true);
  });
});
