import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { runCliInProcess } from '../helpers/cli-process';
import { PROCESS_TEST_TIMEOUT_MS } from '../helpers/timeouts';

// Review rvl: `autorenew demo` promises "no accounts", "no network", "stops everything it started", and its help
// suggests `demo --policy FILE`. The demo clears the single-account variables, the table and the topic, but not the
// chat targets' AUTORENEW_TARGET_<NAME>_URL/_SECRET: run with the team's own policy (notify.targets) in a shell that
// has the targets' URLs (as the README's chat setup exports them), the sandbox's made-up digests (submitted, renewed,
// will-lapse, deferred "top up ...") are POSTed to the team's real DingTalk/Slack/webhook. Here the "team webhook"
// is a loopback TCP listener that only counts connections.
jest.setTimeout(PROCESS_TEST_TIMEOUT_MS);

const ROOT = resolve(__dirname, '..', '..');
let server: Server;
let connections = 0;
let dir: string;

beforeAll(async () => {
  server = createServer((socket) => {
    connections++;
    socket.destroy();
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', () => done()));
  dir = await mkdtemp(join(tmpdir(), 'rvl-demo-'));
});
afterAll(async () => {
  await new Promise<void>((done) => server.close(() => done()));
  if (dir) await rm(dir, { recursive: true, force: true });
});

it('demo --policy with chat targets sends nothing outside the demo', async () => {
  const policy = JSON.parse(await readFile(join(ROOT, 'policies', 'default.json'), 'utf8'));
  delete policy.$schema;
  policy.notify.targets = [{ name: 'ops', kind: 'webhook' }];
  const file = join(dir, 'team-policy.json');
  await writeFile(file, JSON.stringify(policy));
  const port = (server.address() as { port: number }).port;
  const run = await runCliInProcess(['demo', '--policy', file], {
    AUTORENEW_TARGET_OPS_URL: `https://127.0.0.1:${port}/team-hook`,
    AUTORENEW_TARGET_OPS_SECRET: 'team-signing-secret',
  });
  expect({ code: run.code, connectionsToTheTeamWebhook: connections }).toEqual({
    code: 0,
    connectionsToTheTeamWebhook: 0,
  });
});
