import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { copyPackagingTree, removeTree, runNode } from '../helpers/cfn-package';
import { PACKAGING_HOOK_TIMEOUT_MS, PROCESS_TEST_TIMEOUT_MS } from '../helpers/timeouts';

// `npm run deploy` checks and builds from its own arguments (dryRun, policy, accounts, the account check), then hands
// them to `osls deploy`. osls's `--package <dir>` (`-p`) deploys a template packaged earlier, without packaging again,
// so what went out was not what was checked: a stage packaged live deployed with `--param dryRun=true --package
// .serverless` passed the account check as a dry run and deployed the live template. `deploy function -u` rewrote a
// function's environment outside the stack. Every argument the checks do not read is refused now (review
// 2026-12-07, twenty-fifth session). The refusals come before any AWS call or build, so no stand-in is needed.
jest.setTimeout(PROCESS_TEST_TIMEOUT_MS);

let dir: string;

beforeAll(async () => {
  dir = await copyPackagingTree();
  // Stage test, packaged with the defaults: live.
  const packaged = await runNode(dir, 'scripts/package.mjs', ['--stage', 'test']);
  if (packaged.code !== 0) throw new Error(`package failed:\n${packaged.output}`);
}, PACKAGING_HOOK_TIMEOUT_MS);

afterAll(async () => {
  if (dir) await removeTree(dir);
});

describe('npm run deploy deploys what it checked', () => {
  test.each([
    [
      '--package <dir>',
      ['--stage', 'test', '--param=dryRun=true', '--package', '.serverless'],
      /error: --package is not taken here/,
    ],
    [
      'its short form -p',
      ['--stage', 'test', '--param=dryRun=true', '-p', '.serverless'],
      /error: -p is not taken here/,
    ],
    ['-p=<dir>', ['--stage', 'test', '-p=.serverless'], /error: -p is not taken here/],
    [
      'a sub-command (deploy function)',
      ['--stage', 'prod', 'function', '-f', 'renew', '--update-config'],
      /error: function is not taken here/,
    ],
  ])('%s: refused before anything is built or deployed', async (_label, args, said) => {
    // The hazard: the packaged template buys.
    const template = await readFile(join(dir, '.serverless', 'cloudformation-template-update-stack.json'), 'utf8');
    expect(template).toContain('"AUTORENEW_DRY_RUN": "false"');
    const run = await runNode(dir, 'scripts/deploy.mjs', args);
    expect(run.code).toBe(1);
    expect(run.output).toMatch(said);
    expect(run.output).not.toContain('> build handlers');
    expect(run.output).not.toContain('> osls deploy');
  });
});
