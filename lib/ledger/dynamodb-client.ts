import type { DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import type {
  BatchGetCommandInput,
  BatchGetCommandOutput,
  BatchWriteCommandInput,
  BatchWriteCommandOutput,
  DynamoDBDocumentClient,
  GetCommandInput,
  GetCommandOutput,
  PutCommandInput,
  PutCommandOutput,
  QueryCommandInput,
  QueryCommandOutput,
  ScanCommandInput,
  ScanCommandOutput,
  UpdateCommandInput,
  UpdateCommandOutput,
} from '@aws-sdk/lib-dynamodb';

/** The document-client commands the ledger sends: input and output of each. */
interface Commands {
  Get: [GetCommandInput, GetCommandOutput];
  Put: [PutCommandInput, PutCommandOutput];
  Update: [UpdateCommandInput, UpdateCommandOutput];
  BatchGet: [BatchGetCommandInput, BatchGetCommandOutput];
  BatchWrite: [BatchWriteCommandInput, BatchWriteCommandOutput];
  Query: [QueryCommandInput, QueryCommandOutput];
  Scan: [ScanCommandInput, ScanCommandOutput];
}

/**
 * The DynamoDB operations the ledger sends, over a document client loaded on first use. The AWS SDK is required at
 * the first call, not when the handler bundle loads: a cold start that fails on its configuration or policy never
 * pays for it, and the bundle's own load time is measured without it (bench/README.md).
 */
export interface LedgerSdk {
  send<C extends keyof Commands>(command: C, input: Commands[C][0]): Promise<Commands[C][1]>;
  /** Frees the client it built itself; an injected client is left alone. */
  destroy(): void;
}

type Loaded = { lib: typeof import('@aws-sdk/lib-dynamodb'); client: DynamoDBDocumentClient };
type AnyCommand = Parameters<DynamoDBDocumentClient['send']>[0];

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
    async send(command, input) {
      const { lib, client } = await load();
      const Command = lib[`${command}Command`] as unknown as new (input: unknown) => AnyCommand;
      return (await client.send(new Command(input))) as never;
    },
    destroy() {
      built?.destroy();
      built = undefined;
      loading = undefined;
    },
  };
}
