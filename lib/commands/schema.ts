import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { packageRoot } from '../package-root';
import { buildPolicyJsonSchema } from '../policy/json-schema';
import { type CliIO, type Command, EXIT } from './io';

export const SCHEMA_USAGE = `usage: autorenew schema [--path | --url]

Prints the policy JSON Schema (draft 2020-12), generated from the policy schema the loader validates with.
--path prints the absolute path of the installed schema file (policies/policy.schema.json) instead, and --url its
file:// URL: put either in a policy's "$schema" to get completion in an editor from any folder.

examples:
  npx autorenew schema > policies/policy.schema.json
  npx autorenew schema --path
  npm run schema`;

/** Where the installed package keeps the generated schema, relative to its root. */
export const SCHEMA_FILE = join('policies', 'policy.schema.json');

/** `schema`: prints the policy JSON Schema (the content of policies/policy.schema.json), or where that file is. */
export const schemaCommand: Command = async (args: readonly string[], io: CliIO) => {
  if (args.length === 1 && (args[0] === '--help' || args[0] === '-h')) {
    io.out(SCHEMA_USAGE);
    return EXIT.ok;
  }
  if (args.length === 1 && (args[0] === '--path' || args[0] === '--url')) {
    const root = packageRoot();
    if (!root) {
      io.err('schema: cannot find the installed package (package.json of aliyun-domain-autorenew); reinstall it');
      return EXIT.jobFailed;
    }
    const file = join(root, SCHEMA_FILE);
    io.out(args[0] === '--path' ? file : pathToFileURL(file).href);
    return EXIT.ok;
  }
  if (args.length > 0) {
    io.err(
      `schema: unexpected argument "${args[0]}"; usage: autorenew schema [--path | --url], or autorenew schema > policy.schema.json`,
    );
    return EXIT.invalidInput;
  }
  for (const line of JSON.stringify(buildPolicyJsonSchema(), null, 2).split('\n')) io.out(line);
  return EXIT.ok;
};
