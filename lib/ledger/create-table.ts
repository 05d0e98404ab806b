import {
  CreateTableCommand,
  type CreateTableCommandInput,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  type DynamoDBClient,
  ResourceInUseException,
  ResourceNotFoundException,
  UpdateTimeToLiveCommand,
  waitUntilTableExists,
} from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { LedgerError } from '../errors';
import { describeTableSchema, TABLE } from './table';

/** CreateTable input from the shared schema (its `as const` arrays are readonly; the SDK wants mutable ones). */
function toCreateTableInput(tableName: string): CreateTableCommandInput {
  const schema = describeTableSchema();
  return {
    TableName: tableName,
    AttributeDefinitions: schema.AttributeDefinitions.map((a) => ({ ...a })),
    KeySchema: schema.KeySchema.map((k) => ({ ...k })),
    GlobalSecondaryIndexes: schema.GlobalSecondaryIndexes.map((g) => ({
      ...g,
      KeySchema: g.KeySchema.map((k) => ({ ...k })),
      Projection: { ...g.Projection },
    })),
    BillingMode: schema.BillingMode,
  };
}

/** Longest wait for a new table to become ACTIVE, in seconds. */
const TABLE_WAIT_S = 60;

function hasName(err: unknown, ...names: string[]): boolean {
  return err instanceof Error && names.includes(err.name);
}

async function describeStatus(client: DynamoDBClient, tableName: string) {
  try {
    const out = await client.send(new DescribeTableCommand({ TableName: tableName }));
    return out.Table?.TableStatus;
  } catch (err) {
    if (err instanceof ResourceNotFoundException || hasName(err, 'ResourceNotFoundException')) return undefined;
    throw err;
  }
}

/** Turns TTL on unless it is on already; servers without the API (dynalite) are fine: TTL is only housekeeping. */
async function enableTtl(client: DynamoDBClient, tableName: string): Promise<void> {
  try {
    const ttl = await client.send(new DescribeTimeToLiveCommand({ TableName: tableName }));
    const status = ttl.TimeToLiveDescription?.TimeToLiveStatus;
    if (status === 'ENABLED' || status === 'ENABLING') return;
    await client.send(
      new UpdateTimeToLiveCommand({
        TableName: tableName,
        TimeToLiveSpecification: { AttributeName: TABLE.ttlAttribute, Enabled: true },
      }),
    );
  } catch (err) {
    // UnknownOperation: dynalite has no UpdateTimeToLive. Validation: a concurrent caller enabled it first.
    if (hasName(err, 'UnknownOperationException', 'ValidationException')) return;
    throw err;
  }
}

/**
 * Creates the ledger table from `describeTableSchema()` if it does not exist and waits (up to 60 s) until it is
 * ACTIVE; idempotent, also when another process creates it at the same time. Enables TTL where supported.
 * Meant for local servers (DynamoDB Local, dynalite) and the CLI; the deployed table comes from serverless.yml.
 */
export async function ensureTable(
  anyClient: DynamoDBClient | DynamoDBDocumentClient,
  tableName: string,
): Promise<void> {
  // A document client shares its base client's config and middleware and sends plain commands as they are.
  const client = anyClient as DynamoDBClient;
  try {
    const status = await describeStatus(client, tableName);
    if (status === undefined) {
      try {
        await client.send(new CreateTableCommand(toCreateTableInput(tableName)));
      } catch (err) {
        if (!(err instanceof ResourceInUseException || hasName(err, 'ResourceInUseException'))) throw err;
      }
    }
    if (status !== 'ACTIVE') {
      // The SDK default (20 s first delay) would stall local servers, which become ACTIVE within a second.
      await waitUntilTableExists(
        { client, minDelay: 0.05, maxDelay: 1, maxWaitTime: TABLE_WAIT_S },
        { TableName: tableName },
      );
    }
    await enableTtl(client, tableName);
  } catch (err) {
    const name = err instanceof Error ? err.name : 'Error';
    throw new LedgerError(
      `could not create or open ledger table ${tableName} (${name}); check the DynamoDB endpoint, region and ` +
        'permissions (dynamodb:CreateTable, DescribeTable, UpdateTimeToLive)',
      { action: 'ensureTable' },
      { cause: err },
    );
  }
}
