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
