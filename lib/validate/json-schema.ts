import type { Schema } from './schema';

/** A JSON Schema node. */
export type JsonSchema = Record<string, unknown>;

/** The text of the documented node at `path`, e.g. `rules[].match`. */
export type Describe = (path: string) => string;

/**
 * The JSON Schema (draft 2020-12) of the input `schema` accepts: keys with a default are optional. Checks beyond
 * ranges, patterns and lengths (custom checks) have no JSON Schema form and are left out. Dev-time only (the
 * `schema` command, the reference generator): the handlers never load it.
 *
 * Keys come in the order zod's generator wrote them, so the committed policies/policy.schema.json stayed
 * byte-identical when the kit replaced zod: a wrapper's default and description before what it wraps, a leaf's
 * description after its own keys, a union's first.
 * @param describe the text of each documented node (a node marked by `documented`)
 */
export function buildJsonSchema(schema: Schema, describe: Describe): JsonSchema {
  return { $schema: 'https://json-schema.org/draft/2020-12/schema', ...describeNode(schema, '', describe) };
}

const joinPath = (prefix: string, key: string) => (prefix ? `${prefix}.${key}` : key);

/** Whether an object key with this schema may be left out of the input. */
const mayBeAbsent = (s: Schema) => s.kind === 'optional' || s.kind === 'default' || s.kind === 'prefault';

function describeNode(s: Schema, path: string, describe: Describe): JsonSchema {
  const out: JsonSchema = {};
  const addDescription = () => {
    if (s.doc) out.description = describe(path);
  };
  const inner = s.inner!;
  switch (s.kind) {
    case 'default':
    case 'prefault':
      out.default = s.fallback;
      addDescription();
      return Object.assign(out, describeNode(inner, path, describe));
    case 'optional':
      addDescription();
      return Object.assign(out, describeNode(inner, path, describe));
    case 'union':
      addDescription();
      out.type = s.options!.map((o) => describeNode(o, path, describe).type);
      return out;
    case 'string':
      out.type = 'string';
      break;
    case 'number':
      out.type = s.checks?.some((c) => c.kind === 'int') ? 'integer' : 'number';
      break;
    case 'boolean':
      out.type = 'boolean';
      break;
    case 'literal':
      out.type = typeof s.values![0];
      out.const = s.values![0];
      break;
    case 'enum':
      out.type = 'string';
      out.enum = s.values;
      break;
    case 'array':
      break;
    case 'object': {
      const shape = s.shape!;
      out.type = 'object';
      out.properties = Object.fromEntries(
        Object.entries(shape).map(([key, child]) => [key, describeNode(child, joinPath(path, key), describe)]),
      );
      const required = Object.keys(shape).filter((key) => !mayBeAbsent(shape[key]!));
      if (required.length > 0) out.required = required;
      if (s.strict) out.additionalProperties = false;
      break;
    }
    case 'record':
      out.type = 'object';
      out.propertyNames = describeNode(s.key!, path, describe);
      out.additionalProperties = describeNode(inner, joinPath(path, '*'), describe);
      break;
    case 'nullable':
      throw new Error(`${path || 'the root'}: nullable has no JSON Schema form here (not needed by any schema yet)`);
  }
  for (const check of s.checks ?? []) {
    if (check.kind === 'min') out.minimum = check.value;
    else if (check.kind === 'gt') out.exclusiveMinimum = check.value;
    else if (check.kind === 'max') out.maximum = check.value;
    else if (check.kind === 'regex') out.pattern = check.pattern.source;
    else if (check.kind === 'minLength' && s.kind === 'array') out.minItems = check.value;
  }
  if (s.kind === 'array') {
    // zod wrote an array's length bound before its type.
    out.type = 'array';
    out.items = describeNode(inner, `${path}[]`, describe);
  }
  addDescription();
  return out;
}
