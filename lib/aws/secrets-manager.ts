import { type AwsClientConfig, createAwsClient, invalidResponse, readJsonAnswer } from './client';

/** Reads a secret's SecretString (undefined for a binary secret); a refusal is an AwsServiceError by its AWS name. */
export type SecretReader = (secretId: string) => Promise<string | undefined>;

/**
 * GetSecretValue over the project's own HTTP client (JSON protocol 1.1, signed and retried by client.ts), for the
 * deployed functions: no Secrets Manager SDK is loaded. Endpoint from AWS_ENDPOINT_URL_SECRETS_MANAGER when set.
 */
export function createHttpSecretReader(config: AwsClientConfig = {}): SecretReader & { destroy(): void } {
  const client = createAwsClient(
    { signingName: 'secretsmanager', envName: 'SECRETS_MANAGER', purpose: 'Secrets Manager', maxAnswerBytes: 1 << 20 },
    config,
  );
  const headers = { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'secretsmanager.GetSecretValue' };
  const read = async (secretId: string) =>
    client.send(headers, JSON.stringify({ SecretId: secretId }), (answer) => {
      const value = readJsonAnswer('Secrets Manager', answer).SecretString;
      if (value !== undefined && typeof value !== 'string') {
        throw invalidResponse('Secrets Manager answered a SecretString that is not a string');
      }
      return value;
    });
  return Object.assign(read, { destroy: () => client.destroy() });
}
