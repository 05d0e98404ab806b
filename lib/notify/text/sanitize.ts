import { redact } from '../../redact';

/**
 * Text that came from outside (registrar domain names and messages, error texts) goes through here before it
 * reaches a notification, so it can never forge lines, headers or hide text behind invisible characters.
 */

// Controls (C0, C1, DEL), format characters (soft hyphen, bidi overrides and isolates, zero-width, BOM,
// interlinear annotation) and line/paragraph separators.
const UNSAFE_CHARS = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
const ELLIPSIS = '...';

/**
 * One safe line of text: unsafe characters become spaces, whitespace runs collapse, the result is trimmed and cut
 * to at most `maxChars` code points (ending in '...' when cut). Anything not a string renders as ''. Redacted
 * first: a cut through a secret leaves a part the exits' own redaction no longer recognises.
 */
export function sanitizeLine(value: unknown, maxChars: number): string {
  if (typeof value !== 'string') return '';
  const clean = redact(value).replace(LONE_SURROGATE, '\ufffd').replace(UNSAFE_CHARS, ' ').replace(/\s+/g, ' ').trim();
  return truncateChars(clean, maxChars);
}

/** Cut `text` to at most `maxChars` code points, marking the cut with '...'. */
export function truncateChars(text: string, maxChars: number): string {
  const chars = Array.from(text);
  if (chars.length <= maxChars) return text;
  if (maxChars <= ELLIPSIS.length) return chars.slice(0, maxChars).join('');
  return `${chars
    .slice(0, maxChars - ELLIPSIS.length)
    .join('')
    .trimEnd()}${ELLIPSIS}`;
}

/** Printable ASCII only (for the email subject): a safe line with every other character replaced by '?'. */
export function toAsciiLine(value: unknown, maxChars: number): string {
  return truncateChars(sanitizeLine(value, Number.MAX_SAFE_INTEGER).replace(/[^\x20-\x7e]/gu, '?'), maxChars);
}

/** UTC calendar date `YYYY-MM-DD` of an epoch-ms instant, or '?' when it is not a valid time. */
export function formatDateUtc(ms: number | undefined): string {
  if (typeof ms !== 'number' || !Number.isFinite(ms)) return '?';
  const date = new Date(ms);
  return Number.isNaN(date.getTime()) ? '?' : date.toISOString().slice(0, 10);
}

/** UTC date and minute `YYYY-MM-DD HH:MM UTC` of an epoch-ms instant, or '?' when it is not a valid time. */
export function formatDateTimeUtc(ms: number): string {
  if (!Number.isFinite(ms)) return '?';
  const date = new Date(ms);
  return Number.isNaN(date.getTime()) ? '?' : `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}
