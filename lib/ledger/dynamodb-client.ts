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
 * The DynamoDB operations the ledger sends, in the document client's shapes (plain values): over an injected AWS SDK
 * document client, whose command classes are required at the first call, or over the ledger's own HTTP client
 * (dynamodb-http.ts), which loads no SDK at all.
 */
export interface LedgerSdk {
  send<C extends keyof Commands>(command: C, input: Commands[C][0]): Promise<Commands[C][1]>;
  /** Closes the HTTP client's kept connections; an injected client is left alone. */
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
