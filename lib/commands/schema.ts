import { buildPolicyJsonSchema } from '../policy/json-schema';
import { type CliIO, type Command, EXIT } from './io';

export const SCHEMA_USAGE = `usage: autorenew schema

Prints the policy JSON Schema (draft 2020-12), generated from the zod schema the loader validates with.

examples:
  npx autorenew schema > policies/policy.schema.json
  npm run schema`;

/** `schema`: prints the policy JSON Schema (the content of policies/policy.schema.json). */
export const schemaCommand: Command = async (args: readonly string[], io: CliIO) => {
  if (args.length === 1 && (args[0] === '--help' || args[0] === '-h')) {
    io.out(SCHEMA_USAGE);
    return EXIT.ok;
  }
  if (args.length > 0) {
    io.err(`schema: unexpected argument "${args[0]}"; usage: autorenew schema > policy.schema.json`);
    return EXIT.invalidInput;
  }
  for (const line of JSON.stringify(buildPolicyJsonSchema(), null, 2).split('\n')) io.out(line);
  return EXIT.ok;
};
