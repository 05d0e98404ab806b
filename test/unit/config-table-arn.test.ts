import { readConfig } from '../../lib/config';
import { InputError } from '../../lib/errors';

/**
 * AUTORENEW_TABLE given as the table's ARN (as the console and `describe-table` show it): DynamoDB opens the same
 * table, but whether it is a stage's table is told by its name, so a hand run on it marked its will-lapse line
 * delivered to one terminal and recorded itself as the stage's last renew run (review 2026-12-07, twenty-sixth
 * session). Refused, naming the table's name.
 */
describe('AUTORENEW_TABLE as an ARN', () => {
  const ARN = 'arn:aws:dynamodb:us-east-1:123456789012:table/aliyun-domain-autorenew-prod-ledger';

  test('is refused with the name to give instead', () => {
    expect(() => readConfig({ AUTORENEW_TABLE: ARN })).toThrow(InputError);
    expect(() => readConfig({ AUTORENEW_TABLE: ARN })).toThrow(
      /AUTORENEW_TABLE is an ARN: give the table's name \(aliyun-domain-autorenew-prod-ledger\), not its ARN/,
    );
  });

  test('the name is read as it is', () => {
    expect(readConfig({ AUTORENEW_TABLE: 'aliyun-domain-autorenew-prod-ledger' }).table).toBe(
      'aliyun-domain-autorenew-prod-ledger',
    );
  });
});
