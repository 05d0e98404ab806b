import {
  CLAIM_PARTITION_PATTERNS,
  describeIamFacts,
  HOLD_PARTITION_PATTERNS,
  JOB_LEDGER_CALLS,
  LEDGER_METHOD_ACCESS,
  ledgerGrants,
  MARK_PARTITION_PATTERNS,
  RESERVED_ACCESS,
  usedLedgerAccess,
} from '../../lib/iam';
import { keyspaceOf, toBatchKey, toClaimKey, toHoldsKey, toMarkKey, toRunKey } from '../../lib/ledger/items';
import { matchesStringLike } from '../helpers/iam-string-like';

interface Statement {
  Sid: string;
  Effect?: string;
  Action: string | string[];
  Resource: unknown;
  Condition?: unknown;
}
interface Role {
  Properties: { RoleName: unknown; Policies: { PolicyDocument: { Statement: Statement[] } }[] };
}

const { buildRoles } = require('../../scripts/roles.cjs') as {
  buildRoles(
    facts: ReturnType<typeof describeIamFacts>,
    params: {
      service: string;
      stage: string;
      secretName: string;
      readOnlySecretName?: string;
      accounts?: { name: string; secretId: string; readOnlySecretId?: string }[];
    },
  ): { Resources: Record<string, Role> };
};

const PARAMS = { service: 'svc', stage: 'dev', secretName: 'svc/alibaba' };
const statements = (role: Role | undefined) =>
  Object.fromEntries((role?.Properties.Policies[0]?.PolicyDocument.Statement ?? []).map((s) => [s.Sid, s]));

