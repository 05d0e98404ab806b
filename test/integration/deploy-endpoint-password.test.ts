import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';

/**
 * `npm run deploy -- --param="endpoint=https://user:password@..."`: the functions refuse such an endpoint at every
 * run without quoting it, but the pipeline neither refused nor hid it: its "what will be deployed" summary printed
 * it to the terminal (and CI log), and the stack was deployed with it in the functions' environment (review
 * 2026-12-07, twenty-fifth session). It is refused before anything is printed or built, naming the param only.
 */
const REPO_ROOT = resolve(__dirname, '../..');

function check(args: string[]): { error?: string; summary?: string[] } {
  const run = spawnSync(
    process.execPath,
    [
      '--input-type=module',
      '-e',
      `import { checkDeployArgs } from './scripts/pipeline.mjs';
       import { createRequire } from 'node:module';
       import { readFileSync } from 'node:fs';
       const yaml = createRequire(createRequire(process.cwd() + '/package.json').resolve('osls/package.json'))('js-yaml');
       const config = yaml.load(readFileSync('serverless.yml', 'utf8'));
       let out;
       try { out = { summary: checkDeployArgs(JSON.parse(process.argv[1]), config).summary }; }
       catch (e) { out = { error: e.message }; }
       console.log(JSON.stringify(out));`,
      JSON.stringify(args),
    ],
    { cwd: REPO_ROOT, encoding: 'utf8' },
  );
  if (run.status !== 0) throw new Error(run.stderr);
  return JSON.parse(run.stdout) as { error?: string; summary?: string[] };
}

test.each([
  [['--stage', 'prod', '--param=endpoint=https://ops:Pw-s3cret-77@domain.aliyuncs.com']],
  [['--stage', 'prod', '--param', 'bssEndpoint=https://ops:Pw-s3cret-77@business.aliyuncs.com']],
  [['--stage', 'prod', '--param=endpoint=https://ops:Pw/s3cret-77@domain.aliyuncs.com']],
])('an endpoint param with a password (%j) is refused, and the password is not printed', (args) => {
  const result = check(args);
  expect(JSON.stringify(result)).not.toContain('s3cret-77');
  expect(result.error).toMatch(/param "(endpoint|bssEndpoint)" is not an https/);
});

test('control: the default endpoint and another aliyuncs.com host pass', () => {
  expect(check(['--stage', 'prod']).error).toBeUndefined();
  expect(check(['--stage', 'prod', '--param=endpoint=https://domain-intl.aliyuncs.com']).error).toBeUndefined();
});
