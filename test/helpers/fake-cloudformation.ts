import type { StackSummary } from '../../lib/deployment/stack';
import { startStandin } from './aws-standin';

/**
 * A loopback stand-in for CloudFormation's DescribeStacks (no emulator exists on npm or apt). It speaks the wire
 * format the AWS SDK v3 client uses (the awsQuery protocol): `POST /` with a form body
 * `Action=DescribeStacks&Version=2010-05-15[&NextToken=…]`, answered in XML, `pageSize` stacks a page. Point
 * `AWS_ENDPOINT_URL_CLOUDFORMATION` at `endpoint`. Any other action is answered with an XML error.
 */
export interface FakeCloudFormation {
  endpoint: string;
  stacks: StackSummary[];
  /** The Action of every request, in order. */
  requests: string[];
  stop(): Promise<void>;
}

const xml = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

function stackXml(s: StackSummary): string {
  const outputs = Object.entries(s.outputs)
    .map(([k, v]) => `<member><OutputKey>${xml(k)}</OutputKey><OutputValue>${xml(v)}</OutputValue></member>`)
    .join('');
  return `<member><StackName>${xml(s.name)}</StackName><StackId>arn:aws:cloudformation:us-east-1:000000000000:stack/${xml(s.name)}/0</StackId><CreationTime>2026-01-01T00:00:00.000Z</CreationTime><StackStatus>${xml(s.status)}</StackStatus><Outputs>${outputs}</Outputs></member>`;
}

export async function startFakeCloudFormation(stacks: StackSummary[], pageSize = 2): Promise<FakeCloudFormation> {
  const requests: string[] = [];
  const server = await startStandin(({ body }, res) => {
    const form = new URLSearchParams(body);
    const action = form.get('Action') ?? '';
    requests.push(action);
    res.setHeader('content-type', 'text/xml');
    if (action !== 'DescribeStacks') {
      res.statusCode = 400;
      res.end(
        `<ErrorResponse><Error><Type>Sender</Type><Code>InvalidAction</Code><Message>${xml(action)} is not served here</Message></Error><RequestId>fake</RequestId></ErrorResponse>`,
      );
      return;
    }
    const start = Number(form.get('NextToken') ?? '0');
    const page = stacks.slice(start, start + pageSize);
    const next = start + pageSize < stacks.length ? `<NextToken>${start + pageSize}</NextToken>` : '';
    res.end(
      `<DescribeStacksResponse xmlns="http://cloudformation.amazonaws.com/doc/2010-05-15/"><DescribeStacksResult><Stacks>${page.map(stackXml).join('')}</Stacks>${next}</DescribeStacksResult><ResponseMetadata><RequestId>fake</RequestId></ResponseMetadata></DescribeStacksResponse>`,
    );
  });
  return { ...server, stacks, requests };
}
