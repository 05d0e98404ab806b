import { sendAmzJson, startStandin } from './aws-standin';

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
  const server = await startStandin(({ headers, body }, res) => {
    const target = String(headers['x-amz-target'] ?? '');
    if (target !== 'secretsmanager.GetSecretValue') {
      return sendAmzJson(res, 400, { __type: 'UnknownOperationException', message: target });
    }
    const { SecretId } = JSON.parse(body || '{}') as { SecretId?: string };
    requests.push(String(SecretId));
    const value = SecretId ? secrets.get(SecretId) : undefined;
    if (value === undefined) {
      return sendAmzJson(res, 400, {
        __type: 'ResourceNotFoundException',
        message: "Secrets Manager can't find the specified secret.",
      });
    }
    return sendAmzJson(res, 200, {
      ARN: `arn:aws:secretsmanager:us-east-1:000000000000:secret:${SecretId}-AbCdEf`,
      Name: SecretId,
      SecretString: value,
      CreatedDate: 1_700_000_000,
    });
  });
  return { ...server, secrets, requests };
}
