// Writes dist/iam.json: each job's ledger actions from lib/iam.ts (the one table of what each job calls) and the
// open index's name from lib/ledger/table.ts. scripts/roles.cjs renders the two execution roles from it.
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { loadTsModule } from './load-ts.mjs';

export const IAM_FILE = 'dist/iam.json';

/**
 * Generates the file under `root`.
 * @param {string} root repository root
 * @returns {Promise<string>} the path written
 */
export async function writeIamFacts(root) {
  const { describeIamFacts } = await loadTsModule(root, 'lib/iam.ts');
  const { TABLE } = await loadTsModule(root, 'lib/ledger/table.ts');
  const target = resolve(root, IAM_FILE);
  await mkdir(dirname(target), { recursive: true });
  await writeFile(target, `${JSON.stringify(describeIamFacts(TABLE.openIndex.name), null, 2)}\n`);
  return target;
}
