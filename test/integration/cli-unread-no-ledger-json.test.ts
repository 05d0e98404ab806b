import { join } from 'node:path';
import { EXIT } from '../../lib/commands/io';
import { runCliInProcess } from '../helpers/cli-process';
import { type CliWorld, startCliWorld } from '../helpers/cli-world';
import { DAY_MS, SANDBOX_NOW_MS } from '../helpers/sandbox-fixture';
import { PROCESS_TEST_TIMEOUT_MS } from '../helpers/timeouts';

// Review 2026-12-06 (round 7, helper rvx). Where there is no ledger, `holds --json` and `status [<domain>] --json` print
// the JSON of an EMPTY ledger on stdout ({"holds": []}, {"domain", "claims": []}, {"lastRuns": []...}) and exit 0;
// the only word that there is no ledger goes to stderr. A JSON consumer (a script run from the wrong directory, or
// with a mistyped AUTORENEW_LEDGER_DIR) reads exactly what the renew runs' own ledger would say if nothing were held
// and nothing bought: "not held", "never renewed". The text form says "no ledger at ... yet". And sayNoLedger runs
// before openAccountLedgers, so `--account NAME` is no longer checked there: a misspelt account is exit 0.
jest.setTimeout(PROCESS_TEST_TIMEOUT_MS);

let world: CliWorld;
let dir: string;
const env = () => world.env();

beforeAll(async () => {
  world = await startCliWorld(
    [{ domainName: 'plain.com', expiresAtMs: SANDBOX_NOW_MS + 200 * DAY_MS }],
    ['srv', 'nowhere'],
  );
  dir = world.dir;
  // /srv: a real ledger with a renew run recorded and no holds (nothing due: nothing bought).
  expect((await runCliInProcess(['renew', '--yes'], env(), join(dir, 'srv'))).code).toBe(EXIT.ok);
});
afterAll(async () => {
  await world?.close();
});

const withoutNow = (stdout: string) => {
  const parsed = JSON.parse(stdout) as Record<string, unknown>;
  delete parsed.nowMs;
  return parsed;
};

it.each([
  ['holds --json', ['holds', '--json']],
  ['status <domain> --json', ['status', 'plain.com', '--json']],
])('%s where there is no ledger is not the same stdout + exit as a real, empty ledger', async (_n, args) => {
  const real = await runCliInProcess(args, env(), join(dir, 'srv'));
  const none = await runCliInProcess(args, env(), join(dir, 'nowhere'));
  expect(real.code).toBe(EXIT.ok);
  // What a JSON consumer reads (stdout and the exit code) must tell "no ledger here" from "nothing held/bought".
  expect({ code: none.code, json: withoutNow(none.stdout) }).not.toEqual({
    code: real.code,
    json: withoutNow(real.stdout),
  });
});

it.each([
  ['holds', ['holds', '--account', 'no-such-account']],
  ['status', ['status', '--account', 'no-such-account']],
])('%s --account NAME is still checked where there is no ledger', async (_n, args) => {
  const none = await runCliInProcess(args, env(), join(dir, 'nowhere'));
  const real = await runCliInProcess(args, env(), join(dir, 'srv'));
  expect(real.code).toBe(EXIT.invalidInput);
  expect(none.code).toBe(EXIT.invalidInput);
});
