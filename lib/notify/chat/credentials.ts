import { isPassingAwsFailure } from '../../aws/client';
import { isSandboxEndpoint } from '../../config';
import { SecretError, SecretUnreadableError } from '../../errors';
import { targetEnvStem } from '../../policy/schema';
import { registerSecret } from '../../redact';
import { type SecretSource, secretReaderOf } from '../../secrets';
import { sanitizeLine } from '../text/sanitize';
import type { TargetCredentials } from './formats';

/**
 * Where a chat target's URL and signing secret come from. A webhook URL carries its access token, so it is
 * a credential: never in the policy, never in logs (every value is registered with the redactor when read).
 */
export interface TargetCredentialSource {
  /** The target's URL and secret; throws SecretError (naming the variable or field, never a value) when missing. */
  get(name: string): Promise<TargetCredentials>;
}

/** A query parameter that names a credential (DingTalk's `access_token`, WeCom's `key`, `sig`, `secret`, ...). */
const CREDENTIAL_PARAM = /token|key|secret|sig|auth|pass|cred|code/i;

/**
 * Whether a URL query value may be a credential, to mask wherever it would be printed. Not a flag or a short number
 * (`wait=true`, `thread_id=1234`: review 2026-12-07, "true" masked in every later text, a digest's `"urgent":true` made
 * invalid JSON and the urgent digest lost): a value under a credential's name, or one long enough, with letters and
 * digits, to be a token.
 */
function isCredentialLike(name: string, value: string): boolean {
  if (/^(?:true|false|null|yes|no|on|off)$/i.test(value) || /^\d{1,12}$/.test(value)) return false;
  if (CREDENTIAL_PARAM.test(name)) return true;
  return value.length >= 16 || (value.length >= 8 && /[A-Za-z]/.test(value) && /\d/.test(value));
}

/**
 * Registers the URL, its credential-like query values and path parts with the redactor: any may be the token. Not the
 * host's labels (a token there is kept out of the one text that quotes the host: send.ts): registered, they masked the
 * person's own domain names and AWS regions in every later text (review 2026-12-07, thirty-first session).
 */
function remember(credentials: TargetCredentials): TargetCredentials {
  registerSecret(credentials.url);
  registerSecret(credentials.secret);
  try {
    const url = new URL(credentials.url);
    for (const [name, value] of url.searchParams) if (isCredentialLike(name, value)) registerSecret(value);
    // Path parts by the query values' rule: a 12-character token in the path was never registered (review 2026-12-07).
    for (const part of url.pathname.split('/')) if (part !== '' && isCredentialLike('', part)) registerSecret(part);
  } catch {
    // checked in checkTargetUrl
  }
  return credentials;
}

/** A target URL must be https (http only to a loopback stand-in), with no user or password in it. */
export function checkTargetUrl(url: string, where: string): void {
  let parsed: URL | undefined;
  try {
    parsed = new URL(url);
  } catch {
    parsed = undefined;
  }
  const ok =
    parsed !== undefined &&
    parsed.username === '' &&
    parsed.password === '' &&
    (parsed.protocol === 'https:' || (parsed.protocol === 'http:' && isSandboxEndpoint(url)));
  if (!ok) throw new SecretError(`${where} is not an https:// URL (without user or password)`, { path: where });
}

/** Local runs: AUTORENEW_TARGET_<NAME>_URL and optional AUTORENEW_TARGET_<NAME>_SECRET. */
export function createEnvTargetCredentials(env: Readonly<Record<string, string | undefined>>): TargetCredentialSource {
  return {
    async get(name) {
      const stem = targetEnvStem(name);
      const url = env[`${stem}_URL`]?.trim();
      if (!url) throw new SecretError(`target "${name}" has no URL: set ${stem}_URL`, { path: `${stem}_URL` });
      checkTargetUrl(url, `${stem}_URL`);
      const secret = env[`${stem}_SECRET`]?.trim();
      return remember({ url, ...(secret ? { secret } : {}) });
    },
  };
}

/**
 * Parses the `notifyTargets` field of a Secrets Manager secret's JSON:
 * `{"notifyTargets": {"ops-dingtalk": {"url": "https://...", "secret": "SEC..."}}}`. Errors name fields only.
 */
