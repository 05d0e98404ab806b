/**
 * Text from outside (registrar domain names and messages, ledger fields, error texts) is printed by the CLI only
 * through here, so it can neither drive the terminal (ANSI/OSC escapes, C1 CSI U+009B), reorder or hide what is shown
 * (bidi overrides, zero-width characters) nor forge extra output lines (newlines, U+2028/U+2029).
 */

// Controls (C0, C1, DEL), format characters (bidi overrides and isolates, zero-width, soft hyphen, BOM) and line or
// paragraph separators: the same classes lib/notify/text/sanitize.ts removes from notifications.
const UNSAFE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/gu;
const UNSAFE_BUT_NEWLINE =
  /(?!\n)[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/gu;

/** What stands in for a removed character: visible, one column wide, plain ASCII. */
export const REPLACEMENT = '?';

/** One printable line: every unsafe character, newlines included, becomes '?'. */
export function terminalLine(value: unknown): string {
  return String(value ?? '').replace(UNSAFE, REPLACEMENT);
}

/**
 * A block the CLI itself laid out in lines (usage, JSON, digests): its own '\n' stay, every other unsafe character
 * becomes '?'. The last line of defence in runCli; fields are made single lines with terminalLine before that.
 */
export function terminalText(value: unknown): string {
  return String(value ?? '').replace(UNSAFE_BUT_NEWLINE, REPLACEMENT);
}

/** Every string in a plain value (arrays, plain objects) through terminalLine; other values unchanged. */
export function terminalDeep<T>(value: T): T {
  if (typeof value === 'string') return terminalLine(value) as T;
  if (Array.isArray(value)) return value.map((v) => terminalDeep(v)) as T;
  if (value && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, terminalDeep(v)])) as T;
  }
  return value;
}

/**
 * JSON for stdout with the data intact: unsafe characters JSON.stringify leaves raw (C1, bidi, zero-width, U+2028/9)
 * are written as \uXXXX escapes, so a consumer parses exactly the stored text and a terminal shows none of it.
 */
export function terminalJson(value: unknown, indent = 2): string {
  return JSON.stringify(value, null, indent).replace(
    UNSAFE_BUT_NEWLINE,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}
