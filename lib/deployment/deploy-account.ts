import { DeploymentReadError, InputError } from '../errors';
import { redact } from '../redact';
import { cloudFormationStackReader } from './cloudformation';
import { type StackReader, type StackSummary, stackNameFor } from './stack';
import { sameAccountCheck } from './stage-checks';

/** What a deployment about to run will record as its stack outputs, as far as the account check needs it. */
export interface IntendedStage {
  stage: string;
  /** The AWS region it deploys to: the stacks of that region are compared. */
  region: string;
  /** The `AlibabaAccount` output it will record: a label, `secret:<name>`, or a comma list (several accounts). */
  alibabaAccount: string;
  /** `dryRun` as deployed: a dry-run stage never buys, so it can share an account with anyone. */
  dryRun: boolean;
  /** The `SecretName` output it will record (one account), or the `Accounts` output (JSON, several). */
  secretName?: string;
  accounts?: string;
}

/**
 * The line `npm run deploy` prints before building when no other stack of `all` buys for the intended stage's Alibaba
 * account (or the intended stage does not buy). Throws InputError naming the other buying stacks otherwise: each
 * stack has its own ledger, so two buying stages of one account could each buy the same renewal (M1). The stage's
 * own stack is never counted against it.
 */
export function checkDeployAccount(intended: IntendedStage, all: readonly StackSummary[]): string {
  const check = sameAccountCheck(
    {
      stackName: stackNameFor(intended.stage),
      status: 'to deploy',
      alibabaAccount: intended.alibabaAccount,
      dryRun: String(intended.dryRun),
      ...(intended.secretName ? { secretName: intended.secretName } : {}),
      ...(intended.accounts ? { accounts: intended.accounts } : {}),
    },
    all,
  );
  if (check.status === 'ok') return check.detail;
  throw new InputError(
    `stage "${intended.stage}" would buy for ${intended.alibabaAccount} while ${check.detail}. Deploy this stage with --param="dryRun=true", or remove or dry-run the other stack first (docs/deploy.md, "Two stacks, one Alibaba account"); pass --allow-shared-account only if the two policies renew disjoint domains`,
  );
}

/**
 * Lists the region's stacks with `reader` and runs {@link checkDeployAccount}. A failed listing is an error too:
 * a deployment that cannot describe stacks cannot deploy one either, and guessing "nobody else buys" is not safe.
 */
export async function readDeployAccount(
  intended: IntendedStage,
  reader: StackReader = cloudFormationStackReader({ region: intended.region }),
): Promise<string> {
  let all: StackSummary[];
  try {
    all = await reader.listStacks();
  } catch (err) {
    const said = redact(err instanceof Error ? err.message : String(err));
    throw new DeploymentReadError(
      `cannot check which other stacks buy for the same Alibaba account: ${said}`,
      { action: 'DescribeStacks' },
      { cause: err },
    );
  }
  return checkDeployAccount(intended, all);
}

// scripts/pipeline.mjs loads this module in its own bundle: it tells these errors from a bug by this class.
export { AutorenewError } from '../errors';
