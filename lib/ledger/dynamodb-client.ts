import type { DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import type {
  BatchGetCommandInput,
  DynamoDBDocumentClient,
  GetCommandInput,
  PutCommandInput,
  QueryCommandInput,
  ScanCommandInput,
  UpdateCommandInput,
} from '@aws-sdk/lib-dynamodb';

type DocLib = typeof import('@aws-sdk/lib-dynamodb');

/**
 * The six DynamoDB operations the ledger sends, over a document client loaded on first use. The AWS SDK is
 * required at the first call, not when the handler bundle loads: a cold start that fails on its configuration or
 * policy never pays for it, and the bundle's own load time is measured without it (bench/README.md).
 */
export interface LedgerSdk {
  get(input: GetCommandInput): ReturnType<typeof sendGet>;
  put(input: PutCommandInput): ReturnType<typeof sendPut>;
  update(input: UpdateCommandInput): ReturnType<typeof sendUpdate>;
  batchGet(input: BatchGetCommandInput): ReturnType<typeof sendBatchGet>;
  query(input: QueryCommandInput): ReturnType<typeof sendQuery>;
  scan(input: ScanCommandInput): ReturnType<typeof sendScan>;
  /** Frees the client it built itself; an injected client is left alone. */
  destroy(): void;
}

interface Loaded {
  lib: DocLib;
  client: DynamoDBDocumentClient;
}

const sendGet = (l: Loaded, input: GetCommandInput) => l.client.send(new l.lib.GetCommand(input));
const sendPut = (l: Loaded, input: PutCommandInput) => l.client.send(new l.lib.PutCommand(input));
const sendUpdate = (l: Loaded, input: UpdateCommandInput) => l.client.send(new l.lib.UpdateCommand(input));
const sendBatchGet = (l: Loaded, input: BatchGetCommandInput) => l.client.send(new l.lib.BatchGetCommand(input));
const sendQuery = (l: Loaded, input: QueryCommandInput) => l.client.send(new l.lib.QueryCommand(input));
const sendScan = (l: Loaded, input: ScanCommandInput) => l.client.send(new l.lib.ScanCommand(input));

/**
 * Creates the ledger's SDK seam: `client` when given (tests, shared clients), else one built on the first call
 * from `clientConfig`, with undefined attributes dropped on the way in.
 */
export function createLedgerSdk(options: {
  client?: DynamoDBDocumentClient;
  clientConfig?: DynamoDBClientConfig;
}): LedgerSdk {
  let loading: Promise<Loaded> | undefined;
  let built: DynamoDBDocumentClient | undefined;
  const load = (): Promise<Loaded> =>
    (loading ??= (async () => {
      const lib = await import('@aws-sdk/lib-dynamodb');
      if (options.client) return { lib, client: options.client };
      const { DynamoDBClient } = await import('@aws-sdk/client-dynamodb');
      built = lib.DynamoDBDocumentClient.from(new DynamoDBClient(options.clientConfig ?? {}), {
        marshallOptions: { removeUndefinedValues: true },
      });
      return { lib, client: built };
    })());
  return {
    get: async (input) => sendGet(await load(), input),
    put: async (input) => sendPut(await load(), input),
    update: async (input) => sendUpdate(await load(), input),
    batchGet: async (input) => sendBatchGet(await load(), input),
    query: async (input) => sendQuery(await load(), input),
    scan: async (input) => sendScan(await load(), input),
    destroy: () => {
      built?.destroy();
      built = undefined;
      loading = undefined;
    },
  };
}
