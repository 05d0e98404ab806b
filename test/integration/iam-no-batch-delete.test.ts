import { describeIamFacts } from '../../lib/iam';
import { keyspaceOf, toBatchKey, toClaimKey, toHoldsKey } from '../../lib/ledger/items';
import { matchesStringLike } from '../helpers/iam-string-like';

interface Statement {
  Sid: string;
  Effect: string;
  Action: string | string[];
  Resource: unknown;
  Condition?: { 'ForAllValues:StringLike'?: { 'dynamodb:LeadingKeys'?: string[] } };
}
interface Role {
  Properties: { Policies: { PolicyDocument: { Statement: Statement[] } }[] };
}
const { buildRoles } = require('../../scripts/roles.cjs') as {
  buildRoles(
    facts: ReturnType<typeof describeIamFacts>,
    params: { service: string; stage: string; secretName: string },
  ): { Resources: Record<string, Role> };
};

/** The DynamoDB actions that can remove an item: DeleteItem, and BatchWriteItem (its DeleteRequest). */
const DELETES = ['dynamodb:DeleteItem', 'dynamodb:BatchWriteItem', 'dynamodb:*'];
const TABLE_ARN = { 'Fn::GetAtt': ['LedgerTable', 'Arn'] };

/**
 * Review 2026-12-07 (thirty-first session). docs/deploy.md ("IAM: one role per job"): "Neither role may ... DeleteItem", and test/unit/iam.test.ts checks that
 * no role holds dynamodb:DeleteItem. But both roles hold dynamodb:BatchWriteItem on the whole table (for putMarks,
 * notice marks only), and BatchWriteItem carries DeleteRequest as well as PutRequest: IAM has no separate permission
 * for a batch delete. So either role (renew's code, or check's, which reads a key that can buy by default) may delete
 * any ledger item: a claim (the guard against a second purchase, M1), a batch with its TaskNo (M2), the holds item
 * (a person's veto), a budget counter (M4). The grant can be limited to what putMarks writes: a
 * `dynamodb:LeadingKeys` condition on the marks' partitions (MARK#*, ACCT#*#MARK#*), as the claim queries are.
 */
describe('no role can delete a claim, a batch or the holds', () => {
  const { Resources } = buildRoles(describeIamFacts('open-batches'), {
    service: 'svc',
    stage: 'dev',
    secretName: 'svc/alibaba',
  });

  for (const roleName of ['RenewRole', 'CheckRole']) {
    test(`${roleName}: every grant that can delete on the table is limited to partitions other than these`, () => {
      const role = Resources[roleName];
      const statements = role?.Properties.Policies[0]?.PolicyDocument.Statement ?? [];
      const protectedKeys = ['', 'shop'].flatMap((account) => {
        const ks = keyspaceOf(account);
        return [toClaimKey({ domain: 'example.com', expiryMs: 1 }, ks).pk, toBatchKey('b-1', ks).pk, toHoldsKey(ks).pk];
      });
      const deletable: string[] = [];
      for (const s of statements) {
        if (s.Effect !== 'Allow' || JSON.stringify(s.Resource) !== JSON.stringify(TABLE_ARN)) continue;
        const actions = Array.isArray(s.Action) ? s.Action : [s.Action];
        if (!actions.some((a) => DELETES.includes(a))) continue;
        const leading = s.Condition?.['ForAllValues:StringLike']?.['dynamodb:LeadingKeys'];
        for (const pk of protectedKeys) {
          if (!leading || leading.some((p) => matchesStringLike(p, pk))) deletable.push(`${s.Sid}: ${pk}`);
        }
      }
      expect(deletable).toEqual([]);
    });
  }
});
