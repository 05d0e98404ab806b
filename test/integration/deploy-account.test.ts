import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { OUTPUT, type StackSummary } from '../../lib/deployment/stack';
import { type FakeCloudFormation, startFakeCloudFormation } from '../helpers/fake-cloudformation';
import { PROCESS_TEST_TIMEOUT_MS, START_HOOK_TIMEOUT_MS } from '../helpers/timeouts';

// `npm run deploy` refuses a second buying stage of one Alibaba account before anything is built, reading the
// region's stacks over the wire (DescribeStacks) from a loopback CloudFormation stand-in. Every stage defaults to
// dryRun=false and the same secret: `--stage test` beside `prod` bought the same renewals with a second ledger
// (review 2026-12-05, round 4, helper D). A spawned process: the stand-in answers from this one (so no spawnSync).
jest.setTimeout(PROCESS_TEST_TIMEOUT_MS);

const ROOT = resolve(__dirname, '..', '..');

let cfn: FakeCloudFormation;

beforeAll(async () => {
  const stacks: StackSummary[] = [
    {
      name: 'aliyun-domain-autorenew-prod',
      status: 'UPDATE_COMPLETE',
      outputs: { [OUTPUT.alibabaAccount]: 'secret:aliyun-domain-autorenew/alibaba', [OUTPUT.dryRun]: 'false' },
    },
    {
      name: 'aliyun-domain-autorenew-shops',
      status: 'UPDATE_COMPLETE',
      outputs: { [OUTPUT.alibabaAccount]: 'secret:shop/cn,secret:shop/intl', [OUTPUT.dryRun]: 'false' },
    },
    {
      // Labelled with its account UID, on a secret of its own.
      name: 'aliyun-domain-autorenew-team',
      status: 'UPDATE_COMPLETE',
      outputs: { [OUTPUT.alibabaAccount]: '999000999', [OUTPUT.secretName]: 'team/alibaba', [OUTPUT.dryRun]: 'false' },
    },
  ];
  cfn = await startFakeCloudFormation(stacks);
}, START_HOOK_TIMEOUT_MS);

afterAll(() => cfn?.stop());

function env(cloudformation = cfn.endpoint): NodeJS.ProcessEnv {
  // No credentials setting of this machine reaches the child: only the keys below (see credentialsMismatch).
  const own = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^AWS_/.test(k)));
  return {
    ...own,
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    AWS_MAX_ATTEMPTS: '1',
    AWS_REGION: 'us-east-1',
    AWS_ENDPOINT_URL_CLOUDFORMATION: cloudformation,
  };
}

function node(
  args: string[],
  cloudformation?: string,
  extra: Record<string, string> = {},
): Promise<{ code: number; out: string }> {
  return new Promise((done) => {
    execFile(
      process.execPath,
      args,
      { cwd: ROOT, env: { ...env(cloudformation), ...extra } },
      (err, stdout, stderr) => {
        done({ code: err ? Number(err.code ?? 1) : 0, out: `${stdout}${stderr}` });
      },
    );
  });
}

/** The deploy's account check alone (scripts/pipeline.mjs), for the cases that pass: deploying would follow. */
function checkOnly(intended: object, args: string[] = [], extra: Record<string, string> = {}) {
  const script = `import { checkAccountBeforeDeploy } from './scripts/pipeline.mjs';
await checkAccountBeforeDeploy(${JSON.stringify(intended)}, ${JSON.stringify(args)});`;
  return node(['--input-type=module', '-e', script], undefined, extra);
}

const errorLines = (out: string) => out.split('\n').filter((l) => l.startsWith('error: '));

