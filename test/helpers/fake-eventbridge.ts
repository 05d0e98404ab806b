import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

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
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => {
      body += c.toString('utf8');
    });
    req.on('end', () => {
      const target = String(req.headers['x-amz-target'] ?? '');
      requests.push(target);
      const send = (status: number, payload: unknown) => {
        res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1' });
        res.end(JSON.stringify(payload));
      };
      if (target !== 'AWSEvents.DescribeRule')
        return send(400, { __type: 'UnknownOperationException', message: target });
      const { Name } = JSON.parse(body || '{}') as { Name?: string };
      const rule = Name ? rules.get(Name) : undefined;
      if (!rule) return send(400, { __type: 'ResourceNotFoundException', message: `Rule ${Name} does not exist.` });
      return send(200, {
        Name,
        Arn: `arn:aws:events:us-east-1:000000000000:rule/${Name}`,
        State: rule.state,
        ScheduleExpression: rule.schedule,
        EventBusName: 'default',
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    rules,
    requests,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
