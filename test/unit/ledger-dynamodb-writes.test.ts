import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  BatchWriteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createDynamoLedger } from '../../lib/ledger/dynamodb';
import type { ClaimRequest } from '../../lib/ledger/port';

// Which writes a claim sends (the contract on three real adapters proves what they do): a first claim is one plain
// conditional put; only a key that already holds an item pays for the takeover update.
const REQUEST: ClaimRequest = {
  domain: 'Example.com',
  expiryMs: Date.UTC(2027, 0, 15),
  batchId: 'b-1',
  attemptId: 'run-1/b-1',
  years: 1,
  nowMs: Date.UTC(2026, 11, 3),
  maxAttempts: 3,
};

const conditionFailed = () =>
  new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} });

describe('writes of the DynamoDB ledger', () => {
  const ddb = mockClient(DynamoDBDocumentClient);
  beforeEach(() => ddb.reset());
  const ledger = () =>
    createDynamoLedger({
      tableName: 't',
      client: DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1' })),
      newId: () => 'w-1',
      sleep: async () => {},
    });

  test('a first claim is one conditional put of the whole claim, and no update', async () => {
    // DynamoDB's answer to a put that asks for its consumed capacity (one without it is refused).
    ddb.on(PutCommand).resolves({ ConsumedCapacity: { TableName: 't', CapacityUnits: 1 } });
    const result = await ledger().claim(REQUEST);
    expect(result).toStrictEqual({
      ok: true,
      claim: {
        domain: 'example.com',
        expiryMs: REQUEST.expiryMs,
        status: 'CLAIMED',
        batchId: 'b-1',
        attemptId: 'run-1/b-1',
        attempts: 0,
        years: 1,
        claimedAtMs: REQUEST.nowMs,
        updatedAtMs: REQUEST.nowMs,
        version: 1,
      },
    });
    expect(ddb).toHaveReceivedCommandTimes(PutCommand, 1);
    expect(ddb).toHaveReceivedCommandTimes(UpdateCommand, 0);
    const input = ddb.commandCalls(PutCommand)[0]?.args[0].input;
    expect(input?.ConditionExpression).toBe('attribute_not_exists(#pk)');
    expect(input?.ReturnConsumedCapacity).toBe('TOTAL');
    expect(input?.Item).toMatchObject({ type: 'claim', writeId: 'w-1', status: 'CLAIMED', version: 1, attempts: 0 });
  });

  test('a key that holds an item goes on to the takeover update with the same writeId', async () => {
    ddb.on(PutCommand).rejects(conditionFailed());
    ddb.on(UpdateCommand).resolves({
      Attributes: {
        pk: 'DOMAIN#example.com',
        sk: 'EXP#001800000000000',
        type: 'claim',
        writeId: 'w-1',
        domain: 'example.com',
        expiryMs: REQUEST.expiryMs,
        status: 'CLAIMED',
        batchId: 'b-1',
        attemptId: 'run-1/b-1',
        attempts: 1,
        years: 1,
        claimedAtMs: REQUEST.nowMs,
        updatedAtMs: REQUEST.nowMs,
        version: 3,
      },
    });
    const result = await ledger().claim(REQUEST);
    expect(result.ok && result.claim.version).toBe(3);
    expect(ddb).toHaveReceivedCommandTimes(PutCommand, 1);
    expect(ddb).toHaveReceivedCommandTimes(UpdateCommand, 1);
    expect(ddb.commandCalls(UpdateCommand)[0]?.args[0].input.ExpressionAttributeValues?.[':writeId']).toBe('w-1');
    expect(ddb).toHaveReceivedCommandTimes(GetCommand, 0);
  });

  test('marks go 25 to a BatchWriteItem, each key once; what the table leaves unprocessed is sent again', async () => {
    const keys = Array.from({ length: 30 }, (_, i) => `lapse#d${i}.com`);
    let first = true;
    ddb.on(BatchWriteCommand).callsFake((input: { RequestItems: Record<string, unknown[]> }) => {
      const sent = input.RequestItems.t ?? [];
      // The first request of 25 comes back with one item unprocessed (throttled).
      if (first && sent.length === 25) {
        first = false;
        return { UnprocessedItems: { t: sent.slice(0, 1) } };
      }
      return { UnprocessedItems: {} }; // DynamoDB's answer when every request was written
    });
    await ledger().putMarks([...keys, keys[0] as string], Date.UTC(2026, 11, 3));
    const sizes = ddb.commandCalls(BatchWriteCommand).map((c) => c.args[0].input.RequestItems?.t?.length);
    expect(sizes.sort((a, b) => (a ?? 0) - (b ?? 0))).toEqual([1, 5, 25]);
    expect(ddb).toHaveReceivedCommandTimes(PutCommand, 0);
  });

  // DynamoDB answers a BatchGetItem with at most 16 MB (dynalite ~1 MB) and returns the rest as UnprocessedKeys.
  // Each such answer counted as a throttled retry: 100 open batches of 1 000 entries each read in more than 9 answers
  // and failed every run (review 2026-12-07). Only answers that process nothing count now.
  test('a read answered a little at a time goes on while each answer makes progress; one that stalls still fails', async () => {
    const keys = Array.from({ length: 20 }, (_, i) => `mark-${i}`);
    ddb.on(BatchGetCommand).callsFake((input: { RequestItems: Record<string, { Keys: unknown[] }> }) => {
      const asked = input.RequestItems.t?.Keys ?? [];
      return { Responses: { t: [] }, UnprocessedKeys: asked.length > 1 ? { t: { Keys: asked.slice(1) } } : {} };
    });
    await expect(ledger().getMarks(keys)).resolves.toEqual(new Map());
    expect(ddb).toHaveReceivedCommandTimes(BatchGetCommand, 20);

    ddb.reset();
    ddb.on(BatchGetCommand).callsFake((input: { RequestItems: Record<string, { Keys: unknown[] }> }) => ({
      Responses: { t: [] },
      UnprocessedKeys: { t: { Keys: input.RequestItems.t?.Keys ?? [] } },
    }));
    await expect(ledger().getMarks(keys)).rejects.toThrow(/left 20 requests unprocessed after 8 retries/);
    expect(ddb).toHaveReceivedCommandTimes(BatchGetCommand, 9);
  });
});
