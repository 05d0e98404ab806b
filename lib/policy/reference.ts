import { buildPolicyJsonSchema } from './json-schema';
import { GLOB_PATTERN } from './schema';

/**
 * The policy reference (docs/policy-reference.md), rendered from the JSON Schema that is itself generated from the
 * policy schema (lib/policy/schema.ts, descriptions from lib/policy/descriptions.ts): every field's path, type, default, allowed values and description come from the one source of truth,
 * so the reference cannot drift from what the loader accepts. A unit test fails when the committed file is stale.
 */

type JsonSchema = {
  /** One type, or several (e.g. an amount: a decimal string or a number). */
  type?: string | readonly string[];
  const?: unknown;
  enum?: readonly unknown[];
  default?: unknown;
  description?: string;
  properties?: Record<string, JsonSchema>;
  required?: readonly string[];
  items?: JsonSchema;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  minItems?: number;
  pattern?: string;
};

export interface ReferenceRow {
  /** JSON path, e.g. `limits.maxBatchSize` or `rules[].match`. */
  path: string;
  type: string;
  required: boolean;
  /** Rendered default, or '' when the key has none. */
  defaultValue: string;
  /** Allowed values: range, enum, minimum list length, pattern. */
  allowed: string;
  description: string;
}

/** Above this, an upper bound is a technical limit (safe integers, sanity caps), not a policy decision. */
const UNBOUNDED = 1e6;

const code = (text: string) => `\`${text}\``;

function renderType(s: JsonSchema): string {
  if (typeof s.type !== 'string' && s.type) return s.type.join(' or ');
  if (s.const !== undefined) return `${s.type ?? 'value'} (${code(JSON.stringify(s.const))})`;
  if (s.type === 'array') return `list of ${s.items ? renderType(s.items) : 'values'}`;
  if (s.type === 'integer') return 'whole number';
  return typeof s.type === 'string' ? s.type : 'any';
}

function renderAllowed(s: JsonSchema): string {
  const parts: string[] = [];
  const target = s.type === 'array' && s.items ? s.items : s;
  if (target.enum) parts.push(target.enum.map((v) => code(JSON.stringify(v))).join(', '));
  const low =
    target.minimum !== undefined
      ? `${target.minimum}`
      : target.exclusiveMinimum !== undefined
        ? `> ${target.exclusiveMinimum}`
        : undefined;
  const high = target.maximum !== undefined && target.maximum < UNBOUNDED ? target.maximum : undefined;
  if (low !== undefined && high !== undefined && !low.startsWith('>')) parts.push(`${low}–${high}`);
  else if (low !== undefined) parts.push(low.startsWith('>') ? low : `≥ ${low}`);
  else if (high !== undefined) parts.push(`≤ ${high}`);
  if (target.pattern === '\\S') parts.push('not blank');
  else if (target.pattern === GLOB_PATTERN.source) parts.push('letters, digits, `-`, `.` and `*`');
  else if (target.pattern) parts.push(`pattern ${code(target.pattern)}`);
  if (s.type === 'array' && s.minItems) parts.push(`at least ${s.minItems} item${s.minItems === 1 ? '' : 's'}`);
  return parts.join('; ');
}

function renderDefault(s: JsonSchema): string {
  if (s.default === undefined) return '';
  if (typeof s.default === 'object' && s.default !== null && !Array.isArray(s.default)) {
    return Object.keys(s.default).length === 0 ? 'all fields default' : code(JSON.stringify(s.default));
  }
  return code(JSON.stringify(s.default));
}

