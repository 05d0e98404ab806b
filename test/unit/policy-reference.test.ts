import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildPolicyJsonSchema } from '../../lib/policy/json-schema';
import { listPolicyFields, renderPolicyReference } from '../../lib/policy/reference';

const ROOT = join(__dirname, '..', '..');

/** Every key path of a JSON value, arrays of objects as `key[]`. */
function keyPaths(value: unknown, prefix = ''): string[] {
  if (Array.isArray(value)) return value.flatMap((v) => keyPaths(v, `${prefix}[]`));
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([k, v]) => {
    const path = prefix ? `${prefix}.${k}` : k;
    return [path, ...keyPaths(v, path)];
  });
}

describe('policy reference (docs/policy-reference.md)', () => {
  it('is up to date with the schema: run `node scripts/policy-reference.mjs` when this fails', () => {
    const committed = readFileSync(join(ROOT, 'docs', 'policy-reference.md'), 'utf8');
    expect(committed).toBe(renderPolicyReference());
  });

  it('documents every field with a type and a description; defaults and ranges come from the schema', () => {
    const rows = listPolicyFields();
    for (const row of rows) {
      expect(row.type).not.toBe('any');
      expect(row.description.length).toBeGreaterThan(10);
    }
    const byPath = new Map(rows.map((r) => [r.path, r]));
    expect(byPath.get('version')).toMatchObject({ required: true, type: 'number (`1`)' });
    expect(byPath.get('rules[].name')).toMatchObject({ required: true });
    expect(byPath.get('window.daysAfterExpiry')).toMatchObject({ defaultValue: '`30`', allowed: '0–30' });
    expect(byPath.get('limits.maxDomainsPerRun')).toMatchObject({ defaultValue: '`100`', allowed: '≥ 1' });
    expect(byPath.get('limits.retryAfterHours')).toMatchObject({ type: 'number', allowed: '> 0' });
    expect(byPath.get('lang')?.allowed).toBe('`"en"`, `"zh"`');
    expect(rows.filter((r) => r.required).map((r) => r.path)).toEqual([
      'version',
      'rules[].name',
      'notify.targets[].name',
      'notify.targets[].kind',
    ]);
  });

  it('covers every key used by the shipped policies', () => {
    const documented = new Set(listPolicyFields().map((r) => r.path));
    const examples = readdirSync(join(ROOT, 'policies', 'examples')).map((f) => `examples/${f}`);
    expect(examples.length).toBeGreaterThan(0);
    for (const file of ['default.json', ...examples]) {
      const policy = JSON.parse(readFileSync(join(ROOT, 'policies', file), 'utf8'));
      for (const path of keyPaths(policy))
        expect({ file, path, documented: documented.has(path) }).toMatchObject({
          documented: true,
        });
    }
  });

  it('renders the same bytes for the same schema, and follows a schema change', () => {
    const schema = buildPolicyJsonSchema();
    expect(renderPolicyReference(schema)).toBe(renderPolicyReference(schema));
    const changed = structuredClone(schema) as { properties: Record<string, { description?: string }> };
    (changed.properties.lang ?? {}).description = 'Changed.';
    expect(renderPolicyReference(changed)).toContain('| Changed. |');
    expect(renderPolicyReference(changed)).not.toBe(renderPolicyReference(schema));
  });
});
