import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createAlibabaRegistrar } from '../../lib/alibaba';
import { createAlibabaBilling } from '../../lib/alibaba/billing';
import type { HttpPost } from '../../lib/http-post';
import { ensureTable } from '../../lib/ledger/create-table';
import { createDynamoLedger } from '../../lib/ledger/dynamodb';
import type { Ledger } from '../../lib/ledger/port';
import { createLogger } from '../../lib/log';
import type { Notifier, RenderedMessage } from '../../lib/notify/port';
import { parsePolicyText } from '../../lib/policy/load';
import type { Policy } from '../../lib/policy/schema';
import type { Registrar } from '../../lib/registrar/port';
import type { JobDeps } from '../../lib/renewal/deps';
import { type Sandbox, type SandboxOptions, startSandbox } from '../../lib/sandbox';
import { type LocalDynamo, startDynalite } from './ledger-dynalite';
import { createMemoryLedger } from './memory-ledger';

/** A notifier that records what it publishes; `failNext` makes the next publishes throw (an SNS outage). */
export interface CapturingNotifier extends Notifier {
  sent: RenderedMessage[];
  failNext: number;
}

export function createCapturingNotifier(): CapturingNotifier {
  const n: CapturingNotifier = {
    sent: [],
    failNext: 0,
    publish: async (message) => {
      if (n.failNext > 0) {
        n.failNext -= 1;
        throw new Error('SNS unavailable (test outage)');
      }
      n.sent.push(message);
      return { messageId: String(n.sent.length) };
    },
  };
  return n;
}

/**
 * One in-process world: sandbox registrar + ledger + real client + capturing notifier, one clock. The ledger is the
 * DynamoDB adapter on dynalite unless `ledger: 'memory'` is asked for (the fake that passes the same contract suite).
 */
export interface World {
  sandbox: Sandbox;
  ledger: Ledger;
  registrar: Registrar;
  notifier: CapturingNotifier;
  logs: string[];
  policy: Policy;
  deps(overrides?: Partial<JobDeps>): JobDeps;
  /**
   * Another sandbox account's side of the world (sandbox option `accounts`): a registrar and billing client signed
   * with that account's key, and a ledger view of the same table (store) in the keyspace `ledgerAccount` (default:
   * the account's own name; '' is the unnamed account's legacy keys).
   */
  account(name: string, ledgerAccount?: string): Pick<JobDeps, 'registrar' | 'billing' | 'ledger'>;
  stop(): Promise<void>;
}

/** Builds a policy from fields merged over a v1 skeleton. */
export function testPolicy(fields: Record<string, unknown> = {}): Policy {
  // The advance notice is off unless a test sets it, as in test/helpers/builder.ts policyOf.
  const notify = { advanceDays: 0, ...((fields.notify as Record<string, unknown> | undefined) ?? {}) };
  return parsePolicyText(JSON.stringify({ version: 1, ...fields, notify }), 'test-policy.json');
}

/** The world's ledger and how to stop it. */
async function startLedger(
  kind: 'dynalite' | 'memory',
): Promise<{ ledger: Ledger; viewFor(account: string): Ledger; stop(): Promise<void> }> {
  if (kind === 'memory') {
    const ledger = createMemoryLedger();
    return { ledger, viewFor: (account) => createMemoryLedger({ store: ledger.store, account }), stop: async () => {} };
  }
  const dynamo: LocalDynamo = await startDynalite();
  const client = DynamoDBDocumentClient.from(
    new DynamoDBClient({
      endpoint: dynamo.endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    }),
    { marshallOptions: { removeUndefinedValues: true } },
  );
  const tableName = `ledger-${randomUUID().slice(0, 8)}`;
  await ensureTable(client, tableName);
  return {
    ledger: createDynamoLedger({ tableName, client }),
    viewFor: (account) => createDynamoLedger({ tableName, client, account }),
    stop: async () => {
      client.destroy();
      await dynamo.stop();
    },
  };
}

