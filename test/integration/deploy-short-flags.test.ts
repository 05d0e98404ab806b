import { spawn } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { OUTPUT, type StackSummary } from '../../lib/deployment/stack';
import {
  copyPackagingTree,
  getResource,
  type RunResult,
  readTemplate,
  removeTree,
  runNode,
} from '../helpers/cfn-package';
import { type FakeCloudFormation, startFakeCloudFormation } from '../helpers/fake-cloudformation';
import { PACKAGING_HOOK_TIMEOUT_MS, PROCESS_TEST_TIMEOUT_MS } from '../helpers/timeouts';

// scripts/pipeline.mjs reads `--stage`/`-s` and refuses `--region`/`-r` and `--config`/`-c` so that its checks, its
// summary and the policy it validates and bundles are those of the stack osls deploys. osls also takes the short
// forms WITH "=" (node_modules/osls/lib/cli/param-reg-exp.js: `-s=prod` is stage prod), which the pipeline did not
// read: `npm run deploy -- -s=prod` checked, summarised and bundled the `dev` stage (dryRun true, the default policy)
// while osls deployed a buying prod beside another buyer of the account; `-r=` and `-c=` passed the refusals
// (review 2026-12-07, twenty-fifth session).
jest.setTimeout(PROCESS_TEST_TIMEOUT_MS);

/** The restrictive policy the prod stage names in its params; the default policy buys everything due in 30 days. */
const PROD_POLICY = '{ "version": 1, "defaults": { "renew": false } }\n';

let stageDir: string;
let regionDir: string;
let configDir: string;
let stageRun: RunResult;
let regionRun: RunResult;
let configRun: RunResult;
let cfn: FakeCloudFormation;

/** serverless.yml with a safe default (dryRun true) and a prod stage that buys under its own policy. */
async function withProdParams(dir: string): Promise<void> {
  const file = join(dir, 'serverless.yml');
  let yml = await readFile(file, 'utf8');
  if (!yml.includes('params:\n  default:\n') || !yml.includes('    dryRun: "false"\n')) {
    throw new Error('serverless.yml params block changed: update this test');
  }
  yml = yml.replace('    dryRun: "false"\n', '    dryRun: "true"\n');
  yml = yml.replace(
    'params:\n  default:\n',
    'params:\n  prod:\n    policy: policies/prod.json\n    dryRun: "false"\n  default:\n',
  );
  await writeFile(file, yml);
  await writeFile(join(dir, 'policies', 'prod.json'), PROD_POLICY);
}

beforeAll(async () => {
  [stageDir, regionDir, configDir] = await Promise.all([copyPackagingTree(), copyPackagingTree(), copyPackagingTree()]);
  await withProdParams(stageDir);
  const stacks: StackSummary[] = [
    {
      name: 'aliyun-domain-autorenew-other',
      status: 'UPDATE_COMPLETE',
      outputs: { [OUTPUT.alibabaAccount]: 'secret:aliyun-domain-autorenew/alibaba', [OUTPUT.dryRun]: 'false' },
    },
  ];
  [stageRun, regionRun, configRun, cfn] = await Promise.all([
    runNode(stageDir, 'scripts/package.mjs', ['-s=prod']),
    runNode(regionDir, 'scripts/package.mjs', ['-r=eu-west-1']),
    runNode(configDir, 'scripts/package.mjs', ['-c=serverless.prod.yml']),
    startFakeCloudFormation(stacks),
  ]);
}, PACKAGING_HOOK_TIMEOUT_MS);

afterAll(async () => {
  await cfn?.stop();
  await Promise.all([stageDir, regionDir, configDir].filter(Boolean).map(removeTree));
});

describe('the pipeline reads the stage osls deploys: -s=prod', () => {
  test('what it checks and bundles is the stage packaged', async () => {
    expect(stageRun.code).toBe(0);
    const template = await readTemplate(stageDir);
    const table = getResource(template, 'LedgerTable').Properties?.TableName;
    const fn = getResource(template, 'RenewLambdaFunction').Properties ?? {};
    const env = (fn.Environment as { Variables: Record<string, unknown> }).Variables;
    expect(table).toBe('aliyun-domain-autorenew-prod-ledger');
    expect(env.AUTORENEW_DRY_RUN).toBe('false');
    expect(stageRun.output).toContain('stage prod, region us-east-1');
    expect(stageRun.output).toContain('dryRun false,');
    expect(stageRun.output).toContain('> validate policy policies/prod.json');
    expect(await readFile(join(stageDir, 'dist', 'renew', 'policy.json'), 'utf8')).toBe(PROD_POLICY);
  });

  test('npm run deploy -- -s=prod beside another buyer of the account: refused before osls runs', async () => {
    const own = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^AWS_/.test(k)));
    const run = await new Promise<{ code: number | null; out: string }>((done) => {
      const child = spawn(process.execPath, ['scripts/deploy.mjs', '-s=prod'], {
        cwd: stageDir,
        env: {
          ...own,
          AWS_ACCESS_KEY_ID: 'test',
          AWS_SECRET_ACCESS_KEY: 'test',
          AWS_MAX_ATTEMPTS: '1',
          AWS_REGION: 'us-east-1',
          AWS_ENDPOINT_URL_CLOUDFORMATION: cfn.endpoint,
          NO_COLOR: '1',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      const take = (chunk: Buffer) => {
        out += chunk.toString('utf8');
        // Stopped at the hand-over: the real osls deploy would need AWS.
        if (out.includes('> osls deploy')) child.kill('SIGKILL');
      };
      child.stdout.on('data', take);
      child.stderr.on('data', take);
      child.on('close', (code) => done({ code, out }));
    });
    expect(run.out).not.toContain('> osls deploy');
    expect(run.code).toBe(1);
    expect(run.out).toMatch(/error: stage "prod" would buy for .* while aliyun-domain-autorenew-other also buy/);
  });
});

describe('the refusals of --region and --config hold for their short forms with "="', () => {
  test('-r=eu-west-1: refused like --region', () => {
    expect(regionRun.code).toBe(1);
    expect(regionRun.output).toMatch(/error: -r is not taken here/);
    expect(regionRun.output).not.toContain('> build handlers');
  });

  test('-c=serverless.prod.yml: refused like --config', () => {
    expect(configRun.code).toBe(1);
    expect(configRun.output).toMatch(/error: -c is not taken here/);
    expect(configRun.output).not.toContain('> build handlers');
  });
});
