import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runCliInProcess } from '../helpers/cli-process';
import { type CliWorld, startCliWorld } from '../helpers/cli-world';
import { DAY_MS, SANDBOX_NOW_MS } from '../helpers/sandbox-fixture';
import { PROCESS_TEST_TIMEOUT_MS } from '../helpers/timeouts';

// Review 2026-12-07 (thirty-first session), read commands: doctor says it checks "the credentials (env or Secrets Manager, the secret's JSON fields)" and
// exits 0 "when nothing would stop a run". A policy whose notify.targets name a chat target (the team's only channel
// besides email) with no URL anywhere (no AUTORENEW_TARGET_<NAME>_URL locally; no `notifyTargets.<name>` field in the
// stage's secret) passes every check: "doctor: N ok, 0 warning(s), 0 failed". Every failed, stuck and will-lapse
// alert to that target is then never delivered; the person who ran doctor believes the team will hear. (`notify-test`
// would tell, but doctor, the setup checklist, reads neither source.)
jest.setTimeout(PROCESS_TEST_TIMEOUT_MS);

let world: CliWorld;

beforeAll(async () => {
  world = await startCliWorld([{ domainName: 'one.com', expiresAtMs: SANDBOX_NOW_MS + 10 * DAY_MS }], ['srv']);
  await writeFile(
    join(world.dir, 'policy.json'),
    JSON.stringify({ version: 1, notify: { targets: [{ name: 'ops-slack', kind: 'slack' }] } }),
  );
});
afterAll(async () => {
  await world?.close();
});

it('doctor names a chat target of the policy that has no URL (it would never be delivered to)', async () => {
  const env = { ...world.env(), AUTORENEW_POLICY: join(world.dir, 'policy.json') };
  const run = await runCliInProcess(['doctor'], env, join(world.dir, 'srv'));
  const out = run.stdout.split('\n');
  expect({
    summary: out.filter((l) => l.startsWith('doctor:')),
    targetNamed: out.some((l) => /^(warn|FAIL)/.test(l) && /ops-slack|AUTORENEW_TARGET_OPS_SLACK_URL|target/i.test(l)),
  }).toEqual({ summary: expect.any(Array), targetNamed: true });
});
