import { checkDeployAccount, type IntendedStage, readDeployAccount } from '../../lib/deployment/deploy-account';
import { OUTPUT, type StackSummary } from '../../lib/deployment/stack';
import { DeploymentReadError, InputError } from '../../lib/errors';

// `npm run deploy` refuses a buying stage while another stack of the region buys for the same Alibaba account:
// every stage defaults to dryRun=false and the same secret, so `--stage test` beside `prod` was a second buyer with
// its own ledger (review 2026-12-05, round 4, helper D). Pure: the stacks are literal DescribeStacks summaries.

const SHARED = 'secret:aliyun-domain-autorenew/alibaba';

const stack = (stage: string, outputs: Record<string, string>, status = 'UPDATE_COMPLETE'): StackSummary => ({
  name: `aliyun-domain-autorenew-${stage}`,
  status,
  outputs,
});
const buying = (stage: string, account = SHARED) =>
  stack(stage, { [OUTPUT.alibabaAccount]: account, [OUTPUT.dryRun]: 'false' });
const intended = (over: Partial<IntendedStage> = {}): IntendedStage => ({
  stage: 'test',
  region: 'us-east-1',
  alibabaAccount: SHARED,
  dryRun: false,
  ...over,
});

describe('checkDeployAccount: refused', () => {
  test.each<[string, IntendedStage, StackSummary[], string]>([
    ['prod buys on the same default secret', intended(), [buying('prod')], 'aliyun-domain-autorenew-prod'],
    [
      'one entry of a several-account stack is ours',
      intended({ alibabaAccount: '1111,2222' }),
      [buying('prod', '3333,2222')],
      'aliyun-domain-autorenew-prod',
    ],
    [
      'an older stack (no AlibabaAccount output) reads the same secret',
      intended(),
      [stack('old', { [OUTPUT.secretName]: 'aliyun-domain-autorenew/alibaba' })],
      'aliyun-domain-autorenew-old',
    ],
    [
      // Labelled differently (prod by its UID, test by default), one secret, one key: review round 4, helper G.
      'prod labelled with its UID on the secret this stage uses',
      intended({ secretName: 'aliyun-domain-autorenew/alibaba' }),
      [
        stack('prod', {
          [OUTPUT.alibabaAccount]: '1234567890123456',
          [OUTPUT.secretName]: 'aliyun-domain-autorenew/alibaba',
          [OUTPUT.dryRun]: 'false',
        }),
      ],
      'aliyun-domain-autorenew-prod',
    ],
    [
      'a several-account stack holding one of its accounts on this stage secret',
      intended({ alibabaAccount: '1111', secretName: 'shop/cn' }),
      [
        stack('shops', {
          [OUTPUT.alibabaAccount]: '2222,3333',
          [OUTPUT.accounts]: JSON.stringify([
            { name: 'cn', secretId: 'shop/cn' },
            { name: 'intl', secretId: 'shop/intl' },
          ]),
        }),
      ],
      'aliyun-domain-autorenew-shops',
    ],
    [
      'a stack being updated still buys',
      intended({ alibabaAccount: '1234' }),
      [stack('prod', { [OUTPUT.alibabaAccount]: '1234' }, 'UPDATE_IN_PROGRESS')],
      'aliyun-domain-autorenew-prod',
    ],
  ])('%s', (_label, stage, all, named) => {
    let thrown: unknown;
    try {
      checkDeployAccount(stage, all);
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(InputError);
    const message = (thrown as Error).message;
    expect(message).toContain(`stage "${stage.stage}" would buy for ${stage.alibabaAccount} while ${named}`);
    expect(message).toContain('--param="dryRun=true"');
    expect(message).toContain('--allow-shared-account');
  });
});

describe('checkDeployAccount: allowed', () => {
  test.each<[string, IntendedStage, StackSummary[], string]>([
    ['no other stack', intended(), [], 'no other stack in this region serves it'],
    [
      'the other stack is a dry run',
      intended(),
      [stack('try', { [OUTPUT.alibabaAccount]: SHARED, [OUTPUT.dryRun]: 'true' })],
      'at most one of them buys',
    ],
    ['this stage is deployed as a dry run', intended({ dryRun: true }), [buying('prod')], 'at most one of them buys'],
    // Redeploying prod itself: its own stack is not another buyer.
    ['the stage own stack', intended({ stage: 'prod' }), [buying('prod')], 'no other stack in this region serves it'],
    ['another account', intended({ alibabaAccount: '1234' }), [buying('prod', '5678')], 'no other stack'],
    [
      'another account on another secret',
      intended({ alibabaAccount: '1234', secretName: 'team-a/alibaba' }),
      [stack('prod', { [OUTPUT.alibabaAccount]: '5678', [OUTPUT.secretName]: 'team-b/alibaba' })],
      'no other stack',
    ],
    ['an unrelated stack', intended(), [{ name: 'web-app', status: 'CREATE_COMPLETE', outputs: {} }], 'no other stack'],
  ])('%s', (_label, stage, all, said) => {
    expect(checkDeployAccount(stage, all)).toContain(said);
  });
});

describe('readDeployAccount', () => {
  it('a stack list that cannot be read refuses the deploy (nobody else buying is not assumed)', async () => {
    const reader = {
      listStacks: async () => {
        throw new DeploymentReadError('cannot list CloudFormation stacks: ExpiredToken');
      },
    };
    await expect(readDeployAccount(intended(), reader)).rejects.toThrow(
      'cannot check which other stacks buy for the same Alibaba account: cannot list CloudFormation stacks: ExpiredToken',
    );
  });
});
