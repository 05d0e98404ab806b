import { POLICY_DESCRIPTIONS } from '../../lib/policy/descriptions';
import { policySchema } from '../../lib/policy/schema';
import { listDocumentedPaths } from '../../lib/validate/documented-paths';

// The policy schema is written once (lib/policy/schema.ts); the prose the docs show lives apart, keyed by path, so
// the Lambda handlers do not load it. These keep the two halves matched.
describe('policy descriptions (lib/policy/descriptions.ts)', () => {
  const documented = listDocumentedPaths(policySchema);

  it('every documented node of the schema has a description', () => {
    expect(documented.filter((path) => POLICY_DESCRIPTIONS[path] === undefined)).toEqual([]);
  });

  it('no description is orphaned: each names a documented node', () => {
    expect(Object.keys(POLICY_DESCRIPTIONS).filter((path) => !documented.includes(path))).toEqual([]);
  });

  it('each path is documented once (a second mark would give the JSON Schema two descriptions)', () => {
    expect(documented.filter((path, i) => documented.indexOf(path) !== i)).toEqual([]);
  });

  it('reaches list items and record values, not only object keys', () => {
    expect(documented).toEqual(expect.arrayContaining(['rules[]', 'rules[].match', 'money.priceTable.*']));
  });
});
