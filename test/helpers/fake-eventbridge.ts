import { sendAmzJson, startStandin } from './aws-standin';

/**
 * A loopback stand-in for EventBridge's DescribeRule (no emulator exists on npm or apt), in the wire format the AWS
 * SDK v3 client uses (awsJson1_1): `POST /`, `X-Amz-Target: AWSEvents.DescribeRule`, body `{"Name": ...}`; an unknown
 * rule is `400 {"__type": "ResourceNotFoundException"}`. Point `AWS_ENDPOINT_URL_EVENTBRIDGE` at `endpoint`.
 */
export interface FakeEventBridge {
  endpoint: string;
  /** Rule name -> state (`ENABLED`, `DISABLED`) and schedule expression. */
  rules: Map<string, { state: string; schedule: string }>;
  requests: string[];
  stop(): Promise<void>;
}

export async function startFakeEventBridge(
  initial: Record<string, { state: string; schedule: string }> = {},
): Promise<FakeEventBridge> {
  const rules = new Map(Object.entries(initial));
  const requests: string[] = [];
  const server = await startStandin(({ headers, body }, res) => {
    const target = String(headers['x-amz-target'] ?? '');
    requests.push(target);
    if (target !== 'AWSEvents.DescribeRule') {
      return sendAmzJson(res, 400, { __type: 'UnknownOperationException', message: target });
    }
    const { Name } = JSON.parse(body || '{}') as { Name?: string };
    const rule = Name ? rules.get(Name) : undefined;
    if (!rule)
      return sendAmzJson(res, 400, { __type: 'ResourceNotFoundException', message: `Rule ${Name} does not exist.` });
    return sendAmzJson(res, 200, {
      Name,
      Arn: `arn:aws:events:us-east-1:000000000000:rule/${Name}`,
      State: rule.state,
      ScheduleExpression: rule.schedule,
      EventBusName: 'default',
    });
  });
  return { ...server, rules, requests };
}
