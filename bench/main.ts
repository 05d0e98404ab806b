import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { InputError } from '../lib/errors';
import { runBench } from './bench';
import { REPO_ROOT } from './child';
import { parseBenchArgs, USAGE } from './options';
import { formatReport } from './table';

/** `npm run bench`: runs, prints the tables, writes the JSON; resolves with the exit code (1: a check failed). */
export async function main(argv: readonly string[]): Promise<number> {
  let options: ReturnType<typeof parseBenchArgs>;
  try {
    options = parseBenchArgs(argv);
  } catch (err) {
    if (!(err instanceof InputError)) throw err;
    console.error(err.message);
    return 2;
  }
  if (options.help) {
    console.log(USAGE);
    return 0;
  }
  const report = await runBench(options, (line) => console.error(`bench: ${line}`));
  console.log(formatReport(report));
  if (options.out) {
    const file = resolve(REPO_ROOT, options.out);
    writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
    console.error(`bench: results written to ${file}`);
  }
  return report.passed ? 0 : 1;
}
