/**
 * Last line of defence against leaking credentials: every secret value loaded is registered here, and every log line,
 * error text and notification passes through `redact` before it leaves the process.
 */
const secrets = new Set<string>();

/** Remember a credential value (AccessKeyId, secret, token) so it is masked wherever it would be printed. */
export function registerSecret(value: string | undefined): void {
  if (!value || value.length < 4) return;
  secrets.add(value);
  // Its URL-encoded forms too, once and twice: a string to sign echoed back quotes a token percent-encoded twice
  // (review 2026-12-07, thirtieth session: a part of an STS token survived in a signature error).
  let once: string;
  try {
    once = encodeURIComponent(value);
  } catch {
    return; // a lone surrogate has no URL-encoded form: the value itself is registered
  }
  if (once !== value) secrets.add(once).add(encodeURIComponent(once));
}

/**
 * Anything shaped like an AccessKeyId, registered or not: Alibaba (`LTAI…`, `STS.…`) and AWS (`AKIA…`, `ASIA…`,
 * `AROA…`, `AIDA…`). SDK and registrar messages may echo one that was never loaded here, also after `_` or
 * URL-encoded after any character (`%3D`, `%22`, `%253D`), where no word boundary precedes it.
 */
const ACCESS_KEY_ID =
  /(?:(?<![A-Za-z0-9])|(?<=%[0-9A-Fa-f]{2})|(?<=%25[0-9A-Fa-f]{2}))(?:LTAI|AKIA|ASIA|AROA|AIDA|STS\.)[A-Za-z0-9]{12,}\b/g;

/**
 * An AWS session token quoted in a signed request echoed back (`x-amz-security-token:<token>` in a canonical request,
 * `X-Amz-Security-Token=<token>` in a query): SNS's SignatureDoesNotMatch quotes it, and the CLI's SDK credentials
 * are not registered here (review 2026-12-07, thirtieth session: the operator's session token in the CLI's output).
 * Also quoted, as headers printed as JSON are (`"x-amz-security-token": "<token>"`).
 */
const SESSION_TOKEN = /(x-amz-security-token["']?\s*[:=]\s*["']?)[^\s&"',;]+/gi;

/** Replace every registered secret, and anything shaped like an AccessKeyId or a quoted session token, with `***`. */
export function redact(text: string): string {
  let out = text;
  for (const s of secrets) if (out.includes(s)) out = out.split(s).join('***');
  return out.replace(ACCESS_KEY_ID, '***').replace(SESSION_TOKEN, '$1***');
}
