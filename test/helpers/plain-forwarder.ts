import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A plain-http forwarder on 127.0.0.1 to `upstream` that, like the real API behind a local forwarder (mitmproxy's
 * reverse mode, an stunnel client), knows nothing of `/_sandbox/*`: the CLI must treat it as the real registrar.
 */
export async function startPlainForwarder(upstream: string): Promise<{ url: string; close(): Promise<void> }> {
  const target = new URL(upstream);
  const server: Server = createServer((req, res) => {
    if ((req.url ?? '').startsWith('/_sandbox/')) {
      res.writeHead(404).end();
      return;
    }
    const out = request(
      { host: target.hostname, port: target.port, path: req.url, method: req.method, headers: req.headers },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      },
    );
    out.on('error', () => res.writeHead(502).end());
    req.pipe(out);
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((done) => server.close(() => done())),
  };
}
