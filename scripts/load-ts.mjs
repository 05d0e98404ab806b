// Loads a TypeScript module of this repository at packaging time: esbuild bundles it in memory (no files written)
// and the CommonJS result is evaluated here, so deploy facts come from the same source the Lambda code uses.
import { createRequire } from 'node:module';
import { resolve } from 'node:path';

const { loadTsSync } = createRequire(import.meta.url)('./load-ts.cjs');

/**
 * Bundles `entry` (a path relative to `root`) and returns its exports (see load-ts.cjs).
 * @param {string} root repository root
 * @param {string} entry e.g. `lib/ledger/table.ts`
 * @returns {Promise<Record<string, unknown>>}
 */
export async function loadTsModule(root, entry) {
  return loadTsSync(resolve(root, entry));
}
