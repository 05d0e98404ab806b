import { mkdir } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import dynalite from 'dynalite';
import { LedgerError } from '../errors';
import { ensureTable } from './create-table';
import { createDynamoLedger } from './dynamodb';
import { acquireDirLock, type DirLock } from './lock';
import type { Ledger } from './port';

/** Table name inside the embedded store (and the default for local servers). */
export const EMBEDDED_TABLE = 'autorenew-ledger';
/** Default embedded ledger directory, relative to the working directory. */
export const DEFAULT_LEDGER_DIR = '.autorenew';
const DEFAULT_REGION = 'us-east-1';
/**
 * Local servers accept any credentials; DynamoDB Local keys its data by them, so they must stay the same, and it
 * rejects an AccessKeyId with anything but letters and digits (UnrecognizedClientException), hence no dash.
 */
const LOCAL_CREDENTIALS = { accessKeyId: 'autorenewlocal', secretAccessKey: 'autorenewlocal' };

export interface OpenLedger {
  /** The unnamed account's ledger (the single-account keys). */
  ledger: Ledger;
  /** The same table as a named account sees it (its keyspace, lib/ledger/items.ts); '' = `ledger`. */
  forAccount(account: string): Ledger;
  close(): Promise<void>;
}

export interface EmbeddedLedger extends OpenLedger {
  /** The in-process dynalite endpoint, e.g. `http://127.0.0.1:41234`. */
  endpoint: string;
}

function listen(server: Server): Promise<number> {
  return new Promise((done, fail) => {
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', fail);
      done((server.address() as AddressInfo).port);
    });
  });
}

function closeServer(server: Server): Promise<void> {
  return new Promise((done) => {
    server.close(() => done());
  });
}

function buildDocumentClient(config: DynamoDBClientConfig): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(new DynamoDBClient(config), { marshallOptions: { removeUndefinedValues: true } });
}

/**
 * Opens the embedded ledger: dynalite in-process on 127.0.0.1 (random port), persisted under `<dir>/dynalite`
 * (LevelDB), with the ledger table created on first use. One process at a time: `<dir>/LOCK.pid` guards the
 * directory and a second opener gets LedgerInUseError; a lock left by a dead process is taken over.
 * `close()` stops the server, flushes the store and releases the lock.
 */
export async function openEmbeddedLedger(options: { dir: string }): Promise<EmbeddedLedger> {
  const dir = resolve(options.dir);
  try {
    await mkdir(join(dir, 'dynalite'), { recursive: true });
  } catch (err) {
    throw new LedgerError(
      `cannot create the ledger directory ${dir}; check its permissions or set AUTORENEW_LEDGER_DIR`,
      { path: dir },
      { cause: err },
    );
  }
  const lock: DirLock = await acquireDirLock(dir);
  const server = dynalite({ path: join(dir, 'dynalite'), createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  let client: DynamoDBDocumentClient | undefined;
  try {
    const port = await listen(server);
    const endpoint = `http://127.0.0.1:${port}`;
    client = buildDocumentClient({ endpoint, region: DEFAULT_REGION, credentials: LOCAL_CREDENTIALS });
    await ensureTable(client, EMBEDDED_TABLE);
    const ledger = createDynamoLedger({ tableName: EMBEDDED_TABLE, client });
    const opened = client;
    let closed: Promise<void> | undefined;
    return {
      ledger,
      forAccount: (account) =>
        account === '' ? ledger : createDynamoLedger({ tableName: EMBEDDED_TABLE, client: opened, account }),
      endpoint,
      close() {
        closed ??= (async () => {
          opened.destroy();
          await closeServer(server);
          await lock.release();
        })();
        return closed;
      },
    };
  } catch (err) {
    client?.destroy();
    await closeServer(server);
    await lock.release();
    if (err instanceof LedgerError) throw err;
    throw new LedgerError(`cannot open the embedded ledger in ${dir}`, { path: dir }, { cause: err });
  }
}

function isLoopback(endpoint: string): boolean {
  try {
    const host = new URL(endpoint).hostname;
    return host === 'localhost' || host === '[::1]' || host === '::1' || host.startsWith('127.');
  } catch {
    return false;
  }
}

/**
 * The DynamoDB client settings of a configured table: region `AWS_REGION` (default us-east-1), the endpoint
 * override `AUTORENEW_DYNAMODB_ENDPOINT`, and on a loopback override fixed dummy credentials unless
 * `AWS_ACCESS_KEY_ID` is set.
 */
export function dynamoClientConfigFromEnv(env: Readonly<Record<string, string | undefined>>): DynamoDBClientConfig {
  const endpoint = env.AUTORENEW_DYNAMODB_ENDPOINT?.trim();
  const useDummyCredentials = endpoint !== undefined && isLoopback(endpoint) && !env.AWS_ACCESS_KEY_ID;
  return {
    region: env.AWS_REGION?.trim() || DEFAULT_REGION,
    ...(endpoint ? { endpoint } : {}),
    ...(useDummyCredentials ? { credentials: LOCAL_CREDENTIALS } : {}),
  };
}

/**
 * Opens the ledger the environment asks for (lib/config.ts): `AUTORENEW_TABLE` selects DynamoDB (region from
 * `AWS_REGION`, default us-east-1), with `AUTORENEW_DYNAMODB_ENDPOINT` as an endpoint override for a local server,
 * in which case the table is created if missing (unless `createTable` is false) and, on loopback, fixed dummy credentials are used unless
 * `AWS_ACCESS_KEY_ID` is set. Otherwise the embedded ledger under `AUTORENEW_LEDGER_DIR` (default `.autorenew`).
 */
export async function openLedgerFromEnv(
  env: Readonly<Record<string, string | undefined>>,
  options: {
    /** Create a missing table at a local endpoint override (default true); read-only callers (doctor) pass false. */
    createTable?: boolean;
  } = {},
): Promise<OpenLedger> {
  const tableName = env.AUTORENEW_TABLE?.trim();
  if (!tableName) {
    const embedded = await openEmbeddedLedger({ dir: env.AUTORENEW_LEDGER_DIR?.trim() || DEFAULT_LEDGER_DIR });
    return { ledger: embedded.ledger, forAccount: embedded.forAccount, close: embedded.close };
  }
  const endpoint = env.AUTORENEW_DYNAMODB_ENDPOINT?.trim();
  const client = buildDocumentClient(dynamoClientConfigFromEnv(env));
  try {
    if (endpoint && options.createTable !== false) await ensureTable(client, tableName);
  } catch (err) {
    client.destroy();
    throw err;
  }
  const ledger = createDynamoLedger({ tableName, client });
  return {
    ledger,
    forAccount: (account) => (account === '' ? ledger : createDynamoLedger({ tableName, client, account })),
    close: async () => client.destroy(),
  };
}
