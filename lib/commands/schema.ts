import { buildPolicyJsonSchema } from '../policy/json-schema';
import { type CliIO, type Command, EXIT } from './io';

/** `schema`: prints the policy JSON Schema (the content of policies/policy.schema.json). */
export const schemaCommand: Command = async (args: readonly string[], io: CliIO) => {
  if (args.length > 0) {
    io.err(`schema: unexpected argument "${args[0]}"; usage: autorenew schema > policy.schema.json`);
    return EXIT.invalidInput;
  }
  for (const line of JSON.stringify(buildPolicyJsonSchema(), null, 2).split('\n')) io.out(line);
  return EXIT.ok;
};
