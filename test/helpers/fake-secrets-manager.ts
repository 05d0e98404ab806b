import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A loopback stand-in for Secrets Manager's GetSecretValue (no emulator exists on npm or apt). It speaks the wire
 * format the AWS SDK v3 uses: `POST /`, `X-Amz-Target: secretsmanager.GetSecretValue`, JSON 1.1 bodies, and
 * `400 {"__type": "ResourceNotFoundException"}` for unknown ids.
 */
export interface FakeSecretsManager {
  endpoint: string;
  secrets: Map<string, string>;
  requests: string[];
  stop(): Promise<void>;
}

export async function startFakeSecretsManager(initial: Record<string, string> = {}): Promise<FakeSecretsManager> {
  const secrets = new Map(Object.entries(initial));
  const requests: string[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => {
      body += c.toString('utf8');
    });
    req.on('end', () => {
      const target = String(req.headers['x-amz-target'] ?? '');
      const send = (status: number, payload: unknown) => {
        res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1' });
        res.end(JSON.stringify(payload));
      };
      if (target !== 'secretsmanager.GetSecretValue')
        return send(400, { __type: 'UnknownOperationException', message: target });
      const { SecretId } = JSON.parse(body || '{}') as { SecretId?: string };
      requests.push(String(SecretId));
      const value = SecretId ? secrets.get(SecretId) : undefined;
      if (value === undefined) {
        return send(400, {
          __type: 'ResourceNotFoundException',
          message: "Secrets Manager can't find the specified secret.",
        });
      }
      return send(200, {
        ARN: `arn:aws:secretsmanager:us-east-1:000000000000:secret:${SecretId}-AbCdEf`,
        Name: SecretId,
        SecretString: value,
        CreatedDate: 1_700_000_000,
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    secrets,
    requests,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
