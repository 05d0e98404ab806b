// The integration project's globalSetup and globalTeardown (jest.config.js): one DynamoDB Local for the whole run
// instead of one per file that uses it, which saves a JVM start (several CPU seconds on a loaded 2-core machine)
// and lets the later files find its JIT warm. The setup only spawns it and returns: the JVM starts while the first
// files run, and each file waits for it in its beforeAll (dynamoDbLocalForFile in test/helpers/dynamodb-local.ts).
// It starts only when the run may include a file that uses it; otherwise those files start their own.
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Config } from '@jest/types';
import { type DynamoDbLocal, SHARED_DYNAMODB_LOCAL_ENV, startDynamoDbLocal } from './dynamodb-local';

/** The files that use DynamoDB Local (through dynamoDbLocalForFile), relative to the repository root. */
export const DYNAMODB_LOCAL_FILES = [
  'test/integration/renew-processes.test.ts',
  'test/integration/ledger-dynamodb-local.test.ts',
];

interface Shared {
  dir: string;
  server: Promise<DynamoDbLocal | undefined>;
}

const KEY = '__autorenewSharedDynamoDbLocal';
type Holder = { [KEY]?: Shared };

/** Whether the run's path patterns (if any) select one of the files above. */
function mayRunAUser(globalConfig: Config.GlobalConfig): boolean {
  const patterns = globalConfig.testPathPatterns;
  if (!patterns.isSet()) return true;
  const executor = patterns.toExecutor({ rootDir: globalConfig.rootDir });
  return DYNAMODB_LOCAL_FILES.some((file) => executor.isMatch(resolve(globalConfig.rootDir, file)));
}

function writeAtomically(dir: string, name: string, text: string): void {
  writeFileSync(join(dir, `${name}.tmp`), text);
  renameSync(join(dir, `${name}.tmp`), join(dir, name));
}

export async function setup(globalConfig: Config.GlobalConfig): Promise<void> {
  if (!mayRunAUser(globalConfig)) return;
  const dir = mkdtempSync(join(tmpdir(), 'autorenew-ddb-local-'));
  // If jest exits without its teardown (an error, process.exit), the JVM must not outlive it.
  const onSpawn = (child: ChildProcess) => {
    const kill = () => child.kill('SIGKILL');
    process.once('exit', kill);
    child.once('exit', () => process.removeListener('exit', kill));
  };
  const server = startDynamoDbLocal(undefined, onSpawn).then(
    (started) => {
      writeAtomically(dir, 'ready.json', JSON.stringify({ endpoint: started.endpoint, startupMs: started.startupMs }));
      return started;
    },
    (err: unknown) => {
      writeAtomically(dir, 'failed.txt', err instanceof Error ? err.message : String(err));
      return undefined;
    },
  );
  (globalThis as Holder)[KEY] = { dir, server };
  // Workers are forked after the global setup, so they inherit this.
  process.env[SHARED_DYNAMODB_LOCAL_ENV] = dir;
}

export async function teardown(): Promise<void> {
  const shared = (globalThis as Holder)[KEY];
  if (!shared) return;
  delete (globalThis as Holder)[KEY];
  delete process.env[SHARED_DYNAMODB_LOCAL_ENV];
  await (await shared.server)?.stop();
  rmSync(shared.dir, { recursive: true, force: true });
}