export function parseTargetSecret(text: string | undefined, secretName: string): Record<string, TargetCredentials> {
  const out: Record<string, TargetCredentials> = {};
  for (const [name, entry] of Object.entries(parseTargetEntries(text, secretName))) {
    if (entry instanceof SecretError) throw entry;
    out[name] = entry;
  }
  return out;
}

/**
 * Like {@link parseTargetSecret}, each entry on its own: a bad one is its error, kept for that target only. One entry
 * being prepared for a new robot (a placeholder URL) made every target give up on every digest (review 2026-12-07:
 * "targets are independent" did not hold in AWS). The secret as a whole (not JSON, not an object) still throws.
 */
export function parseTargetEntries(
  text: string | undefined,
  secretName: string,
): Record<string, TargetCredentials | SecretError> {
  let data: unknown;
  try {
    data = JSON.parse(text ?? '');
  } catch {
    throw new SecretError(`secret ${secretName} is not valid JSON`);
  }
  const field = (data as { notifyTargets?: unknown } | null)?.notifyTargets;
  if (field === undefined) return {};
  if (typeof field !== 'object' || field === null || Array.isArray(field)) {
    throw new SecretError(`secret ${secretName} field "notifyTargets" must be an object of target names`, {
      path: 'notifyTargets',
    });
  }
  const out: Record<string, TargetCredentials | SecretError> = {};
  for (const [name, value] of Object.entries(field as Record<string, unknown>)) {
    try {
      out[name] = parseTargetEntry(name, value, secretName);
    } catch (err) {
      if (!(err instanceof SecretError)) throw err;
      out[name] = err;
    }
  }
  return out;
}

/** One `notifyTargets` entry: its URL (checked) and signing secret; throws SecretError naming the field. */
function parseTargetEntry(name: string, value: unknown, secretName: string): TargetCredentials {
  const where = `secret ${secretName} field "notifyTargets.${name}"`;
  const entry = value as { url?: unknown; secret?: unknown } | null;
  if (typeof entry !== 'object' || entry === null || typeof entry.url !== 'string' || entry.url.trim() === '') {
    throw new SecretError(`${where} must be {"url": "https://...", "secret": "..."} (secret optional)`, {
      path: `notifyTargets.${name}`,
    });
  }
  if (entry.secret !== undefined && typeof entry.secret !== 'string') {
    throw new SecretError(`${where}.secret must be a string`, { path: `notifyTargets.${name}.secret` });
  }
  checkTargetUrl(entry.url.trim(), `${where}.url`);
  return remember({ url: entry.url.trim(), ...(entry.secret?.trim() ? { secret: entry.secret.trim() } : {}) });
}

/** AWS: the `notifyTargets` field of a Secrets Manager secret (read once per source, on the first `get`). */
export function createSecretsManagerTargetCredentials(
  options: SecretSource & { secretId: string },
): TargetCredentialSource {
  let loaded: Promise<Record<string, TargetCredentials | SecretError>> | undefined;
  const read = secretReaderOf(options);
  const load = async () => {
    try {
      return parseTargetEntries(await read(options.secretId), options.secretId);
    } catch (err) {
      if (err instanceof SecretError) throw err;
      const code = err instanceof Error ? err.name : 'Error';
      // The SDK's own words too (a read that failed carries no secret value; the redactor masks any key id).
      const said = err instanceof Error ? sanitizeLine(err.message, 200) : '';
      // A failure that may pass (throttling, 5xx, network) is retried next run; a refusal needs a person now.
      const Failure = isPassingAwsFailure(err) ? SecretUnreadableError : SecretError;
      throw new Failure(
        `cannot read secret ${options.secretId} for chat targets: ${code}${said && said !== code ? ` (${said})` : ''}; check the secret, the region (AWS_REGION) and the network`,
        { code },
        { cause: err },
      );
    }
  };
  return {
    async get(name) {
      loaded ??= load();
      let all: Record<string, TargetCredentials | SecretError>;
      try {
        all = await loaded;
      } catch (err) {
        loaded = undefined; // the next get tries again
        throw err;
      }
      const found = Object.entries(all).find(([key]) => key.toLowerCase() === name.toLowerCase())?.[1];
      if (!found) {
        throw new SecretError(
          `target "${name}" has no URL: add "notifyTargets": {"${name}": {"url": "https://..."}} to secret ${options.secretId}`,
          { path: `notifyTargets.${name}` },
        );
      }
      if (found instanceof SecretError) throw found;
      return found;
    },
  };
}
