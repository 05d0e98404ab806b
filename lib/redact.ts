/**
 * Last line of defence against leaking credentials: every secret value loaded is registered here, and every log line,
 * error text and notification passes through `redact` before it leaves the process.
 */
const secrets = new Set<string>();

/** Remember a credential value (AccessKeyId, secret, token) so it is masked wherever it would be printed. */
export function registerSecret(value: string | undefined): void {
  if (value && value.length >= 4) secrets.add(value);
}

/** Replace every registered secret in `text` with `***`. */
export function redact(text: string): string {
  let out = text;
  for (const s of secrets) if (out.includes(s)) out = out.split(s).join('***');
  return out;
}
