import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { ModelAccount } from './accounts';
import { handleApiRequest } from './api-handler';
import { SimClock } from './clock';
import { CONTROL_PREFIX, handleControlRequest, readBalance } from './control';
import { resolveFaults } from './faults';
import { isLoopbackHost, readBody, sendJson } from './http-util';
import { SandboxModel } from './model';
import { NonceCache } from './nonces';
import { type ResolvedOptions, resolveOptions } from './options';
import { createPrng } from './prng';
import { changeBalance, countRequest, createCounts, type Runtime, setSharedClock, snapshotState } from './runtime';
import { Sleeper } from './sleeper';
import type { Sandbox, SandboxAccount, SandboxOptions } from './types';

/** Decorrelates the fault dice from the portfolio generator, which uses the seed itself. */
const FAULT_SEED_SALT = 0x5eed_f00d;

async function dispatch(rt: Runtime, req: IncomingMessage, res: ServerResponse): Promise<void> {
  // Before anything else (the body is not even read): only requests addressed to a loopback name are answered.
  if (!isLoopbackHost(req.headers.host)) {
    countRequest(rt, 'hostRefused');
    sendJson(res, 403, {
      Code: 'Forbidden.Host',
      Message: 'The sandbox answers only requests whose Host is 127.0.0.1, localhost or [::1] (with any port).',
    });
    return;
  }
  let body: Buffer;
  try {
    body = await readBody(req);
  } catch {
    sendJson(res, 413, { Code: 'InvalidParameter', Message: 'Request body too large.' });
    return;
  }
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  if (url.pathname.startsWith(CONTROL_PREFIX)) {
    handleControlRequest(rt, req, res, url, body);
    return;
  }
  await handleApiRequest(rt, req, res, url, body);
}

/** One account's model on the shared clock; the primary's values come from the top-level options. */
function createAccount(
  a: Pick<ResolvedOptions, 'domains' | 'balance' | 'currency'> & SandboxAccount,
  o: ResolvedOptions,
  clock: SimClock,
): ModelAccount {
  return {
    name: a.name,
    creds: { accessKeyId: a.accessKeyId, accessKeySecret: a.accessKeySecret },
    readOnlyCreds: { accessKeyId: a.readOnlyAccessKeyId, accessKeySecret: a.readOnlyAccessKeySecret },
    model: new SandboxModel({
      domains: a.domains,
      balance: a.balance,
      currency: a.currency,
      nowMs: o.nowMs,
      clock,
      taskMs: o.taskMs,
      rejectStaleExpiry: o.rejectStaleExpiry,
    }),
  };
}

/** The key pairs of an account, as `sandbox.accounts` lists them. */
function describeAccount(a: ModelAccount): SandboxAccount {
  return {
    name: a.name,
    accessKeyId: a.creds.accessKeyId,
    accessKeySecret: a.creds.accessKeySecret,
    readOnlyAccessKeyId: a.readOnlyCreds.accessKeyId,
    readOnlyAccessKeySecret: a.readOnlyCreds.accessKeySecret,
  };
}

/**
 * Starts the sandbox registrar on 127.0.0.1 (`port` 0 = any free port) and resolves once it listens.
 * Throws InputError for bad options (before listening).
 */
export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const o = resolveOptions(options);
  const clock = new SimClock(o.nowMs, o.freezeClock);
  const rt: Runtime = {
    accounts: [o, ...o.accounts].map((a) => createAccount(a, o, clock)),
    clock,
    nonces: new NonceCache(),
    rng: createPrng((o.seed ^ FAULT_SEED_SALT) >>> 0),
    faults: o.faults,
    counts: createCounts(),
    faultsInjected: [],
    sleeper: new Sleeper(),
    maxPageSize: o.maxPageSize,
    maxBatch: o.maxBatch,
  };
  const sockets = new Set<Socket>();
  const server = createServer((req, res) => {
    dispatch(rt, req, res).catch(() => {
      sendJson(res, 500, { Code: 'InternalError', Message: 'The sandbox failed to answer this request.' });
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  let closing: Promise<void> | undefined;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    accessKeyId: o.accessKeyId,
    accessKeySecret: o.accessKeySecret,
    readOnlyAccessKeyId: o.readOnlyAccessKeyId,
    readOnlyAccessKeySecret: o.readOnlyAccessKeySecret,
    accounts: rt.accounts.map(describeAccount),
    now: () => rt.clock.now(),
    setClock: (c) => setSharedClock(rt, c),
    setFaults: (f) => {
      rt.faults = resolveFaults(f);
      return structuredClone(rt.faults);
    },
    state: (account) => snapshotState(rt, account),
    setBalance: (change, account) => changeBalance(rt, readBalance({ ...change }), account),
    close: () => {
      closing ??= new Promise<void>((resolve) => {
        rt.sleeper.releaseAll();
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      });
      return closing;
    },
  };
}
