import { randomUUID } from 'node:crypto';
import { createServer, request as httpRequest, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One AWS request as the deployed code sent it: `dynamodb:Query`, `secretsmanager:GetSecretValue`, `sns:Publish`. */
export interface AwsCall {
  action: string;
  /** DynamoDB: TableName (or the tables of a BatchGetItem); Secrets Manager: SecretId; SNS: TopicArn. */
  resource: string;
  /** DynamoDB Query/Scan on an index: its name. */
  index?: string;
  /** DynamoDB Query: the string values of its key condition (the partition key it reads); BatchWriteItem: the pks. */
  keyValues?: string[];
}

/**
 * One loopback endpoint for every AWS service the handlers use (point AWS_ENDPOINT_URL_DYNAMODB,
 * AWS_ENDPOINT_URL_SECRETS_MANAGER and AWS_ENDPOINT_URL_SNS at `endpoint`). Every request is recorded, then:
 * DynamoDB requests are forwarded unchanged to `dynamodb` (dynalite), GetSecretValue is answered from `secrets`, SNS
 * Publish is acknowledged. Anything else is answered 400, so an unexpected call fails loudly and is recorded.
 */
export interface AwsRecorder {
  endpoint: string;
  calls: AwsCall[];
  secrets: Map<string, string>;
  stop(): Promise<void>;
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function dynamoCall(operation: string, body: Record<string, unknown>): AwsCall {
  const tables =
    typeof body.TableName === 'string'
      ? [body.TableName]
      : Object.keys((body.RequestItems as Record<string, unknown> | undefined) ?? {});
  const values = Object.values((body.ExpressionAttributeValues as Record<string, { S?: unknown }> | undefined) ?? {})
    .map((v) => v.S)
    .filter((v): v is string => typeof v === 'string');
  return {
    action: `dynamodb:${operation}`,
    resource: tables.sort().join(','),
    ...(typeof body.IndexName === 'string' ? { index: body.IndexName } : {}),
    ...(operation === 'Query' ? { keyValues: values } : {}),
    ...(operation === 'BatchWriteItem' ? { keyValues: batchWriteKeys(body) } : {}),
  };
}

/** The partition keys (pk) of a BatchWriteItem's puts and deletes. */
function batchWriteKeys(body: Record<string, unknown>): string[] {
  type Request = { PutRequest?: { Item?: { pk?: { S?: string } } }; DeleteRequest?: { Key?: { pk?: { S?: string } } } };
  const requests = Object.values((body.RequestItems as Record<string, Request[]> | undefined) ?? {}).flat();
  return requests.map((r) => r.PutRequest?.Item?.pk?.S ?? r.DeleteRequest?.Key?.pk?.S ?? '');
}

export async function startAwsRecorder(options: {
  dynamodb: string;
  secrets?: Record<string, string>;
}): Promise<AwsRecorder> {
  const calls: AwsCall[] = [];
  const secrets = new Map(Object.entries(options.secrets ?? {}));
  const target = new URL(options.dynamodb);
  const server: Server = createServer((req, res) => {
    void (async () => {
      const body = await readBody(req);
      const amzTarget = String(req.headers['x-amz-target'] ?? '');
      const json = (status: number, payload: unknown, type = 'application/x-amz-json-1.1') => {
        res.writeHead(status, { 'content-type': type });
        res.end(JSON.stringify(payload));
      };
      if (amzTarget.startsWith('DynamoDB_')) {
        calls.push(dynamoCall(amzTarget.split('.')[1] ?? '?', JSON.parse(body.toString('utf8') || '{}')));
        const upstream = httpRequest(
          { host: target.hostname, port: target.port, path: req.url, method: req.method, headers: req.headers },
          (up) => {
            res.writeHead(up.statusCode ?? 502, up.headers);
            up.pipe(res);
          },
        );
        upstream.on('error', (err) => json(502, { __type: 'ProxyError', message: err.message }));
        upstream.end(body);
        return;
      }
      if (amzTarget.startsWith('secretsmanager.')) {
        const { SecretId } = JSON.parse(body.toString('utf8') || '{}') as { SecretId?: string };
        calls.push({ action: `secretsmanager:${amzTarget.split('.')[1]}`, resource: String(SecretId) });
        const value = SecretId ? secrets.get(SecretId) : undefined;
        if (amzTarget !== 'secretsmanager.GetSecretValue' || value === undefined) {
          return json(400, { __type: 'ResourceNotFoundException', message: `no secret ${String(SecretId)}` });
        }
        return json(200, {
          ARN: `arn:aws:secretsmanager:us-east-1:000000000000:secret:${SecretId}-AbCdEf`,
          Name: SecretId,
          SecretString: value,
        });
      }
      // SNS speaks the query protocol: a form body with Action=...
      const form = new URLSearchParams(body.toString('utf8'));
      const action = form.get('Action');
      calls.push({ action: `sns:${action ?? '?'}`, resource: form.get('TopicArn') ?? '' });
      if (action !== 'Publish') {
        res.writeHead(400, { 'content-type': 'text/xml' });
        res.end('<ErrorResponse><Error><Code>InvalidAction</Code></Error></ErrorResponse>');
        return;
      }
      res.writeHead(200, { 'content-type': 'text/xml' });
      res.end(
        '<PublishResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><PublishResult>' +
          `<MessageId>${randomUUID()}</MessageId></PublishResult><ResponseMetadata><RequestId>${randomUUID()}` +
          '</RequestId></ResponseMetadata></PublishResponse>',
      );
    })().catch((err: Error) => {
      res.writeHead(500);
      res.end(err.message);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    calls,
    secrets,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
