import { readFileSync } from 'node:fs';
import { join } from 'node:path';

interface RamStatement {
  Effect: string;
  Action: string[];
  Resource: string;
  Condition?: unknown;
}

const DOCS = join(__dirname, '..', '..', 'docs');
const read = (file: string) =>
  JSON.parse(readFileSync(join(DOCS, file), 'utf8')) as { Version: string; Statement: RamStatement[] };
const actions = (policy: { Statement: RamStatement[] }) => policy.Statement.flatMap((s) => s.Action);
/** Any action that could create an order, save a task or renew: what a read-only key must never hold. */
const SPENDS = /create|save|renew|order|pay|\*/i;

describe('docs/alibaba-ram-policy*.json: the two RAM policies', () => {
  const renew = read('alibaba-ram-policy.json');
  const readOnly = read('alibaba-ram-policy-readonly.json');

  test('both parse, allow only domain: and the balance read (bss:/bssapi:), and only over TLS', () => {
    for (const policy of [renew, readOnly]) {
      expect(policy.Version).toBe('1');
      for (const statement of policy.Statement) {
        expect(statement.Effect).toBe('Allow');
        for (const action of statement.Action) expect(action).toMatch(/^(?:domain|bss|bssapi):[A-Za-z]+$/);
        expect(statement.Condition).toEqual({ Bool: { 'acs:SecureTransport': 'true' } });
      }
    }
  });

  test('renew lists, reads tasks and renews; the read-only one only lists and reads tasks', () => {
    // The balance: bss:DescribeAcccount (sic, current pages) or bssapi:QueryAccountBalance (older pages), both listed.
    const reads = [
      'bss:DescribeAcccount',
      'bssapi:QueryAccountBalance',
      'domain:QueryCommonInfo',
      'domain:QueryDomain',
      'domain:QueryDomainTask',
    ];
    expect(actions(renew).sort()).toEqual([...reads, 'domain:CreateOrderRenew'].sort());
    expect(actions(readOnly).sort()).toEqual(reads);
    expect(actions(readOnly).filter((a) => SPENDS.test(a))).toEqual([]);
    // The check has teeth: the renew policy is caught by it.
    expect(actions(renew).filter((a) => SPENDS.test(a))).toEqual(['domain:CreateOrderRenew']);
  });
});

describe('docs/alibaba-ram-policy-intl*.json: the international site’s policies', () => {
  const intl = read('alibaba-ram-policy-intl.json');
  const intlReadOnly = read('alibaba-ram-policy-intl-readonly.json');

  test('TLS only; the read-only one can spend nothing', () => {
    for (const policy of [intl, intlReadOnly]) {
      expect(policy.Version).toBe('1');
      for (const statement of policy.Statement) {
        expect(statement.Effect).toBe('Allow');
        expect(statement.Condition).toEqual({ Bool: { 'acs:SecureTransport': 'true' } });
      }
    }
    expect(actions(intlReadOnly).filter((a) => SPENDS.test(a))).toEqual([]);
    expect(actions(intl).filter((a) => SPENDS.test(a))).toEqual(['domain:CreateOrderRenew']);
  });

  test('the same action names as the China site’s (no source names intl-specific ones, docs/deploy.md)', () => {
    // When Alibaba documents different names for Domain-intl, this test must be changed together with the doc.
    expect(actions(intl).sort()).toEqual(actions(read('alibaba-ram-policy.json')).sort());
    expect(actions(intlReadOnly).sort()).toEqual(actions(read('alibaba-ram-policy-readonly.json')).sort());
  });
});
