import type { IncomingMessage, ServerResponse } from 'node:http';

/** Largest request body accepted; a renew batch of 1000 entries is far below it. */
export const MAX_BODY_BYTES = 1024 * 1024;

/** Reads the whole request body, or rejects when it exceeds {@link MAX_BODY_BYTES}. */
export function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new Error(`request body over ${MAX_BODY_BYTES} bytes`));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/**
 * `Host` values the sandbox answers: a loopback address or `localhost`, with an optional port. Anything else is a
 * request addressed to another name that merely resolved here (DNS rebinding from a web page), so it is refused.
 */
const LOOPBACK_HOST = /^(?:127(?:\.(?:25[0-5]|2[0-4]\d|1?\d?\d)){3}|localhost|\[::1\])(?::\d{1,5})?$/i;

/** True when a request's Host header names this machine's loopback (see LOOPBACK_HOST); a missing Host is not. */
export function isLoopbackHost(host: string | undefined): boolean {
  return host !== undefined && LOOPBACK_HOST.test(host);
}

/**
 * True when the request declares a JSON body (`application/json`, parameters such as charset allowed). A page in a
 * browser can send `text/plain`, form or multipart bodies to any address without asking; `application/json` needs a
 * CORS preflight the sandbox never grants, so requiring it keeps web pages off the control routes.
 */
export function isJsonContentType(contentType: string | undefined): boolean {
  return (contentType ?? '').split(';')[0]?.trim().toLowerCase() === 'application/json';
}

/** Writes a JSON answer (the service's content type) unless the socket is already gone. */
export function sendJson(res: ServerResponse, status: number, body: unknown, requestId?: string): void {
  if (res.destroyed || res.headersSent) return;
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json;charset=utf-8',
    'content-length': Buffer.byteLength(text),
    ...(requestId !== undefined ? { 'x-acs-request-id': requestId } : {}),
  });
  res.end(text);
}

/** Parses an `application/x-www-form-urlencoded` body into a plain record (last value wins). */
export function parseForm(body: Buffer): Record<string, string> {
  return Object.fromEntries(new URLSearchParams(body.toString('utf8')));
}
