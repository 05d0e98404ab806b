// Loads a TypeScript module of this repository at packaging time: esbuild bundles it in memory (no files written)
// and the CommonJS result is evaluated here, so deploy facts come from the same source the Lambda code uses.
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { build } from 'esbuild';

/**
 * Bundles `entry` (a path relative to `root`) and returns its exports.
 * @param {string} root repository root
 * @param {string} entry e.g. `lib/ledger/table.ts`
 * @returns {Promise<Record<string, unknown>>}
 */
export async function loadTsModule(root, entry) {
  const file = resolve(root, entry);
  const out = await build({
    entryPoints: [file],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    write: false,
    logLevel: 'silent',
    packages: 'external',
  });
  const code = out.outputFiles[0]?.text ?? '';
  const module = { exports: {} };
  const require = createRequire(file);
  new Function('module', 'exports', 'require', code)(module, module.exports, require);
  return module.exports;
}
