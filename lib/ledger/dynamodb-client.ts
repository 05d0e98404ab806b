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
import { createHttpLedgerSdk, type HttpLedgerConfig } from './dynamodb-http';

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
 * The ledger's DynamoDB seam: over `client` when one is given (the embedded ledger, local servers, tests), else
 * over the ledger's own HTTP client (dynamodb-http.ts) configured by `clientConfig` and the environment, as a
 * deployed function runs.
 */
export function createLedgerSdk(options: {
  client?: DynamoDBDocumentClient;
  clientConfig?: HttpLedgerConfig;
}): LedgerSdk {
  return options.client ? overDocumentClient(options.client) : createHttpLedgerSdk(options.clientConfig);
}

/** The seam over an AWS SDK document client (its command classes loaded at the first call); never destroys it. */
function overDocumentClient(client: DynamoDBDocumentClient): LedgerSdk {
  let loading: Promise<Loaded> | undefined;
  const load = (): Promise<Loaded> =>
    (loading ??= (async () => ({ lib: await import('@aws-sdk/lib-dynamodb'), client }))());
  return {
    async send(command, input) {
      const { lib } = await load();
      const Command = lib[`${command}Command`] as unknown as new (input: unknown) => AnyCommand;
      return (await client.send(new Command(input))) as never;
    },
    destroy() {
      loading = undefined;
    },
  };
}
