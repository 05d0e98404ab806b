import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runCliInProcess } from '../helpers/cli-process';
import { type CliWorld, startCliWorld } from '../helpers/cli-world';
import { DAY_MS, SANDBOX_NOW_MS } from '../helpers/sandbox-fixture';
import { PROCESS_TEST_TIMEOUT_MS } from '../helpers/timeouts';

/**
 * Review 2026-12-06, round 8 (inputs). A policy that names a domain to let lapse ({"match": ["old.com"], "renew": false}) after a rule that takes a
 * group ({"groups": ["Brand"], "years": 2}). old.com is in the group Brand. Rules are first-match, so the group rule
 * won and old.com was bought for 2 years, although the person wrote its name in a "renew": false rule. The load
 * check finds such a dead rule when a glob shadows a name, never when a group does (it cannot know the groups);
 * renew knows them at run time, and bought without a word. Now neither rule wins: it is `rule-conflict`, never
 * bought while both say otherwise, with a will-lapse line (the person may want either).
 */
jest.setTimeout(PROCESS_TEST_TIMEOUT_MS);

let world: CliWorld;
beforeAll(async () => {
  world = await startCliWorld(
    [
      { domainName: 'brand.com', expiresAtMs: SANDBOX_NOW_MS + 10 * DAY_MS, groupName: 'Brand' },
      { domainName: 'old.com', expiresAtMs: SANDBOX_NOW_MS + 10 * DAY_MS, groupName: 'Brand' },
    ],
    ['srv'],
  );
});
afterAll(async () => {
  await world?.close();
});

it('a domain named in a later "renew": false rule is not bought because an earlier group rule took it', async () => {
  const policy = join(world.dir, 'policy.json');
  await writeFile(
    policy,
    JSON.stringify({
      version: 1,
      notify: { advanceDays: 0 },
      rules: [
        { name: 'brand', groups: ['Brand'], years: 2 },
        { name: 'retire-old', match: ['old.com'], renew: false },
      ],
    }),
  );
  const run = await runCliInProcess(
    ['renew', '--yes'],
    { ...world.env(), AUTORENEW_POLICY: policy },
    join(world.dir, 'srv'),
  );
  const bought = world.sandbox.state().submissions.map((s) => s.domainName);
  expect({ bought, exit: run.code }).toEqual({ bought: ['brand.com'], exit: 0 });
  expect(run.stdout).toMatch(
    /^Will lapse \(1\)[^\n]*\n- old\.com: expiry [^\n]*reason: rule-conflict: [^\n]*\(rule brand\)$/m,
  );
});
