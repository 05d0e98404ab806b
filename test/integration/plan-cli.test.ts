import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { PROCESS_TEST_TIMEOUT_MS, START_HOOK_TIMEOUT_MS, START_WAIT_MS } from '../helpers/timeouts';

// Two real processes (the sandbox and the CLI, each bundled on start): sized for a loaded machine.
jest.setTimeout(PROCESS_TEST_TIMEOUT_MS);

const ROOT = resolve(__dirname, '../..');
const BIN = join(ROOT, 'bin/autorenew.js');
const DAY_MS = 86_400_000;
const run = promisify(execFile);

interface StateDomain {
  domainName: string;
  expiresAtMs: number;
  domainStatus: string;
  premium: boolean;
}

/** `autorenew plan` against `autorenew sandbox --domains 500`, both real processes (issue 3 acceptance). */
describe('autorenew plan against autorenew sandbox --domains 500', () => {
  let sandbox: ChildProcess;
  let endpoint: string;
  let ledgerDir: string;

  beforeAll(async () => {
    ledgerDir = await mkdtemp(join(tmpdir(), 'plan-cli-'));
    sandbox = spawn(process.execPath, [BIN, 'sandbox', '--port', '0', '--domains', '500', '--seed', '11'], {
      cwd: ROOT,
    });
    endpoint = await new Promise<string>((resolvePromise, reject) => {
      let out = '';
      const timer = setTimeout(
        () => reject(new Error(`autorenew sandbox did not report its port within ${START_WAIT_MS / 1000} s: ${out}`)),
        START_WAIT_MS,
      );
      sandbox.stdout?.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        const match = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
        if (match?.[1]) {
          clearTimeout(timer);
          resolvePromise(match[1]);
        }
      });
      sandbox.stderr?.on('data', (chunk: Buffer) => {
        out += chunk.toString();
      });
      sandbox.once('error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
      sandbox.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`autorenew sandbox exited (code ${code}, signal ${signal}) before listening: ${out}`));
      });
    });
  }, START_HOOK_TIMEOUT_MS);

  afterAll(async () => {
    if (sandbox && sandbox.exitCode === null) {
      const exited = new Promise((r) => sandbox.once('exit', r));
      sandbox.kill('SIGTERM');
      await exited;
    }
    await rm(ledgerDir, { recursive: true, force: true });
  });

  it('prints a plan whose renew count matches an independent count, and makes no paid call', async () => {
    const before = (await (await fetch(`${endpoint}/_sandbox/state`)).json()) as {
      nowMs: number;
      domains: StateDomain[];
    };
    const at = new Date(before.nowMs).toISOString();
    const { stdout } = await run(process.execPath, [BIN, 'plan', '--json', '--at', at], {
      cwd: ROOT,
      env: {
        ...process.env,
        AUTORENEW_ENDPOINT: endpoint,
        ALIBABA_CLOUD_ACCESS_KEY_ID: 'sandbox-access-key-id',
        ALIBABA_CLOUD_ACCESS_KEY_SECRET: 'sandbox-access-key-secret',
        AUTORENEW_LEDGER_DIR: ledgerDir,
        AUTORENEW_POLICY: join(ROOT, 'test/fixtures/policies/buy-when-due.json'),
      },
    });
    const plan = JSON.parse(stdout) as { totals: { renew: number; listed: number } };

    // Independent count for the default policy (advance notice off): within 30 days before or 30 days after expiry, not in
    // redemption, not premium; the per-run cap (100) is far above what 500 generated domains bring.
    const now = before.nowMs;
    const due = before.domains.filter(
      (d) =>
        d.expiresAtMs - now <= 30 * DAY_MS &&
        now - d.expiresAtMs <= 30 * DAY_MS &&
        d.domainStatus !== '2' &&
        !d.premium,
    );
    expect(due.length).toBeGreaterThan(5);
    expect(due.length).toBeLessThan(100);
    expect(plan.totals.renew).toBe(due.length);

    const after = (await (await fetch(`${endpoint}/_sandbox/state`)).json()) as { requests: Record<string, number> };
    expect(after.requests.QueryDomainList).toBeGreaterThan(0);
    expect(after.requests.SaveBatchTaskForCreatingOrderRenew ?? 0).toBe(0);
    expect(after.requests.SaveSingleTaskForCreatingOrderRenew ?? 0).toBe(0);
  });
});
