import { redact } from '../redact';

/** Longest text kept on a ledger record or a notice line, characters. */
export const MAX_STORED_TEXT = 300;

/**
 * Makes untrusted text (registrar FailReason/ErrorMsg, error messages) safe to store and show: registered secrets
 * masked, control characters removed, bounded to `max` characters.
 */
export function boundText(text: string, max = MAX_STORED_TEXT): string {
  const clean = redact(text)
    // biome-ignore lint/suspicious/noControlCharactersInRegex: stripping control characters is the point
    .replace(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]+/g, ' ')
    .trim();
  return clean.length > max ? `${clean.slice(0, max - 3)}...` : clean;
}
