// Writes dist/metrics.json: the EMF namespace, dimension and metric names from lib/metrics.ts, so the alarms in
// serverless.yml watch exactly the names the handlers emit.
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { loadTsModule } from './load-ts.mjs';

export const METRICS_FILE = 'dist/metrics.json';

/**
 * Generates the file under `root`.
 * @param {string} root repository root
 * @returns {Promise<string>} the path written
 */
export async function writeMetricNames(root) {
  const { METRIC_NAMESPACE, METRIC_DIMENSION, METRICS } = await loadTsModule(root, 'lib/metrics.ts');
  const target = resolve(root, METRICS_FILE);
  await mkdir(dirname(target), { recursive: true });
  const facts = { namespace: METRIC_NAMESPACE, dimension: METRIC_DIMENSION, names: METRICS };
  await writeFile(target, `${JSON.stringify(facts, null, 2)}\n`);
  return target;
}
