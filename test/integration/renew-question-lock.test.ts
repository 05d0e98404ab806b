import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../lib/cli';
import type { CliIO } from '../../lib/commands/io';
import { type Sandbox, startSandbox } from '../../lib/sandbox';
import { PROCESS_TEST_TIMEOUT_MS } from '../helpers/timeouts';

// Review 2026-12-07 (operator commands racing the scheduled jobs). `hold` looks its names up BEFORE opening the
// embedded ledger, whose one-process lock would keep the renew runs waiting (hold-lookup-lock.test.ts, round 8).
// `renew` at a terminal against a real registrar opened the ledger (the lock), planned, then waited for the person's
// [y/N] with the lock held, for as long as nobody answered: the cron'd check (and renew) of that ledger waited 2
// minutes and failed with "ledger in use", so a question left open over a weekend stopped every scheduled run there,
// and check, which would say "the renew job has not run", could not run either. The registrar here is the sandbox
// behind an https proxy on 127.0.0.1 (https is never a "sandbox" endpoint, so renew asks, as against Alibaba).
jest.setTimeout(PROCESS_TEST_TIMEOUT_MS);

const ROOT = join(__dirname, '..', '..');
const POLICY = join(__dirname, '..', 'fixtures', 'policies', 'buy-when-due.json');
const DAY_MS = 86_400_000;

let dir: string;
let sandbox: Sandbox;
let proxy: https.Server;
const AgentBefore = https.Agent;
const globalBefore = https.globalAgent;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'question-lock-'));
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      join(dir, 'key.pem'),
      '-out',
      join(dir, 'cert.pem'),
    ].concat(['-days', '1', '-subj', '/CN=127.0.0.1']),
    { stdio: 'ignore' },
  );
  sandbox = await startSandbox({
    fixture: { domains: [{ domainName: 'due.com', expiresAtMs: Date.now() + 10 * DAY_MS }], balance: 100_000 },
    nowMs: Date.now(),
  });
  const target = new URL(sandbox.url);
  proxy = https.createServer(
    { key: await readFile(join(dir, 'key.pem')), cert: await readFile(join(dir, 'cert.pem')) },
    (req, res) => {
      const up = http.request(
        { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      req.pipe(up);
    },
  );
  await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
  // The client trusts the proxy's self-signed certificate (loopback only; restored after): its keep-alive agent, and
  // the agent Node makes for a paid call's fresh connection (`agent: false`: the global agent's class).
  class Trusting extends AgentBefore {
    constructor(options?: https.AgentOptions) {
      super({ ...options, rejectUnauthorized: false });
    }
  }
  (https as { Agent: typeof https.Agent }).Agent = Trusting;
  (https as { globalAgent: https.Agent }).globalAgent = new Trusting();
  await mkdir(join(dir, 'srv'));
});
afterAll(async () => {
  (https as { Agent: typeof https.Agent }).Agent = AgentBefore;
  (https as { globalAgent: https.Agent }).globalAgent = globalBefore;
  await new Promise<void>((r) => proxy.close(() => r()));
  await sandbox?.close();
  await rm(dir, { recursive: true, force: true });
});

function envOf(): Record<string, string> {
  const endpoint = `https://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
  return {
    AUTORENEW_ENDPOINT: endpoint,
    AUTORENEW_BSS_ENDPOINT: endpoint,
    ALIBABA_CLOUD_ACCESS_KEY_ID: sandbox.accessKeyId,
    ALIBABA_CLOUD_ACCESS_KEY_SECRET: sandbox.accessKeySecret,
    AUTORENEW_POLICY: POLICY,
    AUTORENEW_LEDGER_DIR: join(dir, 'srv', '.autorenew'),
  };
}

/**
 * `renew` at a terminal, answered `answer` once the cron'd `check` on the same ledger, started while the question is
 * open, has either run or said it waits for the lock. Returns whether check had to wait, and renew's output.
 */
async function renewWhileCheckRuns(answerWith: string): Promise<{ waited: boolean; code: number; out: string }> {
  const env = envOf();
  let waited = false;
  let check: Promise<number> | undefined;
  const out: string[] = [];
  const io: CliIO = {
    out: (l) => out.push(l),
    err: (l) => out.push(l),
    isTTY: true,
    env,
    cwd: ROOT,
    ask: () =>
      new Promise<string>((answer) => {
        const checkIo: CliIO = {
          out: () => {},
          err: (l) => {
            if (/ledger in use: .*waiting up to 2 minutes/.test(l)) {
              waited = true;
              answer(answerWith);
            }
          },
          isTTY: false,
          env,
          cwd: ROOT,
        };
        check = runCli(['check'], checkIo).finally(() => answer(answerWith));
      }),
  };
  const code = await runCli(['renew'], io);
  expect(check).toBeDefined();
  await check;
  return { waited, code, out: out.join('\n') };
}

it("a renew question nobody has answered yet does not keep the cron'd check of that ledger waiting", async () => {
  const no = await renewWhileCheckRuns('n');
  expect(no.out).toMatch(/cancelled; nothing was submitted/);
  expect(no.code).toBe(0);
  expect(sandbox.state().submissions).toEqual([]);
  expect({ checkWaitedForTheQuestion: no.waited }).toEqual({ checkWaitedForTheQuestion: false });

  // Answered yes: the ledger is opened again and the confirmed plan bought, once.
  const yes = await renewWhileCheckRuns('y');
  expect(yes.waited).toBe(false);
  expect(yes.code).toBe(0);
  expect(sandbox.state().submissions.map((s) => s.domainName)).toEqual(['due.com']);
});
