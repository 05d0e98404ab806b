import net from 'node:net';
import { EXIT } from '../../lib/commands/io';
import { besidesUncheckedNames, runCliInProcess, waitUntil } from '../helpers/cli-process';
import { type CliWorld, startCliWorld } from '../helpers/cli-world';
import { DAY_MS, SANDBOX_NOW_MS } from '../helpers/sandbox-fixture';
import { PROCESS_TEST_TIMEOUT_MS } from '../helpers/timeouts';

// Review 2026-12-06, round 8 (hold look-up). `hold` asked the registrar about its names with the embedded ledger
// open, so locked: against a registrar that accepts connections and never answers, every other command on the ledger
// (holds, status, the cron'd renew) waited for the lock through the look-up's retries (5 x 10 s). The look-up now
// runs before the ledger is opened, with two attempts of 5 s.
jest.setTimeout(PROCESS_TEST_TIMEOUT_MS);

let world: CliWorld;
let silent: net.Server;
const sockets: net.Socket[] = [];

beforeAll(async () => {
  world = await startCliWorld([{ domainName: 'selling-it.com', expiresAtMs: SANDBOX_NOW_MS + 10 * DAY_MS }], ['srv']);
  // A loopback registrar that accepts and never answers (a hung proxy, a dropped route).
  silent = net.createServer((s) => {
    sockets.push(s);
  });
  await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
});
afterAll(async () => {
  for (const s of sockets) s.destroy();
  await new Promise<void>((r) => silent.close(() => r()));
  await world?.close();
});

it('the ledger is not locked while the look-up waits on a registrar that does not answer', async () => {
  const srv = `${world.dir}/srv`;
  const port = (silent.address() as net.AddressInfo).port;
  const shell = { ...world.env(), AUTORENEW_ENDPOINT: `http://127.0.0.1:${port}` };
  // The directory's ledger, made by an earlier hold (the registrar answered then).
  expect((await runCliInProcess(['hold', 'selling-it.com', '--no-run-check'], world.env(), srv)).code).toBe(EXIT.ok);
  let holdDone = false;
  const hold = runCliInProcess(['hold', 'selling-it.com', '--no-run-check'], shell, srv).finally(() => {
    holdDone = true;
  });
  await waitUntil(() => sockets.length > 0, 'the look-up to reach the registrar');
  // Someone runs `holds` in the same directory while the look-up waits: answered at once, not after the lock.
  const holds = await runCliInProcess(['holds'], world.env(), srv);
  expect({ holdStillLookingUp: !holdDone, holdsWaited: /waiting up to 2 minutes/.test(holds.stderr) }).toEqual({
    holdStillLookingUp: true,
    holdsWaited: false,
  });
  // The look-up fails (both attempts unanswered): the hold is written, with the warning to check the name.
  const held = await hold;
  expect(held.code).toBe(EXIT.ok);
  expect(held.stderr).toMatch(/^hold: 1 of 1 name\(s\) not checked at the registrar/);
  expect(besidesUncheckedNames(held.stderr)).toBe('');
  expect(held.stdout).toMatch(/replaces the hold/);
  // Two attempts at most (a failed look-up only warns).
  expect(sockets.length).toBeLessThanOrEqual(2);
});