export async function startWorld(
  options: {
    sandbox?: SandboxOptions;
    policy?: Record<string, unknown>;
    /**
     * 'dynalite' (default): the DynamoDB adapter over HTTP, end to end. 'memory': the in-memory fake of the port,
     * several times cheaper per call, for long simulations whose subject is the jobs, not the adapter.
     */
    ledger?: 'dynalite' | 'memory';
    /** Registrar client options over the defaults (e.g. `apiVersion`, a recording `post`). */
    client?: { apiVersion?: string; post?: HttpPost };
  } = {},
): Promise<World> {
  const sandbox = await startSandbox({ taskMs: 1_000, ...options.sandbox });
  const store = await startLedger(options.ledger ?? 'dynalite');
  const ledger = store.ledger;
  const key = { accessKeyId: sandbox.accessKeyId, accessKeySecret: sandbox.accessKeySecret };
  const clientOptions = {
    endpoint: sandbox.url,
    credentials: { get: async () => key, refresh: async () => key },
    qps: 10_000,
    maxAttempts: 8,
    timeoutMs: 5_000,
    sleep: async () => {},
    ...options.client,
  };
  const registrar = createAlibabaRegistrar(clientOptions);
  // The balance is read from the sandbox too (BSS under its own version on the same port), as a real run does.
  const billing = createAlibabaBilling(clientOptions);
  const account = (name: string, ledgerAccount = name) => {
    const a = sandbox.accounts.find((x) => x.name === name);
    if (!a) throw new Error(`test setup: no sandbox account named ${JSON.stringify(name)}`);
    const own = { accessKeyId: a.accessKeyId, accessKeySecret: a.accessKeySecret };
    const options = { ...clientOptions, credentials: { get: async () => own, refresh: async () => own } };
    return {
      registrar: createAlibabaRegistrar(options),
      billing: createAlibabaBilling(options),
      ledger: store.viewFor(ledgerAccount),
    };
  };
  const notifier = createCapturingNotifier();
  const logs: string[] = [];
  const policy = testPolicy(options.policy);
  return {
    sandbox,
    ledger,
    registrar,
    notifier,
    logs,
    policy,
    deps: (overrides = {}) => ({
      registrar,
      billing,
      ledger,
      notifier,
      clock: { now: () => sandbox.now() },
      log: createLogger({ level: 'debug', sink: (l) => logs.push(l) }),
      metrics: () => {},
      newId: randomUUID,
      sleep: async () => {},
      ...overrides,
    }),
    account,
    stop: async () => {
      await sandbox.close();
      await store.stop();
    },
  };
}

/**
 * A deps override whose balance read says there is plenty: the read is stale (the money went elsewhere before the
 * charge), so the registrar itself refuses for insufficient balance. For tests of that registrar-side failure.
 */
export function staleBalance(minor = 10_000_000): Pick<JobDeps, 'billing'> {
  return { billing: { readBalance: async () => ({ availableCash: { minor, currency: 'CNY' } }) } };
}

const DAY_MS = 86_400_000;

/** A fixture of `due` domains expiring in 1..29 days and `notDue` expiring in 100+ days, relative to `nowMs`. */
export function portfolio(nowMs: number, due: number, notDue = 0, prefix = 'd') {
  const domains = [];
  for (let i = 0; i < due; i++)
    domains.push({ domainName: `${prefix}${i}.com`, expiresAtMs: nowMs + (1 + (i % 28)) * DAY_MS + i * 1000 });
  for (let i = 0; i < notDue; i++)
    domains.push({ domainName: `${prefix}far${i}.net`, expiresAtMs: nowMs + (100 + i) * DAY_MS });
  return { domains };
}

/** Submissions per (domain, CurrentExpirationDate) in the sandbox: the M1 check. */
export function duplicateSubmissions(sandbox: Sandbox): string[] {
  const seen = new Map<string, number>();
  for (const s of sandbox.state().submissions) {
    const key = `${s.domainName.toLowerCase()}#${s.currentExpirationDate}`;
    seen.set(key, (seen.get(key) ?? 0) + 1);
  }
  return [...seen].filter(([, n]) => n > 1).map(([k]) => k);
}
