// Writes docs/policy-reference.md from the policy schema (lib/policy/reference.ts renders it; this only writes).
// `node scripts/policy-reference.mjs --check` exits 1 when the committed file is stale instead of writing it.
import { readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadTsModule } from './load-ts.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const target = join(root, 'docs', 'policy-reference.md');
const { renderPolicyReference } = await loadTsModule(root, 'lib/policy/reference.ts');
const text = renderPolicyReference();

if (process.argv.includes('--check')) {
  const current = await readFile(target, 'utf8').catch(() => '');
  if (current !== text) {
    console.error('docs/policy-reference.md is stale: run `node scripts/policy-reference.mjs` and commit it');
    process.exitCode = 1;
  }
} else {
  await writeFile(target, text);
  console.log(`wrote ${target}`);
}
