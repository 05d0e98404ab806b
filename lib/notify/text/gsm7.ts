import { domainToASCII } from 'node:url';
import { sanitizeLine } from './sanitize';

/**
 * GSM 03.38 (GSM-7) text for SMS. One SMS holds 160 septets (SMS_SEPTETS); a character of the extension table costs two
 * (escape + char). Any character outside both tables would switch the whole SMS to UCS-2 (70 characters), so we
 * never emit one: it is transliterated or replaced by '?'.
 */

/** Septets of one single-part GSM-7 SMS. */
export const SMS_SEPTETS = 160;

/**
 * What SNS puts before every SMS a topic sends: its display name, '>' and a space (AWS SNS guide, "Publishing SMS
 * messages to an Amazon SNS topic"). serverless.yml's AlertTopic DisplayName, checked by test/integration/deploy.
 */
export const SMS_TOPIC_PREFIX = 'Domain autorenew> ';

/**
 * Septets our SMS text may use to stay one SMS once SNS has put the topic's prefix before it: 142. A 160-septet
 * text became two SMS parts (twice the cost, and some phones show them apart).
 */
export const SMS_TEXT_SEPTETS = SMS_SEPTETS - SMS_TOPIC_PREFIX.length;

// Basic set without LF/CR (an SMS digest is one line).
const BASIC = new Set(
  Array.from(
    '@£$¥èéùìòÇØøÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà',
  ),
);
const EXTENSION = new Set(Array.from('^{}\\[~]|€'));

const LOOKALIKES: Record<string, string> = {
  '\u2018': "'",
  '\u2019': "'",
  '\u201a': "'",
  '\u2032': "'",
  '\u201c': '"',
  '\u201d': '"',
  '\u201e': '"',
  '\u2033': '"',
  '\u2010': '-',
  '\u2011': '-',
  '\u2012': '-',
  '\u2013': '-',
  '\u2014': '-',
  '\u2212': '-',
  '\u2026': '...',
  '\u00a0': ' ',
  '\u3002': '.',
  '\uff0e': '.',
};

/** Septets one character costs in GSM-7: 1 (basic), 2 (extension) or undefined (not encodable). */
function septetsOf(char: string): number | undefined {
  if (BASIC.has(char)) return 1;
  if (EXTENSION.has(char)) return 2;
  return undefined;
}

function transliterate(char: string): string {
  const lookalike = LOOKALIKES[char];
  if (lookalike !== undefined) return lookalike;
  // Accented letters outside the GSM table lose their accents (ê -> e); anything else becomes '?'.
  const stripped = char.normalize('NFKD').replace(/\p{M}/gu, '');
  return stripped !== '' && Array.from(stripped).every((c) => septetsOf(c) !== undefined) ? stripped : '?';
}

/** `text` as one line of GSM-7 characters only (see module doc). */
export function toGsm7(text: string): string {
  return Array.from(sanitizeLine(text, Number.MAX_SAFE_INTEGER))
    .map((c) => (septetsOf(c) === undefined ? transliterate(c) : c))
    .join('');
}

/** Length of a GSM-7 string in septets (extension characters count 2); characters outside GSM-7 count 2 too. */
export function gsm7Length(text: string): number {
  let total = 0;
  for (const c of text) total += septetsOf(c) ?? 2;
  return total;
}

/** True when every character of `text` is in the GSM-7 basic or extension table. */
export function isGsm7(text: string): boolean {
  return Array.from(text).every((c) => septetsOf(c) !== undefined);
}

/** Cut a GSM-7 string to at most `maxSeptets`, ending in '...' when cut. */
export function truncateGsm7(text: string, maxSeptets: number): string {
  if (gsm7Length(text) <= maxSeptets) return text;
  const budget = maxSeptets - 3;
  let out = '';
  let used = 0;
  for (const c of text) {
    const cost = septetsOf(c) ?? 2;
    if (used + cost > budget) break;
    out += c;
    used += cost;
  }
  return budget > 0 ? `${out.trimEnd()}...` : '';
}

/**
 * A domain name for SMS: internationalised names become punycode (xn--...) so the SMS stays GSM-7;
 * names that are not valid domain names are transliterated character by character.
 */
export function domainToGsm7(domain: string): string {
  const clean = sanitizeLine(domain, 253);
  if (/^[\x20-\x7e]*$/.test(clean)) return toGsm7(clean);
  const ascii = domainToASCII(clean);
  return ascii !== '' ? toGsm7(ascii) : toGsm7(clean);
}
