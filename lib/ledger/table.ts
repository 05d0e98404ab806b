/**
 * The ledger table's key schema and index: the one definition used by the adapter, by local table creation
 * (embedded dynalite, DynamoDB Local) and by serverless.yml (via `npm run package`, scripts/table-resource.mjs).
 */
export const TABLE = {
  partitionKey: 'pk',
  sortKey: 'sk',
  /** Sparse GSI: only batches that are still open (or have a notification pending) carry `openPk`. */
  openIndex: { name: 'open-batches', partitionKey: 'openPk', sortKey: 'openSk', openValue: 'OPEN' },
  /** Epoch SECONDS; set only on finished items (RENEWED/FAILED claims, closed and notified batches). */
  ttlAttribute: 'expiresAt',
  /** How long finished items are kept before DynamoDB's TTL may delete them. */
  finishedRetentionDays: 400,
} as const;

/** CreateTable input (without TableName) shared by every place that creates the table. */
export function describeTableSchema() {
  const { partitionKey, sortKey, openIndex } = TABLE;
  return {
    AttributeDefinitions: [
      { AttributeName: partitionKey, AttributeType: 'S' },
      { AttributeName: sortKey, AttributeType: 'S' },
      { AttributeName: openIndex.partitionKey, AttributeType: 'S' },
      { AttributeName: openIndex.sortKey, AttributeType: 'S' },
    ],
    KeySchema: [
      { AttributeName: partitionKey, KeyType: 'HASH' },
      { AttributeName: sortKey, KeyType: 'RANGE' },
    ],
    GlobalSecondaryIndexes: [
      {
        IndexName: openIndex.name,
        KeySchema: [
          { AttributeName: openIndex.partitionKey, KeyType: 'HASH' },
          { AttributeName: openIndex.sortKey, KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'KEYS_ONLY' },
      },
    ],
    BillingMode: 'PAY_PER_REQUEST',
  } as const;
}
