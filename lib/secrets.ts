import { readFile } from 'node:fs/promises';
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { SecretReader } from './aws/secrets-manager';
import { SecretError } from './errors';
import { sanitizeLine } from './notify/text/sanitize';
import { registerSecret } from './redact';
import type { Credentials, CredentialsProvider } from './registrar/port';

/** What a caller does with the Alibaba key: `read` (list and query: check, plan) or `buy` (renew). */
export type AlibabaAccess = 'read' | 'buy';

/**
 * The Secrets Manager secret for `access`: readers take the read-only key when one is configured, otherwise the main
 * one (which can buy: `spends` says so, for a warning). Buyers always take the main one.
 */
export function selectSecretId(
  config: { secretId?: string | undefined; readOnlySecretId?: string | undefined },
  access: AlibabaAccess,
): { secretId: string | undefined; spends: boolean } {
  if (access === 'read' && config.readOnlySecretId) return { secretId: config.readOnlySecretId, spends: false };
  return { secretId: config.secretId, spends: config.secretId !== undefined };
}

/** Parses the secret's JSON `{"accessKeyId","accessKeySecret","securityToken"?}`; errors name the field, never values. */
export function parseCredentialsSecret(text: string | undefined, secretName: string): Credentials {
  const fix = `store JSON {"accessKeyId": "...", "accessKeySecret": "..."} in secret ${secretName}`;
  if (!text) throw new SecretError(`secret ${secretName} has no SecretString; ${fix}`);
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new SecretError(`secret ${secretName} is not valid JSON; ${fix}`);
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new SecretError(`secret ${secretName} is not a JSON object; ${fix}`);
  }
  const obj = data as Record<string, unknown>;
  for (const field of ['accessKeyId', 'accessKeySecret'] as const) {
    if (typeof obj[field] !== 'string' || (obj[field] as string).trim() === '') {
      throw new SecretError(`secret ${secretName} is missing field "${field}" (a non-empty string); ${fix}`, {
        path: field,
      });
    }
  }
  if (obj.securityToken !== undefined && typeof obj.securityToken !== 'string') {
    throw new SecretError(`secret ${secretName} field "securityToken" must be a string when present`, {
      path: 'securityToken',
    });
  }
  const creds: Credentials = {
    accessKeyId: (obj.accessKeyId as string).trim(),
    accessKeySecret: (obj.accessKeySecret as string).trim(),
    ...(typeof obj.securityToken === 'string' && obj.securityToken ? { securityToken: obj.securityToken } : {}),
  };
  registerSecret(creds.accessKeyId);
  registerSecret(creds.accessKeySecret);
  registerSecret(creds.securityToken);
  return creds;
}

/** Where a secret is read from: the functions' own HTTP client (`read`), or the AWS SDK's client. */
export interface SecretSource {
  /** GetSecretValue over lib/aws/secrets-manager.ts: what a deployed function passes (no SDK loaded). */
  read?: SecretReader;
  /** An SDK client to use (tests); without `read` or `client`, one is built at the first read (the CLI's). */
  client?: Pick<SecretsManagerClient, 'send'>;
}

/**
 * The SecretString reader of `source`: its `read`, else over the AWS SDK (its client, or one built at the first
 * read with the SDK's credential chain: profiles and SSO, as the CLI needs). A refusal keeps its AWS name.
 */
export function secretReaderOf(source: SecretSource): SecretReader {
  if (source.read) return source.read;
  let client = source.client;
  return async (secretId) => {
    const sdk = await import('@aws-sdk/client-secrets-manager');
    client ??= new sdk.SecretsManagerClient({});
    return (await client.send(new sdk.GetSecretValueCommand({ SecretId: secretId }))).SecretString;
  };
}

/**
 * Credentials from AWS Secrets Manager, cached per container for `maxAgeMs` (default 5 min, like the AWS extension),
 * refreshed on demand after an authentication error. Nothing is read or built before the first `get`.
 */
export function createSecretsManagerCredentials(
  options: SecretSource & {
    secretId: string;
    maxAgeMs?: number;
    now?: () => number;
  },
): CredentialsProvider {
  const maxAgeMs = options.maxAgeMs ?? 5 * 60_000;
  const now = options.now ?? Date.now;
  const read = secretReaderOf(options);
  let cached: { value: Credentials; at: number } | undefined;

  const fetchSecret = async (): Promise<Credentials> => {
    let text: string | undefined;
    try {
      text = await read(options.secretId);
    } catch (err) {
      const name = err instanceof Error ? err.name : 'Error';
      const hint =
        name === 'ResourceNotFoundException'
          ? 'create it or fix AUTORENEW_SECRET_ID'
          : name === 'AccessDeniedException'
            ? 'grant secretsmanager:GetSecretValue on it to the function role'
            : 'check the secret and the network';
      // The service's own words (a read that failed carries no secret value), on one bounded line.
      const said = err instanceof Error ? sanitizeLine(err.message, 200) : '';
      throw new SecretError(
        `cannot read secret ${options.secretId}: ${name}${said && said !== name ? ` (${said})` : ''}; ${hint}`,
        { code: name },
        { cause: err },
      );
    }
    const value = parseCredentialsSecret(text, options.secretId);
    cached = { value, at: now() };
    return value;
  };

  return {
    get: async () => (cached && now() - cached.at < maxAgeMs ? cached.value : fetchSecret()),
    refresh: fetchSecret,
  };
}

