import type { CloudFormationClient, DescribeStacksCommandOutput } from '@aws-sdk/client-cloudformation';
import { DeploymentReadError } from '../errors';
import { sanitizeLine } from '../notify/text/sanitize';
import type { StackReader, StackSummary } from './stack';

/** At most this many DescribeStacks pages (100 stacks each): a bound, not a limit any real account reaches. */
const MAX_PAGES = 100;

/**
 * The StackReader over CloudFormation's DescribeStacks (read-only; IAM `cloudformation:DescribeStacks`). The SDK
 * client is built lazily with the default credential chain, in `region` (default: the SDK's, AWS_REGION), unless one
 * is injected; `AWS_ENDPOINT_URL_CLOUDFORMATION` overrides the endpoint.
 */
export function cloudFormationStackReader(
  options: { client?: Pick<CloudFormationClient, 'send'>; region?: string } = {},
): StackReader {
  let client = options.client;
  return {
    listStacks: async () => {
      const sdk = await import('@aws-sdk/client-cloudformation');
      client ??= new sdk.CloudFormationClient(options.region ? { region: options.region } : {});
      const stacks: StackSummary[] = [];
      let token: string | undefined;
      for (let page = 0; page < MAX_PAGES; page += 1) {
        let out: DescribeStacksCommandOutput;
        try {
          out = await client.send(new sdk.DescribeStacksCommand(token ? { NextToken: token } : {}));
        } catch (err) {
          const name = err instanceof Error ? err.name : 'Error';
          const said = err instanceof Error ? sanitizeLine(err.message, 200) : '';
          throw new DeploymentReadError(
            `cannot list CloudFormation stacks: ${name}${said && said !== name ? ` (${said})` : ''}; check the AWS credentials, AWS_REGION and cloudformation:DescribeStacks`,
            { code: name, action: 'DescribeStacks' },
            { cause: err },
          );
        }
        for (const s of out.Stacks ?? []) {
          const outputs: Record<string, string> = {};
          for (const o of s.Outputs ?? []) if (o.OutputKey) outputs[o.OutputKey] = o.OutputValue ?? '';
          stacks.push({ name: s.StackName ?? '', status: s.StackStatus ?? '', outputs });
        }
        token = out.NextToken;
        if (!token) return stacks;
      }
      throw new DeploymentReadError(`more than ${MAX_PAGES} pages of CloudFormation stacks; nothing was checked`, {
        action: 'DescribeStacks',
      });
    },
  };
}
