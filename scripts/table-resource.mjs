// Writes dist/table-resource.json: the ledger table's CloudFormation properties generated from lib/ledger/table.ts
// (the one definition of keys, the sparse index and the TTL attribute). serverless.yml reads it with ${file(...)}.
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { loadTsModule } from './load-ts.mjs';

export const TABLE_RESOURCE_FILE = 'dist/table-resource.json';

/**
 * Builds the generated table facts: the CreateTable schema plus the TTL specification and the index name (for IAM).
 * @param {string} root repository root
 */
export async function buildTableResource(root) {
  const { TABLE, describeTableSchema } = await loadTsModule(root, 'lib/ledger/table.ts');
  const schema = describeTableSchema();
  return {
    AttributeDefinitions: schema.AttributeDefinitions,
    KeySchema: schema.KeySchema,
    GlobalSecondaryIndexes: schema.GlobalSecondaryIndexes,
    BillingMode: schema.BillingMode,
    TimeToLiveSpecification: { AttributeName: TABLE.ttlAttribute, Enabled: true },
    openIndexName: TABLE.openIndex.name,
  };
}

/**
 * Generates the file under `root`.
 * @param {string} root repository root
 * @returns {Promise<string>} the path written
 */
export async function writeTableResource(root) {
  const target = resolve(root, TABLE_RESOURCE_FILE);
  await mkdir(dirname(target), { recursive: true });
  await writeFile(target, `${JSON.stringify(await buildTableResource(root), null, 2)}\n`);
  return target;
}