/** The environment variables a local run reads an Alibaba key from (an account's `accessKeyIdEnv` etc.). */
export interface KeyEnvNames {
  id: string;
  secret: string;
  token?: string;
}

const DEFAULT_KEY_ENV: KeyEnvNames = {
  id: 'ALIBABA_CLOUD_ACCESS_KEY_ID',
  secret: 'ALIBABA_CLOUD_ACCESS_KEY_SECRET',
  token: 'ALIBABA_CLOUD_SECURITY_TOKEN',
};

/**
 * Credentials from ALIBABA_CLOUD_ACCESS_KEY_ID / _SECRET / ALIBABA_CLOUD_SECURITY_TOKEN (local runs), or from the
 * variables an account names (`names`).
 */
export function createEnvCredentials(
  env: Readonly<Record<string, string | undefined>>,
  names: KeyEnvNames = DEFAULT_KEY_ENV,
): CredentialsProvider {
  const read = async (): Promise<Credentials> => {
    const id = env[names.id]?.trim();
    const secret = env[names.secret]?.trim();
    const missing = [!id && names.id, !secret && names.secret].filter(Boolean);
    if (missing.length > 0 || !id || !secret) {
      throw new SecretError(
        `no Alibaba credentials: ${missing.join(' and ')} not set; export them, or set ${names === DEFAULT_KEY_ENV ? 'AUTORENEW_SECRET_ID' : "the account's secretId"} to a Secrets Manager secret`,
      );
    }
    const token = names.token ? env[names.token]?.trim() : undefined;
    registerSecret(id);
    registerSecret(secret);
    registerSecret(token);
    return { accessKeyId: id, accessKeySecret: secret, ...(token ? { securityToken: token } : {}) };
  };
  return { get: read, refresh: read };
}

/** Where the Alibaba Cloud CLI keeps its profiles (`aliyun configure`), under the home directory. */
export const ALIYUN_CLI_CONFIG = '.aliyun/config.json';

/**
 * Credentials from a profile of the Alibaba Cloud CLI's config file (`{"profiles": [{"name", "mode",
 * "access_key_id", "access_key_secret", "sts_token"}]}`), for local runs: modes `AK` and `StsToken` only (the others
 * need a sign-in this tool does not do). Read at each `get`, so a refreshed file is picked up. Errors name the file,
 * the profile and the fix, never a value.
 */
export function createProfileCredentials(options: { name: string; file: string }): CredentialsProvider {
  const { name, file } = options;
  const read = async (): Promise<Credentials> => {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (err) {
      throw new SecretError(
        `cannot read the Alibaba Cloud CLI config ${file} (${(err as NodeJS.ErrnoException).code ?? 'error'}) for profile ${name}; run \`aliyun configure --profile ${name}\`, or give the account accessKeyIdEnv/accessKeySecretEnv`,
      );
    }
    let profiles: unknown;
    try {
      profiles = (JSON.parse(text) as { profiles?: unknown }).profiles;
    } catch {
      throw new SecretError(
        `the Alibaba Cloud CLI config ${file} is not valid JSON; repair it with \`aliyun configure\``,
      );
    }
    const list = Array.isArray(profiles) ? (profiles as Record<string, unknown>[]) : [];
    const found = list.find((p) => p && typeof p === 'object' && p.name === name);
    if (!found) {
      const names = list.map((p) => (typeof p?.name === 'string' ? sanitizeLine(p.name, 40) : '?')).join(', ');
      throw new SecretError(
        `${file} has no profile ${name}${names ? ` (it has ${names})` : ''}; run \`aliyun configure --profile ${name}\``,
      );
    }
    const mode = typeof found.mode === 'string' ? found.mode : 'AK';
    if (mode !== 'AK' && mode !== 'StsToken') {
      throw new SecretError(
        `profile ${name} in ${file} is of mode ${sanitizeLine(mode, 30)}; only AK and StsToken profiles hold a key this tool can use: give the account an AK profile or accessKeyIdEnv/accessKeySecretEnv`,
      );
    }
    const id = typeof found.access_key_id === 'string' ? found.access_key_id.trim() : '';
    const secret = typeof found.access_key_secret === 'string' ? found.access_key_secret.trim() : '';
    const token = typeof found.sts_token === 'string' ? found.sts_token.trim() : '';
    if (!id || !secret || (mode === 'StsToken' && !token)) {
      throw new SecretError(
        `profile ${name} in ${file} lacks ${!id ? 'access_key_id' : !secret ? 'access_key_secret' : 'sts_token'}; run \`aliyun configure --profile ${name}\``,
      );
    }
    registerSecret(id);
    registerSecret(secret);
    registerSecret(token || undefined);
    return { accessKeyId: id, accessKeySecret: secret, ...(token ? { securityToken: token } : {}) };
  };
  return { get: read, refresh: read };
}
