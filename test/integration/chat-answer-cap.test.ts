import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sendToTarget } from '../../lib/notify/chat/send';

/**
 * Review 2026-12-07. send.ts reads at most MAX_ANSWER_BYTES of a platform's answer (a few hundred bytes in practice),
 * but it called response.text() and cut afterwards, so the whole answer was buffered for up to the 10 s timeout. The
 * fan-out sends to every target before it publishes to SNS, in the same Lambda: a receiver (the generic webhook is
 * "any HTTPS receiver"; a proxy's error page) answering with a huge or endless body could take the function's memory
 * before SNS got the digest, on every run, as the notices stay pending.
 */
let server: Server;
let written = 0;
beforeAll(async () => {
  server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      const chunk = Buffer.alloc(64 * 1024, 0x61);
      const total = 48 * 1024 * 1024;
      const pump = () => {
        while (written < total) {
          written += chunk.length;
          if (!res.write(chunk)) return void res.once('drain', pump);
        }
        res.end();
      };
      pump();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

it('a huge answer body is not read past the cap', async () => {
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/autorenew`;
  const error = await sendToTarget(
    { name: 'ticketing', kind: 'webhook' },
    { url },
    { id: 'd', subject: 's', text: 't', event: 'failed', severity: 'alert' },
    { nowMs: Date.now(), timeoutMs: 20_000 },
  ).then(
    () => undefined,
    (e: unknown) => e,
  );
  // HTTP 200 with a body that is no webhook answer: delivered (a generic receiver's 200 is its acknowledgement).
  expect(error).toBeUndefined();
  // Socket buffers may hold a few MB more than the cap; all 48 MB means the body was read whole.
  expect(written).toBeLessThan(8 * 1024 * 1024);
});