/** Flattens the schema into one row per field, depth first, in schema order. Pure. */
export function listPolicyFields(schema: Record<string, unknown> = buildPolicyJsonSchema()): ReferenceRow[] {
  const rows: ReferenceRow[] = [];
  const walk = (node: JsonSchema, prefix: string) => {
    for (const [key, child] of Object.entries(node.properties ?? {})) {
      const path = prefix ? `${prefix}.${key}` : key;
      rows.push({
        path,
        type: renderType(child),
        required: (node.required ?? []).includes(key),
        defaultValue: renderDefault(child),
        allowed: renderAllowed(child),
        description: child.description ?? '',
      });
      if (child.type === 'object') walk(child, path);
      if (child.type === 'array' && child.items?.type === 'object') walk(child.items, `${path}[]`);
    }
  };
  walk(schema as JsonSchema, '');
  return rows;
}

/** Markdown table cells: no pipes or line breaks inside a cell. */
const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\s*\n\s*/g, ' ');

/** The whole docs/policy-reference.md text (ends with a newline). Pure: same schema, same bytes. */
export function renderPolicyReference(schema: Record<string, unknown> = buildPolicyJsonSchema()): string {
  const rows = listPolicyFields(schema);
  const table = [
    '| field | type | default | allowed | description |',
    '| --- | --- | --- | --- | --- |',
    ...rows.map(
      (r) =>
        `| ${code(r.path)}${r.required ? ' **(required)**' : ''} | ${cell(r.type)} | ${cell(r.defaultValue)} | ${cell(r.allowed)} | ${cell(r.description)} |`,
    ),
  ];
  return [
    '# Policy file reference (v1)',
    '',
    '<!-- Generated from lib/policy/schema.ts by lib/policy/reference.ts (node scripts/policy-reference.mjs). -->',
    '<!-- Do not edit by hand: test/unit/policy-reference.test.ts fails when this file is stale. -->',
    '',
    String(schema.description ?? ''),
    '',
    'A policy is one JSON object. Every object is strict: an unknown key is an error (with a "did you mean" hint),',
    'so a typo can never silently change what is bought. Only `version` is required; everything else has a default.',
    'Editors complete and check fields when the file starts with `"$schema": "./policy.schema.json"`',
    '(`policies/policy.schema.json`, generated from the same schema). Check a file with',
    '`npx autorenew validate <file>`: problems are printed as `file:line:col path: message`.',
    '',
    '## Fields',
    '',
    '`rules[].x` is field `x` of each rule. Days are 24-hour periods; dates are compared in UTC.',
    '',
    ...table,
    '',
    '## Checks the JSON Schema cannot express',
    '',
    'The loader enforces these too (an editor using the JSON Schema will not flag them):',
    '',
    '- Each rule needs `match` or `groups` (or both); a rule that matches nothing is an error.',
    '- A rule with `"renew": false` may not set `years`, `coupon` or `promotion` (they would never be used).',
    '- Rule names are unique, ignoring case.',
    '- An event appears at most once in `notify.events` and in `notify.smsEvents`.',
    '- Duplicate keys in one object are an error (JSON parsers would silently keep the last one).',
    '',
    '## How a domain is decided',
    '',
    '- **Due** when `expiry - now <= daysBeforeExpiry` days and, once expired, `now - expiry <= daysAfterExpiry`',
    "  days. The window is the top-level `window`, overridden field by field by the matching rule's `window`.",
    '- **Rules**: the first rule whose `match` (case-insensitive glob over the whole name; `*` is any run of',
    '  characters) or `groups` (Alibaba domain group names) fits wins; its fields override `defaults`.',
    '- **Years** are reduced so the new expiry stays within `limits.maxYearsAhead` years of now; if not even one year',
    '  fits, the domain is skipped with reason `at-max-term`.',
    '- **Batches** are grouped by coupon, promotion and premium permission (they are per call in the API), at most',
    '  `limits.maxBatchSize` domains each; at most `limits.maxDomainsPerRun` domains per run, soonest expiry first.',
    '- Premium domains are skipped unless `limits.allowPremium`. Domains past the grace period (redemption) are',
    '  reported and never bought.',
    '',
    'Examples: `policies/default.json` (the default) and `policies/examples/*.json`.',
    '',
  ].join('\n');
}
