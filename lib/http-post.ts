import type { Agent, IncomingMessage } from 'node:http';

/** One POST: the whole body is sent, the whole answer read (at most `maxBytes`) within `timeoutMs`. */
export interface HttpRequest {
  url: string;
  headers: Readonly<Record<string, string>>;
  body: string;
  /** The exchange is abandoned when no answer is complete within this long, ms. */
  timeoutMs: number;
  /** A larger answer (declared or streamed) is not read: `text` is undefined. */
  maxBytes: number;
  /**
   * A connection of its own, closed after the answer, instead of a kept-alive one: for a call that must not be
   * resent, since a server closing an idle connection just as the request is written on it leaves the outcome
   * unknowable.
   */
  fresh?: boolean;
}

export interface HttpAnswer {
  status: number;
  /** A response header by lower-case name. */
  header(name: string): string | undefined;
  /** The body as UTF-8; undefined when it was larger than `maxBytes` (the rest was not read). */
  text: string | undefined;
}

/** Sends one request. Throws HttpTimeoutError on timeout, or the socket's error (its `code`: ECONNREFUSED, ...). */
export type HttpPost = (request: HttpRequest) => Promise<HttpAnswer>;

const IDLE_SOCKET_MS = 4_000;

/** Where one request goes, parsed once per URL: Node parses a URL given to http.request again at every call. */
interface Target {
  readonly url: URL;
  /** The URL's parts for http.request; absent for a URL with credentials, which Node is given whole and not kept. */
  readonly options?: { protocol: string; hostname: string; port?: number; path: string };
}

/** The URLs a job posts to are a few endpoints; a client posting to many more parses the rest at each call. */
const MAX_TARGETS = 32;

function parseTarget(href: string): Target {
  const url = new URL(href);
  if (url.username || url.password) return { url };
  // An IPv6 literal is bracketed in a URL and bare in a socket address (as Node's own urlToHttpOptions does).
  const hostname = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
  return {
    url,
    options: {
      protocol: url.protocol,
      hostname,
      ...(url.port ? { port: Number(url.port) } : {}),
      path: `${url.pathname}${url.search}`,
    },
  };
}

/** No complete answer within the request's timeout. */
export class HttpTimeoutError extends Error {
  readonly code = 'TimeoutError';
}

/**
 * The timeout ended the request before its connection was made (TCP, and TLS for https): no byte of it can have
 * reached the server, so a paid call may be sent again. Node's HTTP client has no connect timeout of its own.
 */
export class HttpConnectTimeoutError extends Error {
  readonly code = 'CONNECT_TIMEOUT';
}

/**
 * A POST over Node's own HTTP client with keep-alive connections (one agent per scheme, made at first use). Not
 * `fetch`: its first call loads undici, ~40 ms of every cold start here, and each call costs more CPU
 * (bench/README.md). `destroy` closes the kept connections.
 */
export function createHttpPost(): { post: HttpPost; destroy(): void } {
  // Node's module and its agent per scheme, loaded at first use: an `import()` per request (compiled to a require
  // wrapped in a copy of the module's exports) cost ~12-16 us of CPU at every ledger and registrar call.
  const schemes = new Map<string, Scheme>();
  const targets = new Map<string, Target>();
  const post: HttpPost = async (request) => {
    let target = targets.get(request.url);
    if (!target) {
      target = parseTarget(request.url);
      // Credentials in a URL are not kept in a long-lived map (and no caller puts any there).
      if (targets.size < MAX_TARGETS && target.options) targets.set(request.url, target);
    }
    const { url } = target;
    const { http, agent } = schemes.get(url.protocol) ?? (await loadScheme(schemes, url.protocol));
    return new Promise<HttpAnswer>((resolve, reject) => {
      const options = {
        method: 'POST',
        agent: request.fresh ? false : agent,
        headers: { ...request.headers, 'content-length': String(Buffer.byteLength(request.body)) },
      };
      const onAnswer = (res: IncomingMessage) => readCapped(res, request.maxBytes).then(resolve, reject);
      // A plain options object must carry the method and headers itself: a second argument after it is the callback.
      const req = target.options
        ? http.request({ ...target.options, ...options }, onAnswer)
        : http.request(url, options, onAnswer);
      // Whether the connection this request goes out on was ever made: a kept-alive one was; a new one once TCP
      // (and, for https, TLS) is up. Until then the request sits in the socket's buffer, unsent.
      let connected = false;
      req.on('socket', (socket) => {
        if (req.reusedSocket || !socket.connecting) connected = true;
        else socket.once(url.protocol === 'https:' ? 'secureConnect' : 'connect', () => (connected = true));
      });
      // Rejected here, not through the socket's error: a timeout must read as one, never as a reset.
      const timer = setTimeout(() => {
        reject(
          connected
            ? new HttpTimeoutError(`no answer from ${url.host} within ${request.timeoutMs} ms`)
            : new HttpConnectTimeoutError(`no connection to ${url.host} within ${request.timeoutMs} ms`),
        );
        req.destroy();
      }, request.timeoutMs);
      req.on('close', () => clearTimeout(timer));
      req.on('error', reject);
      req.end(request.body);
    });
  };
  return {
    post,
    destroy() {
      for (const { agent } of schemes.values()) agent.destroy();
      schemes.clear();
    },
  };
}

interface Scheme {
  http: typeof import('node:http') | typeof import('node:https');
  agent: Agent;
}

/**
 * Loads Node's module for `protocol` and makes its keep-alive agent, once per client: of two first requests racing,
 * the second keeps the first one's agent.
 */
async function loadScheme(schemes: Map<string, Scheme>, protocol: string): Promise<Scheme> {
  const http = protocol === 'https:' ? await import('node:https') : await import('node:http');
  const made = schemes.get(protocol);
  if (made) return made;
  // An idle connection is closed after 4 s (as undici's default): a server closing one just as it is reused would
  // fail a request that may be a paid call.
  const scheme = { http, agent: new http.Agent({ keepAlive: true, maxSockets: 50, timeout: IDLE_SOCKET_MS }) };
  schemes.set(protocol, scheme);
  return scheme;
}

/** Reads the answer, at most `maxBytes`: beyond that (declared or streamed) the connection is dropped unread. */
function readCapped(res: IncomingMessage, maxBytes: number): Promise<HttpAnswer> {
  const answer = (text: string | undefined): HttpAnswer => ({
    status: res.statusCode ?? 0,
    header: (name) => {
      const value = res.headers[name];
      return Array.isArray(value) ? value.join(', ') : value;
    },
    text,
  });
  return new Promise((resolve, reject) => {
    const tooBig = () => {
      res.destroy();
      resolve(answer(undefined));
    };
    if (Number(res.headers['content-length']) > maxBytes) return tooBig();
    const chunks: Buffer[] = [];
    let size = 0;
    res.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) return tooBig();
      chunks.push(chunk);
    });
    res.on('end', () => resolve(answer(Buffer.concat(chunks).toString('utf8'))));
    res.on('error', reject);
  });
}
