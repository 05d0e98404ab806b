import { isRecordedPolicy, policyHash, policyRulesHash } from '../../lib/policy/hash';
import { parsePolicyText } from '../../lib/policy/load';

const parse = (value: unknown) => parsePolicyText(JSON.stringify(value), 'policy.json');

const BASE = {
  version: 1,
  window: { daysBeforeExpiry: 30 },
  rules: [{ name: 'let-lapse', match: ['old-brand.com'], renew: false }],
  notify: { advanceDays: 0, targets: [{ name: 'ops', kind: 'dingtalk' }] },
};

/** A copy of BASE with `edit` applied to a deep clone. */
function edited(edit: (p: typeof BASE & Record<string, unknown>) => void) {
  const copy = structuredClone(BASE) as typeof BASE & Record<string, unknown>;
  edit(copy);
  return parse(copy);
}

describe('policyRulesHash: what a policy decides, without its comments', () => {
  it.each([
    ['$schema', (p: Record<string, unknown>) => Object.assign(p, { $schema: './policy.schema.json' })],
    ['the top description', (p: Record<string, unknown>) => Object.assign(p, { description: 'prod' })],
    ["a rule's description", (p: typeof BASE) => Object.assign(p.rules[0] as object, { description: 'old brand' })],
    [
      "a chat target's description",
      (p: typeof BASE) => Object.assign(p.notify.targets[0] as object, { description: 'x' }),
    ],
  ])('ignores %s', (_what, edit) => {
    const copy = edited(edit as (p: typeof BASE & Record<string, unknown>) => void);
    expect(policyRulesHash(copy)).toBe(policyRulesHash(parse(BASE)));
    // The whole hash (plan files, older records) still sees it.
    expect(policyHash(copy)).not.toBe(policyHash(parse(BASE)));
  });

  it.each([
    ['a rule', (p: typeof BASE) => Object.assign(p.rules[0] as object, { renew: true })],
    ["a rule's name", (p: typeof BASE) => Object.assign(p.rules[0] as object, { name: 'other' })],
    ['the window', (p: typeof BASE) => Object.assign(p.window, { daysBeforeExpiry: 20 })],
    ['lang (the registrar answers in it)', (p: Record<string, unknown>) => Object.assign(p, { lang: 'zh' })],
    [
      "a chat target's events",
      (p: typeof BASE) => Object.assign(p.notify.targets[0] as object, { events: ['failed'] }),
    ],
  ])('sees %s', (_what, edit) => {
    expect(policyRulesHash(edited(edit as (p: typeof BASE & Record<string, unknown>) => void))).not.toBe(
      policyRulesHash(parse(BASE)),
    );
  });
});

describe('isRecordedPolicy: a run record against a policy file', () => {
  const base = parse(BASE);
  const commented = edited((p) => Object.assign(p, { description: 'copied to the laptop' }));
  const other = edited((p) => Object.assign(p.rules[0] as object, { renew: true }));
  it.each([
    [
      'a record of this version, same rules, other comments',
      { policyHash: policyHash(base), policyRulesHash: policyRulesHash(base) },
      commented,
      true,
    ],
    [
      'a record of this version, other rules',
      { policyHash: policyHash(base), policyRulesHash: policyRulesHash(base) },
      other,
      false,
    ],
    ['an older record (whole hash only), the same file', { policyHash: policyHash(base) }, base, true],
    ['an older record (whole hash only), other comments', { policyHash: policyHash(base) }, commented, false],
    ['a record without hashes (a CLI run)', {}, other, true],
  ])('%s', (_what, record, policy, expected) => {
    expect(isRecordedPolicy(record, policy)).toBe(expected);
  });
});
