import { join } from 'node:path';
import { Worker } from 'node:worker_threads';

/** A running fauxqs (SNS/SQS emulator) bound to 127.0.0.1, in a worker thread of this process. */
export interface FauxqsHandle {
  /** `http://127.0.0.1:<port>`, for the SDK clients' `endpoint`. */
  endpoint: string;
  port: number;
  stop(): Promise<void>;
}

type WorkerReport = { type: 'listening'; port: number } | { type: 'error'; message: string } | { type: 'stopped' };

function nextReport(worker: Worker): Promise<WorkerReport> {
  return new Promise((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
}

/** Start fauxqs on loopback and a free port; call `stop()` in afterAll. */
export async function startFauxqs(): Promise<FauxqsHandle> {
  const worker = new Worker(join(__dirname, 'fauxqs-worker.mjs'));
  const report = await nextReport(worker);
  if (report.type !== 'listening') {
    await worker.terminate();
    throw new Error(`fauxqs did not start: ${report.type === 'error' ? report.message : report.type}`);
  }
  return {
    endpoint: `http://127.0.0.1:${report.port}`,
    port: report.port,
    stop: async () => {
      const stopped = nextReport(worker);
      worker.postMessage('stop');
      await stopped;
      await worker.terminate();
    },
  };
}

/** Region and dummy credentials the emulator accepts. */
export const FAUXQS_CLIENT_CONFIG = {
  region: 'us-east-1',
  credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
} as const;
