import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/**
 * One scripted answer of the fake server. `delayMs` holds it for a time; `after` holds it until a promise settles
 * (both: the later of the two), so a test can release answers on an event instead of a clock.
 */
export type FakeStep =
  | {
      status?: number;
      body: string | object;
      headers?: Record<string, string>;
      delayMs?: number;
      after?: Promise<unknown>;
    }
  /** Read the request, then destroy the socket without answering (a "lost response"). */
  | { destroy: true; delayMs?: number; after?: Promise<unknown> };

/** A request as the fake server received it; `params` is the decoded form body merged over the query string. */
export interface FakeRequest {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
  params: Record<string, string>;
  /** Which connection it came on: 1 for the server's first, 2 for its second, ... */
  connection: number;
}

export interface FakeHttpServer {
  url: string;
  requests: FakeRequest[];
  /** Appends steps to the script; once it runs out every request gets 500 `script exhausted`. */
  enqueue(...steps: FakeStep[]): void;
  /** Replaces the script by a function of the request (index is 0-based over all requests). */
  respondWith(handler: (req: FakeRequest, index: number) => FakeStep): void;
  close(): Promise<void>;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function parseParams(url: string, body: string): Record<string, string> {
  const params: Record<string, string> = {};
  for (const [k, v] of new URL(url, 'http://x').searchParams) params[k] = v;
  for (const [k, v] of new URLSearchParams(body)) params[k] = v;
  return params;
}

/** Starts a loopback HTTP server (port 0) answering from a script; for transport tests. */
export async function startFakeHttp(script: FakeStep[] = []): Promise<FakeHttpServer> {
  const queue = [...script];
  let handler: ((req: FakeRequest, index: number) => FakeStep) | undefined;
  const requests: FakeRequest[] = [];
  const sockets = new Set<Socket>();
  const connectionOf = new WeakMap<Socket, number>();
  const timers = new Set<NodeJS.Timeout>();

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req);
    const url = req.url ?? '/';
    const request: FakeRequest = {
      method: req.method ?? '',
      url,
      headers: req.headers,
      body,
      params: parseParams(url, body),
      connection: connectionOf.get(req.socket) ?? 0,
    };
    const index = requests.push(request) - 1;
    const step: FakeStep = handler
      ? handler(request, index)
      : (queue.shift() ?? { status: 500, body: { RequestId: 'FAKE-EXHAUSTED', Code: 'ScriptExhausted' } });
    const act = (): void => {
      if ('destroy' in step) {
        req.socket.destroy();
        return;
      }
      const text = typeof step.body === 'string' ? step.body : JSON.stringify(step.body);
      res.writeHead(step.status ?? 200, { 'content-type': 'application/json;charset=utf-8', ...step.headers });
      res.end(text);
    };
    if (step.after) await step.after.catch(() => undefined);
    if (step.delayMs) {
      const timer = setTimeout(() => {
        timers.delete(timer);
        if (!req.socket.destroyed) act();
      }, step.delayMs);
      timers.add(timer);
    } else if (!req.socket.destroyed) {
      act();
    }
  }

  const server = createServer((req, res) => {
    handle(req, res).catch(() => req.socket.destroy());
  });
  let connections = 0;
  server.on('connection', (socket) => {
    connectionOf.set(socket, ++connections);
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    enqueue: (...steps) => {
      queue.push(...steps);
    },
    respondWith: (h) => {
      handler = h;
    },
    close: async () => {
      for (const t of timers) clearTimeout(t);
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