describe('npm run deploy: one buying stage per Alibaba account', () => {
  it('a second stage on the default secret: exit 1, one error naming prod, nothing built', async () => {
    const before = cfn.requests.length;
    const run = await node(['scripts/deploy.mjs', '--stage', 'test']);
    expect(run.code).toBe(1);
    expect(errorLines(run.out)).toEqual([
      expect.stringContaining(
        'error: stage "test" would buy for secret:aliyun-domain-autorenew/alibaba while aliyun-domain-autorenew-prod also buy(s) for secret:aliyun-domain-autorenew/alibaba',
      ),
    ]);
    expect(run.out).toContain('> check the Alibaba account is not bought for by another stack');
    expect(run.out).not.toContain('> build handlers');
    expect(run.out).not.toContain('> osls deploy');
    // Read-only: DescribeStacks, one call per page (two stacks a page here).
    expect(cfn.requests.slice(before)).toEqual(['DescribeStacks', 'DescribeStacks']);
  });

  it('several accounts: one of them bought for by another stack is refused too', async () => {
    const accounts = '[{"name": "", "secretId": "own/cn"}, {"name": "shop", "site": "intl", "secretId": "shop/intl"}]';
    const run = await node(['scripts/deploy.mjs', '--stage', 'multi', `--param=accounts=${accounts}`]);
    expect(run.code).toBe(1);
    expect(errorLines(run.out)).toEqual([
      expect.stringContaining(
        'error: stage "multi" would buy for secret:own/cn,secret:shop/intl while aliyun-domain-autorenew-shops also buy(s)',
      ),
    ]);
    expect(run.out).not.toContain('> build handlers');
  });

  it('a stage on the secret of a stack labelled with its UID: refused (one secret, one key)', async () => {
    const run = await node(['scripts/deploy.mjs', '--stage', 'try2', '--param=secretName=team/alibaba']);
    expect(run.code).toBe(1);
    expect(errorLines(run.out)).toEqual([
      expect.stringContaining(
        'error: stage "try2" would buy for secret:team/alibaba while aliyun-domain-autorenew-team',
      ),
    ]);
    expect(run.out).not.toContain('> build handlers');
  });

  it('a stack list that cannot be read refuses the deploy', async () => {
    const run = await node(['scripts/deploy.mjs', '--stage', 'test'], 'http://127.0.0.1:9');
    expect(run.code).toBe(1);
    expect(errorLines(run.out)).toEqual([
      expect.stringContaining('error: cannot check which other stacks buy for the same Alibaba account: '),
    ]);
    expect(run.out).not.toContain('> build handlers');
  });

  test.each([
    ['a dry-run stage', { dryRun: true, alibabaAccount: 'secret:aliyun-domain-autorenew/alibaba' }, 'dry run: '],
    ['another account', { dryRun: false, alibabaAccount: '1234567890123456' }, 'no other stack in this region'],
    [
      'prod itself, deployed again',
      { stage: 'prod', dryRun: false, alibabaAccount: 'secret:aliyun-domain-autorenew/alibaba' },
      'no other stack',
    ],
  ])('%s passes the check (and the deploy would go on)', async (_label, over, said) => {
    const run = await checkOnly({ stage: 'test', region: 'us-east-1', ...over });
    expect(run.code).toBe(0);
    expect(run.out).toContain(said);
  });

  // osls and the AWS SDK choose credentials differently: the check must list the stacks of the AWS account osls
  // deploys to (review 2026-12-05, round 4, helper G: `--aws-profile` deployed beside another account's buyer).
  test.each([
    ['--aws-profile', ['--aws-profile', 'prodacct'], {}, '--aws-profile is not taken here'],
    ['a stage profile', [], { AWS_TRY3_PROFILE: 'prodacct' }, 'AWS_TRY3_PROFILE is set (osls would deploy with it)'],
    ['a profile beside keys', [], { AWS_PROFILE: 'prodacct' }, 'AWS_PROFILE and AWS_ACCESS_KEY_ID are both set'],
  ])('%s: refused before the stacks are read', async (_label, args, extra, said) => {
    const before = cfn.requests.length;
    const run = await checkOnly(
      { stage: 'try3', region: 'us-east-1', dryRun: false, alibabaAccount: '42' },
      args,
      extra as Record<string, string>,
    );
    expect(run.code).toBe(1);
    expect(run.out).toContain(said);
    expect(run.out).toContain('give the deploy credentials as AWS_PROFILE alone');
    expect(cfn.requests.length).toBe(before);
  });

  it('--allow-shared-account skips it, and says so', async () => {
    const before = cfn.requests.length;
    const run = await checkOnly(
      { stage: 'test', region: 'us-east-1', dryRun: false, alibabaAccount: 'secret:aliyun-domain-autorenew/alibaba' },
      ['--allow-shared-account'],
    );
    expect(run.code).toBe(0);
    expect(run.out).toContain(
      'skipped (--allow-shared-account): secret:aliyun-domain-autorenew/alibaba may be bought for by another stack too',
    );
    expect(cfn.requests.length).toBe(before);
  });
});
