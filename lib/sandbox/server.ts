import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { handleApiRequest } from './api-handler';
import { CONTROL_PREFIX, handleControlRequest } from './control';
import { resolveFaults } from './faults';
import { isLoopbackHost, readBody, sendJson } from './http-util';
import { SandboxModel } from './model';
import { NonceCache } from './nonces';
import { resolveOptions } from './options';
import { createPrng } from './prng';
import { countRequest, createCounts, type Runtime, snapshotState } from './runtime';
import { Sleeper } from './sleeper';
import type { Sandbox, SandboxOptions } from './types';

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

/**
 * Starts the sandbox registrar on 127.0.0.1 (`port` 0 = any free port) and resolves once it listens.
 * Throws InputError for bad options (before listening).
 */
export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const o = resolveOptions(options);
  const rt: Runtime = {
    model: new SandboxModel({
      domains: o.domains,
      balance: o.balance,
      currency: o.currency,
      nowMs: o.nowMs,
      freezeClock: o.freezeClock,
      taskMs: o.taskMs,
      rejectStaleExpiry: o.rejectStaleExpiry,
    }),
    creds: { accessKeyId: o.accessKeyId, accessKeySecret: o.accessKeySecret },
    readOnlyCreds: { accessKeyId: o.readOnlyAccessKeyId, accessKeySecret: o.readOnlyAccessKeySecret },
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
    now: () => rt.model.now(),
    setClock: (c) => rt.model.setClock(c),
    setFaults: (f) => {
      rt.faults = resolveFaults(f);
      return structuredClone(rt.faults);
    },
    state: () => snapshotState(rt),
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
