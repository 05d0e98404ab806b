import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EXIT } from '../../lib/commands/io';
import { type Sandbox, startSandbox } from '../../lib/sandbox';
import type { SandboxRefusal } from '../../lib/sandbox/types';
import { runCliInRepoInProcess as inProcess } from '../helpers/cli-process';
import { createTestFixture, SANDBOX_NOW_MS } from '../helpers/sandbox-fixture';
import { PROCESS_TEST_TIMEOUT_MS } from '../helpers/timeouts';

// `doctor` says "Exit 0 when nothing would stop a run", but it probed only QueryDomainList and QueryTaskList. With
// QueryDomainByDomainName or QueryTaskDetailList refused by RAM (docs/deploy.md: the action the first needs is
// UNCONFIRMED), the renew job still buys, and check can neither read the task's rows nor confirm any new expiry;
// doctor said all clear (review 2026-12-07, twenty-fifth session).
jest.setTimeout(PROCESS_TEST_TIMEOUT_MS);

let dir: string;
let sandbox: Sandbox;
afterEach(async () => {
  await sandbox?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function doctorWith(refusals: Record<string, SandboxRefusal>) {
  sandbox = await startSandbox({ fixture: createTestFixture(), nowMs: SANDBOX_NOW_MS, faults: { refusals } });
  dir = await mkdtemp(join(tmpdir(), 'autorenew-doctor-probe-'));
  const policyFile = join(dir, 'policy.json');
  await writeFile(policyFile, JSON.stringify({ version: 1 }));
  return inProcess(['doctor'], {
    AUTORENEW_ENDPOINT: sandbox.url,
    ALIBABA_CLOUD_ACCESS_KEY_ID: sandbox.accessKeyId,
    ALIBABA_CLOUD_ACCESS_KEY_SECRET: sandbox.accessKeySecret,
    AUTORENEW_LEDGER_DIR: join(dir, 'ledger'),
    AUTORENEW_POLICY: policyFile,
  });
}

test.each(['QueryDomainByDomainName', 'QueryTaskDetailList'])('doctor with %s refused by RAM fails', async (action) => {
  const run = await doctorWith({ [action]: 'Forbidden' });
  expect(run.stdout).toMatch(new RegExp(`FAIL .*${action}`));
  expect(run.code).toBe(EXIT.invalidInput);
});

test('control: both permitted, both probed ok', async () => {
  const run = await doctorWith({});
  expect(run.stdout).toMatch(/ok .*QueryDomainByDomainName/);
  expect(run.stdout).toMatch(/ok .*QueryTaskDetailList/);
});
