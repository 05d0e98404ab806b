// Runs fauxqs (ESM-only) in a worker thread: jest executes tests as CommonJS and routes every import() through
// require(), which cannot load ESM on Node 20, so the emulator lives in a worker with Node's own ESM loader.
// startFauxqs() always listens on 0.0.0.0; buildApp + listen binds to loopback only.
import { parentPort } from 'node:worker_threads';
import { buildApp } from 'fauxqs';

const app = buildApp({ logger: false });
try {
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  if (address === null || typeof address === 'string') throw new Error('fauxqs did not report a TCP address');
  parentPort.postMessage({ type: 'listening', port: address.port });
} catch (error) {
  parentPort.postMessage({ type: 'error', message: error instanceof Error ? error.message : String(error) });
}

parentPort.on('message', async (message) => {
  if (message !== 'stop') return;
  await app.close();
  parentPort.postMessage({ type: 'stopped' });
  parentPort.close();
});
