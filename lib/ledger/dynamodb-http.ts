import {
  type AwsClientConfig,
  AwsServiceError,
  createAwsClient,
  publicEndpointOf,
  readJsonAnswer,
} from '../aws/client';
import { fromAttributeMap, toAttributeMap } from './attribute-values';
import type { LedgerSdk } from './dynamodb-client';

/** Where and as whom the ledger talks to DynamoDB (lib/aws/client.ts: every field defaults from the environment). */
export type HttpLedgerConfig = AwsClientConfig;

/** Far above any answer DynamoDB gives (a BatchGetItem returns at most 16 MB). */
const MAX_ANSWER_BYTES = 32 * 1024 * 1024;

/** DynamoDB's answer to a request it refused: `name` is the exception type, as the AWS SDK names it. */
export { AwsServiceError as DynamoServiceError };

type Json = Record<string, unknown>;
type Convert = (map: never) => Json;

/** Fields that hold one item, key or value map, and fields that hold a list of them (RequestItems' `Keys`). */
const ITEM_FIELDS = new Set([
  'Key',
  'Item',
  'ExpressionAttributeValues',
  'ExclusiveStartKey',
  'Attributes',
  'LastEvaluatedKey',
]);
const LIST_FIELDS = new Set(['Keys', 'Items']);

/** Fields that map a table name to its requests or results: the names are table names, never walked as fields. */
const BY_TABLE = new Set(['RequestItems', 'UnprocessedKeys', 'UnprocessedItems', 'Responses']);

/**
 * Converts the item-bearing fields of a request or response between plain values and typed JSON, wherever they
 * sit (RequestItems, UnprocessedKeys and UnprocessedItems nest them under the table name); `Responses` holds a list
 * of items per table. Item contents are converted whole, never walked as structure, and a table named like a field
 * (`Items`) stays a table name.
 */
function convertFields(value: unknown, convert: Convert): unknown {
  if (Array.isArray(value)) return value.map((v) => convertFields(v, convert));
  if (typeof value !== 'object' || value === null) return value;
  const out: Json = {};
  for (const [field, v] of Object.entries(value)) {
    out[field] = ITEM_FIELDS.has(field)
      ? convert(v as never)
      : LIST_FIELDS.has(field)
        ? (v as never[]).map(convert)
        : BY_TABLE.has(field)
          ? Object.fromEntries(
              Object.entries(v as Json).map(([table, x]) => [
                table,
                field === 'Responses' ? (x as never[]).map(convert) : convertFields(x, convert),
              ]),
            )
          : convertFields(v, convert);
  }
  return out;
}

const ACTIONS: Record<string, string> = {
  Get: 'GetItem',
  Put: 'PutItem',
  Update: 'UpdateItem',
  BatchGet: 'BatchGetItem',
  BatchWrite: 'BatchWriteItem',
  Query: 'Query',
  Scan: 'Scan',
};

/** The public endpoint of DynamoDB in `region` (China regions live under amazonaws.com.cn). */
export function publicEndpoint(region: string): string {
  return publicEndpointOf('dynamodb', region);
}

/**
 * The ledger's DynamoDB seam over Node's own HTTP client: the same document-client commands and shapes as the AWS
 * SDK path, at about a quarter of its CPU per request (bench/README.md): JSON protocol 1.0, the values marshalled
 * by attribute-values.ts, signed and retried by ../aws/client.ts like the SDK's standard mode (throttling, 5xx and
 * network failures; 3 attempts); a retried write the table had already applied is recognised by the ledger's
 * writeId and applied-id list (dynamodb.ts). This is what a deployed function uses; local
 * runs and tests that inject a document client keep the SDK path.
 */
export function createHttpLedgerSdk(config: HttpLedgerConfig = {}): LedgerSdk {
  const client = createAwsClient(
    { signingName: 'dynamodb', envName: 'DYNAMODB', purpose: 'the ledger table', maxAnswerBytes: MAX_ANSWER_BYTES },
    config,
  );
  return {
    async send(command, input) {
      const headers = {
        'content-type': 'application/x-amz-json-1.0',
        'x-amz-target': `DynamoDB_20120810.${ACTIONS[command] as string}`,
      };
      const body = JSON.stringify(convertFields(input, toAttributeMap as Convert));
      const answer = await client.send(headers, body, (res) => readJsonAnswer('DynamoDB', res));
      return convertFields(answer, fromAttributeMap as Convert) as never;
    },
    destroy: () => client.destroy(),
  };
}
