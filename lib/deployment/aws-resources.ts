import { DeploymentReadError } from '../errors';
import { dynamoClientConfigFromEnv } from '../ledger/embedded';
import { TABLE } from '../ledger/table';
import { sanitizeLine } from '../notify/text/sanitize';

type Env = Readonly<Record<string, string | undefined>>;

/** The ledger table as DynamoDB describes it: `pk HASH, sk RANGE` style key lists. */
export interface TableFacts {
  status: string;
  keys: string[];
  indexes: { name: string; keys: string[] }[];
}

/** The alert topic's subscriptions by protocol and state. */
export interface TopicFacts {
  emailConfirmed: number;
  emailPending: number;
  other: number;
}

function readError(what: string, err: unknown, fix: string): DeploymentReadError {
  const name = err instanceof Error ? err.name : 'Error';
  const said = err instanceof Error ? sanitizeLine(err.message, 200) : '';
  return new DeploymentReadError(`cannot read ${what}: ${name}${said && said !== name ? ` (${said})` : ''}; ${fix}`, {
    code: name,
  });
}

const keyList = (schema: readonly { AttributeName?: string | undefined; KeyType?: string | undefined }[] | undefined) =>
  (schema ?? []).map((k) => `${k.AttributeName} ${k.KeyType}`);

/**
 * DescribeTable of the ledger table (read-only; the same client settings as the ledger: AWS_REGION,
 * AUTORENEW_DYNAMODB_ENDPOINT). Undefined when the table does not exist.
 */
export async function describeLedgerTable(env: Env, tableName: string): Promise<TableFacts | undefined> {
  const sdk = await import('@aws-sdk/client-dynamodb');
  const client = new sdk.DynamoDBClient(dynamoClientConfigFromEnv(env));
  try {
    const out = await client.send(new sdk.DescribeTableCommand({ TableName: tableName }));
    const t = out.Table;
    return {
      status: t?.TableStatus ?? 'UNKNOWN',
      keys: keyList(t?.KeySchema),
      indexes: (t?.GlobalSecondaryIndexes ?? []).map((i) => ({ name: i.IndexName ?? '', keys: keyList(i.KeySchema) })),
    };
  } catch (err) {
    if (err instanceof Error && err.name === 'ResourceNotFoundException') return undefined;
    throw readError(`table ${tableName}`, err, 'check the AWS credentials, AWS_REGION and dynamodb:DescribeTable');
  } finally {
    client.destroy();
  }
}

/** The key schema and open-batches index the code expects (lib/ledger/table.ts). */
export function expectedTable(): Pick<TableFacts, 'keys'> & { index: { name: string; keys: string[] } } {
  return {
    keys: [`${TABLE.partitionKey} HASH`, `${TABLE.sortKey} RANGE`],
    index: {
      name: TABLE.openIndex.name,
      keys: [`${TABLE.openIndex.partitionKey} HASH`, `${TABLE.openIndex.sortKey} RANGE`],
    },
  };
}

/**
 * GetTopicAttributes and every page of ListSubscriptionsByTopic (read-only; region from the ARN, endpoint as the
 * SDK resolves it, e.g. AWS_ENDPOINT_URL_SNS). Undefined when the topic does not exist.
 */
export async function describeTopic(topicArn: string): Promise<TopicFacts | undefined> {
  const sdk = await import('@aws-sdk/client-sns');
  const region = topicArn.split(':')[3];
  const client = new sdk.SNSClient(region ? { region } : {});
  const facts: TopicFacts = { emailConfirmed: 0, emailPending: 0, other: 0 };
  try {
    await client.send(new sdk.GetTopicAttributesCommand({ TopicArn: topicArn }));
    let token: string | undefined;
    for (let page = 0; page < 100; page += 1) {
      const out = await client.send(
        new sdk.ListSubscriptionsByTopicCommand({ TopicArn: topicArn, ...(token ? { NextToken: token } : {}) }),
      );
      for (const s of out.Subscriptions ?? []) {
        if (s.Protocol !== 'email' && s.Protocol !== 'email-json') facts.other += 1;
        else if (!s.SubscriptionArn || s.SubscriptionArn === 'PendingConfirmation') facts.emailPending += 1;
        else facts.emailConfirmed += 1;
      }
      token = out.NextToken;
      if (!token) break;
    }
    return facts;
  } catch (err) {
    if (err instanceof Error && err.name === 'NotFoundException') return undefined;
    throw readError(
      `topic ${topicArn}`,
      err,
      'check the AWS credentials and sns:GetTopicAttributes, sns:ListSubscriptionsByTopic',
    );
  } finally {
    client.destroy();
  }
}

/**
 * DescribeRule of an EventBridge rule (read-only; region from AWS_REGION as doctor's, endpoint as the SDK resolves
 * it, e.g. AWS_ENDPOINT_URL_EVENTBRIDGE): its state (`ENABLED`, `DISABLED`, ...) and schedule. Undefined when the
 * rule does not exist.
 */
export async function describeScheduleRule(
  region: string,
  name: string,
): Promise<{ state: string; schedule?: string } | undefined> {
  const sdk = await import('@aws-sdk/client-eventbridge');
  const client = new sdk.EventBridgeClient({ region });
  try {
    const out = await client.send(new sdk.DescribeRuleCommand({ Name: name }));
    return { state: out.State ?? 'UNKNOWN', ...(out.ScheduleExpression ? { schedule: out.ScheduleExpression } : {}) };
  } catch (err) {
    if (err instanceof Error && err.name === 'ResourceNotFoundException') return undefined;
    throw readError(`schedule rule ${name}`, err, 'check the AWS credentials and events:DescribeRule');
  } finally {
    client.destroy();
  }
}