describe('lib/iam.ts: each role from what its job calls', () => {
  test('renew: item reads and conditional writes on the table, Query on the open index and claim partitions', () => {
    expect(ledgerGrants('renew')).toEqual({
      table: ['dynamodb:BatchGetItem', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'],
      openIndex: ['dynamodb:Query'],
      claimPartitions: ['dynamodb:Query'],
      markPartitions: ['dynamodb:BatchWriteItem'],
    });
  });

  test('check: no claim take-over or budget, so no UpdateItem; the sweep Scan and claim-partition queries', () => {
    expect(ledgerGrants('check')).toEqual({
      table: ['dynamodb:BatchGetItem', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Scan'],
      openIndex: ['dynamodb:Query'],
      claimPartitions: ['dynamodb:Query'],
      markPartitions: ['dynamodb:BatchWriteItem'],
    });
    // Check takes over no claim and spends no budget: it writes whole items (PutItem) only.
    const used = usedLedgerAccess('check').map((a) => a.action);
    expect(used).not.toContain('UpdateItem');
    expect(JOB_LEDGER_CALLS.check).not.toContain('claim');
    expect(JOB_LEDGER_CALLS.check).not.toContain('takeBudget');
    expect(RESERVED_ACCESS.check).toEqual([]);
  });

  test('claim-partition queries are limited to the claims’ partition keys (lib/ledger/items.ts)', () => {
    const allowed = (pk: string) => CLAIM_PARTITION_PATTERNS.some((p) => matchesStringLike(p, pk));
    for (const account of ['', 'cn-main', 'intl-2']) {
      const ks = keyspaceOf(account);
      expect(allowed(toClaimKey({ domain: 'x.com', expiryMs: 1 }, ks).pk)).toBe(true);
      for (const pk of [toBatchKey('b', ks).pk, toRunKey('renew', ks).pk, toHoldsKey(ks).pk, toMarkKey('m', ks).pk])
        expect(allowed(pk)).toBe(false);
    }
  });

  test('the denied hold partitions are the holds items’ only; the mark writes, the marks’ only', () => {
    const denied = (pk: string) => HOLD_PARTITION_PATTERNS.some((p) => matchesStringLike(p, pk));
    const marks = (pk: string) => MARK_PARTITION_PATTERNS.some((p) => matchesStringLike(p, pk));
    for (const account of ['', 'cn-main', 'intl-2']) {
      const ks = keyspaceOf(account);
      expect(denied(toHoldsKey(ks).pk)).toBe(true);
      expect(marks(toMarkKey('notify#sent#x', ks).pk)).toBe(true);
      const others = [
        toBatchKey('b', ks).pk,
        toRunKey('renew', ks).pk,
        toClaimKey({ domain: 'x.com', expiryMs: 1 }, ks).pk,
      ];
      for (const pk of [...others, toMarkKey('m', ks).pk]) expect(denied(pk)).toBe(false);
      for (const pk of [...others, toHoldsKey(ks).pk]) expect(marks(pk)).toBe(false);
    }
  });

  test('no role queries the table, deletes or scans for the CLI: those methods are the operator’s', () => {
    for (const job of ['renew', 'check'] as const) {
      expect(ledgerGrants(job).table).not.toContain('dynamodb:Query');
      expect(ledgerGrants(job).table).not.toContain('dynamodb:DeleteItem');
      for (const method of ['listRecentBatches', 'lastRuns'] as const) {
        expect(JOB_LEDGER_CALLS[job]).not.toContain(method);
      }
    }
  });

  test('holds: renew reads them with the GetItem it already holds; writing holds is the operator’s alone', () => {
    expect(JOB_LEDGER_CALLS.renew).toContain('listHolds');
    expect(LEDGER_METHOD_ACCESS.listHolds).toEqual([{ action: 'GetItem', on: 'table' }]);
    for (const job of ['renew', 'check'] as const) {
      expect(JOB_LEDGER_CALLS[job]).not.toContain('putHolds');
      expect(JOB_LEDGER_CALLS[job]).not.toContain('deleteHold');
    }
  });

  test('a reserved grant is not already given by a declared call (delete it once the call exists)', () => {
    for (const job of ['renew', 'check'] as const) {
      const used = new Set(usedLedgerAccess(job).map((a) => `${a.action}@${a.on}`));
      expect(RESERVED_ACCESS[job].filter((r) => used.has(`${r.action}@${r.on}`))).toEqual([]);
    }
  });

  test('the derivation follows the table: declaring a call adds exactly its actions', () => {
    // Switch the protection off: if check called claim(), its grants would include the take-over UpdateItem even
    // without the reservation. The derivation, not a hand-written list, is what the roles come from.
    const withClaim = [...JOB_LEDGER_CALLS.check, 'claim'] as const;
    const actions = new Set(withClaim.flatMap((m) => LEDGER_METHOD_ACCESS[m]).map((a) => a.action));
    expect(actions.has('UpdateItem')).toBe(true);
    expect(usedLedgerAccess('check').some((a) => a.action === 'UpdateItem')).toBe(false);
  });
});

describe('scripts/roles.cjs renders the roles from dist/iam.json facts', () => {
  const facts = describeIamFacts('open-batches');

  test('each role gets exactly its job’s ledger actions, split by resource', () => {
    const { Resources } = buildRoles(facts, PARAMS);
    expect(Object.keys(Resources).sort()).toEqual(['CheckRole', 'RenewRole']);
    for (const role of [Resources.CheckRole, Resources.RenewRole]) {
      expect(statements(role).LedgerClaimQueries).toEqual({
        Sid: 'LedgerClaimQueries',
        Effect: 'Allow',
        Action: ['dynamodb:Query'],
        Resource: { 'Fn::GetAtt': ['LedgerTable', 'Arn'] },
        Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': CLAIM_PARTITION_PATTERNS } },
      });
    }
    for (const job of ['renew', 'check'] as const) {
      const s = statements(Resources[`${job[0]?.toUpperCase()}${job.slice(1)}Role`]);
      expect(Object.keys(s).sort()).toEqual([
        'LedgerClaimQueries',
        'LedgerItems',
        'LedgerMarkWrites',
        'LedgerOpenIndex',
        'NoHoldWrites',
        'PublishAlerts',
        'ReadAlibabaKey',
        'WriteOwnLogs',
      ]);
      expect(s.LedgerItems?.Action).toEqual(ledgerGrants(job).table);
      expect(s.LedgerItems?.Resource).toEqual({ 'Fn::GetAtt': ['LedgerTable', 'Arn'] });
      // Review 2026-12-07 (thirty-first session): the roles' PutItem on the table could overwrite the operator's holds.
      expect(s.NoHoldWrites?.Effect).toBe('Deny');
      expect(s.NoHoldWrites?.Condition).toEqual({
        'ForAnyValue:StringLike': { 'dynamodb:LeadingKeys': ['HOLD', 'ACCT#*#HOLD'] },
      });
      expect(s.NoHoldWrites?.Action).toEqual(expect.arrayContaining(['dynamodb:PutItem', 'dynamodb:BatchWriteItem']));
      expect(s.LedgerMarkWrites).toEqual({
        Sid: 'LedgerMarkWrites',
        Effect: 'Allow',
        Action: ['dynamodb:BatchWriteItem'],
        Resource: { 'Fn::GetAtt': ['LedgerTable', 'Arn'] },
        Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['MARK#*', 'ACCT#*#MARK#*'] } },
      });
      expect(s.LedgerOpenIndex).toEqual({
        Sid: 'LedgerOpenIndex',
        Effect: 'Allow',
        Action: ['dynamodb:Query'],
        Resource: { 'Fn::Join': ['/', [{ 'Fn::GetAtt': ['LedgerTable', 'Arn'] }, 'index', 'open-batches']] },
      });
    }
  });

  test('without readOnlySecretName both roles read the main secret; with it, check reads only the read-only one', () => {
    const secretOf = (resources: Record<string, Role>, id: string) =>
      (statements(resources[id]).ReadAlibabaKey?.Resource as { 'Fn::Sub': string } | undefined)?.['Fn::Sub'];
    const one = buildRoles(facts, { ...PARAMS, readOnlySecretName: '' }).Resources;
    expect(secretOf(one, 'RenewRole')).toMatch(/:secret:svc\/alibaba-\?{6}$/);
    expect(secretOf(one, 'CheckRole')).toMatch(/:secret:svc\/alibaba-\?{6}$/);
    const two = buildRoles(facts, { ...PARAMS, readOnlySecretName: 'svc/alibaba-readonly' }).Resources;
    expect(secretOf(two, 'RenewRole')).toMatch(/:secret:svc\/alibaba-\?{6}$/);
    expect(secretOf(two, 'CheckRole')).toMatch(/:secret:svc\/alibaba-readonly-\?{6}$/);
  });

  test('with accounts: renew reads every account’s secret, check each read-only one or else the main one', () => {
    const arn = (name: string) => ({
      'Fn::Sub': `arn:\${AWS::Partition}:secretsmanager:\${AWS::Region}:\${AWS::AccountId}:secret:${name}-??????`,
    });
    const accounts = [
      { name: '', secretId: 'svc/cn', readOnlySecretId: 'svc/cn-readonly' },
      { name: 'intl-shop', secretId: 'svc/intl' },
      { name: 'cn-second', secretId: 'svc/cn2', readOnlySecretId: 'svc/cn2-readonly' },
    ];
    // The single-account params are ignored once accounts are given.
    const { Resources } = buildRoles(facts, { ...PARAMS, readOnlySecretName: 'svc/ignored', accounts });
    expect(statements(Resources.RenewRole).ReadAlibabaKey?.Resource).toEqual([
      arn('svc/cn'),
      arn('svc/intl'),
      arn('svc/cn2'),
    ]);
    expect(statements(Resources.CheckRole).ReadAlibabaKey?.Resource).toEqual([
      arn('svc/cn-readonly'),
      arn('svc/intl'),
      arn('svc/cn2-readonly'),
    ]);
    // No wildcard beyond Secrets Manager's six-character suffix.
    for (const role of [Resources.RenewRole, Resources.CheckRole]) {
      for (const r of (statements(role).ReadAlibabaKey?.Resource ?? []) as { 'Fn::Sub': string }[]) {
        expect(r['Fn::Sub'].replace(/-\?{6}$/, '')).not.toMatch(/[*?]/);
      }
    }
    // An empty list is the single account, unchanged (one ARN, not a list).
    const single = buildRoles(facts, { ...PARAMS, accounts: [] }).Resources;
    expect(statements(single.RenewRole).ReadAlibabaKey?.Resource).toEqual(arn('svc/alibaba'));
    expect(statements(single.CheckRole).ReadAlibabaKey?.Resource).toEqual(arn('svc/alibaba'));
    expect(() => buildRoles(facts, { ...PARAMS, accounts: [{ name: 'x', secretId: 'a}-${AWS::AccountId' }] })).toThrow(
      /accounts\[0\] \(x\).*not a Secrets Manager secret name/,
    );
  });

  test('a role without index actions gets no index statement', () => {
    const noIndex = { ...facts, jobs: { ...facts.jobs, check: { ...facts.jobs.check, openIndex: [] } } };
    const s = statements(buildRoles(noIndex, PARAMS).Resources.CheckRole);
    expect(s.LedgerOpenIndex).toBeUndefined();
  });

  test('a secret name that could break out of the Fn::Sub is refused', () => {
    expect(() => buildRoles(facts, { ...PARAMS, secretName: 'x}-${AWS::AccountId' })).toThrow(
      /param "secretName".*not a Secrets Manager secret name/,
    );
    expect(() => buildRoles(facts, { ...PARAMS, readOnlySecretName: 'a b' })).toThrow(/readOnlySecretName/);
  });
});
