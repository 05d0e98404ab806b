import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { runCli } from '../../lib/cli';
import type { CliIO } from '../../lib/commands/io';
import { type Sandbox, startSandbox } from '../../lib/sandbox';
import { startPlainForwarder } from '../helpers/plain-forwarder';
import { PROCESS_TEST_TIMEOUT_MS } from '../helpers/timeouts';

// `renew --plan FILE --max-age 1h` checked the plan's age before its question, then bought on a "y" given hours
// later: a plan refused at the time of the purchase was bought all the same (review 2026-12-07, twenty-sixth
// session's "found, not fixed"). The age is checked again once the question is answered.
jest.setTimeout(PROCESS_TEST_TIMEOUT_MS);

const ROOT = resolve(__dirname, '..', '..');
const POLICY = join(__dirname, '..', 'fixtures', 'policies', 'buy-when-due.json');
const DAY_MS = 86_400_000;

let sandbox: Sandbox;
let forwarder: Awaited<ReturnType<typeof startPlainForwarder>>;
let dir: string;

beforeEach(async () => {
  const now = Date.now();
  sandbox = await startSandbox({
    nowMs: now,
    fixture: { domains: [{ domainName: 'main-brand.com', expiresAtMs: now + 10 * DAY_MS }], balance: 100_000 },
  });
  // A loopback endpoint that does not answer as the sandbox: the CLI asks, and runs on the system clock.
  forwarder = await startPlainForwarder(sandbox.url);
  dir = await mkdtemp(join(tmpdir(), 'question-plan-age-'));
});
afterEach(async () => {
  jest.restoreAllMocks();
  await forwarder?.close();
  await sandbox?.close();
  await rm(dir, { recursive: true, force: true });
});

it('a "y" given after the plan grew older than --max-age buys nothing', async () => {
  const out: string[] = [];
  const questions: string[] = [];
  const io: CliIO = {
    out: (l) => out.push(l),
    err: (l) => out.push(l),
    isTTY: true,
    cwd: ROOT,
    env: {
      AUTORENEW_ENDPOINT: forwarder.url,
      AUTORENEW_POLICY: POLICY,
      AUTORENEW_LEDGER_DIR: join(dir, '.autorenew'),
      ALIBABA_CLOUD_ACCESS_KEY_ID: sandbox.accessKeyId,
      ALIBABA_CLOUD_ACCESS_KEY_SECRET: sandbox.accessKeySecret,
    },
    ask: async (question) => {
      questions.push(question);
      // The person answers two hours later.
      const answeredAt = Date.now() + 2 * 3_600_000;
      jest.spyOn(Date, 'now').mockImplementation(() => answeredAt);
      return 'y';
    },
  };
  const file = join(dir, 'plan.json');
  expect(await runCli(['plan', '--out', file], { out: io.out, err: io.err, isTTY: true, cwd: ROOT, env: io.env })).toBe(
    0,
  );
  const code = await runCli(['renew', '--plan', file, '--max-age', '1h'], io);
  expect(questions).toHaveLength(1);
  expect(sandbox.state().submissions).toEqual([]);
  expect(code).not.toBe(0);
  expect(out.join('\n')).toMatch(
    /the plan was made 2\.0 h ago .*older than --max-age 1\.0 h; make a new plan; nothing was bought/,
  );
});
