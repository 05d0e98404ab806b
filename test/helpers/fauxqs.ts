import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { START_WAIT_MS } from './timeouts';

/** A running fauxqs (SNS/SQS emulator) bound to 127.0.0.1, in a worker thread of this process. */
export interface FauxqsHandle {
  /** `http://127.0.0.1:<port>`, for the SDK clients' `endpoint`. */
  endpoint: string;
  port: number;
  stop(): Promise<void>;
}

type WorkerReport = { type: 'listening'; port: number } | { type: 'error'; message: string } | { type: 'stopped' };

/** The worker's next report; rejects if the worker fails or exits first. */
function nextReport(worker: Worker): Promise<WorkerReport> {
  return new Promise((resolve, reject) => {
    const onExit = (code: number) => reject(new Error(`fauxqs worker exited with code ${code} before reporting`));
    worker.once('message', (report: WorkerReport) => {
      worker.off('exit', onExit);
      resolve(report);
    });
    worker.once('error', reject);
    worker.once('exit', onExit);
  });
}

/**
 * Start fauxqs on loopback and a free port, waiting up to `timeoutMs` (default 120 s: loading the emulator is
 * CPU-bound and slow on a loaded machine) for it to listen; call `stop()` in afterAll. Start it in a beforeAll
 * with START_HOOK_TIMEOUT_MS, so this function's message is the one that shows.
 */
export async function startFauxqs(timeoutMs = START_WAIT_MS): Promise<FauxqsHandle> {
  const worker = new Worker(join(__dirname, 'fauxqs-worker.mjs'));
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`fauxqs did not start listening within ${timeoutMs / 1000} s (a very loaded machine?)`)),
      timeoutMs,
    );
  });
  let report: WorkerReport;
  try {
    report = await Promise.race([nextReport(worker), timedOut]);
  } catch (err) {
    await worker.terminate();
    throw err;
  } finally {
    clearTimeout(timer);
  }
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
