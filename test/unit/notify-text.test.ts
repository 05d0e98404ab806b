import type { DomainOutcome } from '../../lib/notify/port';
import { adviceKindOf, classifyReason } from '../../lib/notify/text/advice';
import { domainToGsm7, gsm7Length, isGsm7, toGsm7, truncateGsm7 } from '../../lib/notify/text/gsm7';
import { formatDateTimeUtc, formatDateUtc, sanitizeLine, toAsciiLine } from '../../lib/notify/text/sanitize';

describe('sanitizeLine', () => {
  it('turns controls, separators, bidi and zero-width characters into single spaces', () => {
    expect(sanitizeLine('a\r\nb\tc\u0000d\u2028e\u202ef\u200bg\u00adh', 100)).toBe('a b c d e f g h');
  });
  it('cuts at code points, never inside a surrogate pair, and marks the cut', () => {
    expect(sanitizeLine('\u{1F600}'.repeat(10), 5)).toBe('\u{1F600}\u{1F600}...');
    expect(sanitizeLine('abc', 3)).toBe('abc');
  });
  it('replaces lone surrogates and ignores non-strings', () => {
    expect(sanitizeLine('a\ud800b', 10)).toBe('a\ufffdb');
    expect(sanitizeLine(undefined, 10)).toBe('');
    expect(sanitizeLine(42, 10)).toBe('');
  });
});

describe('toAsciiLine', () => {
  it('keeps printable ASCII only', () => {
    expect(toAsciiLine('é例\n\u{1F600}x', 99)).toBe('?? ?x');
  });
});

describe('dates', () => {
  it('formats UTC days and minutes, and ? for invalid times', () => {
    expect(formatDateUtc(Date.UTC(2025, 11, 31, 23, 59))).toBe('2025-12-31');
    expect(formatDateUtc(Number.NaN)).toBe('?');
    expect(formatDateUtc(8.64e15 + 1)).toBe('?');
    expect(formatDateTimeUtc(Date.UTC(2025, 0, 2, 3, 4, 5))).toBe('2025-01-02 03:04 UTC');
  });
});

describe('GSM-7', () => {
  it('keeps the basic set, counts the extension table as two septets', () => {
    expect(toGsm7('Ça coûte 5€ [ok] ^_^ {x}')).toBe('Ça coute 5€ [ok] ^_^ {x}');
    expect(gsm7Length('abc')).toBe(3);
    expect(gsm7Length('€[]')).toBe(6);
  });
  it('transliterates look-alikes and replaces the rest with ?', () => {
    expect(toGsm7('“hi” – it’s…')).toBe('"hi" - it\'s...');
    expect(toGsm7('中文 ü ł')).toBe('?? ü ?');
    expect(isGsm7(toGsm7('\u{1F600} Ωмир'))).toBe(true);
  });
  it('truncates by septets', () => {
    const cut = truncateGsm7('€'.repeat(100), 11);
    expect(cut).toBe('€€€€...');
    expect(gsm7Length(cut)).toBeLessThanOrEqual(11);
  });
  it('spells IDNs as punycode and hostile names as GSM-7 text', () => {
    expect(domainToGsm7('Bücher.DE')).toBe('xn--bcher-kva.de');
    expect(domainToGsm7('例子.中国')).toBe('xn--fsqu00a.xn--fiqs8s');
    expect(domainToGsm7('plain.com')).toBe('plain.com');
    const hostile = domainToGsm7('<b>例\n子</b>');
    expect(isGsm7(hostile)).toBe(true);
    expect(hostile).not.toContain('\n');
  });
});

describe('classifyReason', () => {
  it.each([
    ['Insufficient balance', 'balance'],
    ['InsufficientBalance', 'balance'],
    ['余额不足', 'balance'],
    ['Account balance is not enough', 'balance'],
    ['real-name verification required', 'real-name'],
    ['Forbidden.UserVerification', 'real-name'],
    ['未实名认证', 'real-name'],
    ['Premium domain not permitted', 'premium'],
    ['renewal period exceeds 10 years', 'max-term'],
    ['CurrentExpirationDate is wrong', 'stale-expiry'],
    ['expiration date mismatch', 'stale-expiry'],
  ])('%s -> %s', (reason, kind) => {
    expect(classifyReason(reason)).toBe(kind);
  });
  it('a failed row shown renewed all the same is advised so, whatever the row text after it says', () => {
    expect(
      classifyReason('the registrar shows it renewed to 2027-01-01 though its row failed (its row: balance)'),
    ).toBe('renewed-anyway');
  });
  it('leaves unknown texts unclassified', () => {
    expect(classifyReason('Purchase record exists for the domain name in Aliyun')).toBeUndefined();
    expect(classifyReason('Insufficient permissions')).toBeUndefined();
    expect(classifyReason(undefined)).toBeUndefined();
  });
});

describe('will-lapse advice', () => {
  const lapse = (reason: string): DomainOutcome => ({
    domain: 'a.com',
    event: 'will-lapse',
    batchId: '-',
    oldExpiryMs: 0,
    years: 1,
    reason,
  });
  // Review 2026-12-04: a renewal that may have run or be running must not be advised "renew them by hand".
  it.each([
    ['shown-renewed: its renewal row failed, but ...', 'will-lapse-look'],
    ['renewing-elsewhere: a renewal task not made by this deployment ...', 'will-lapse-look'],
    ['elsewhere-unread: a renewal task ...', 'will-lapse-look'],
    ['open-batch: a renewal this tool sent for an earlier expiry ...', 'will-lapse-look'],
    ['a renewal of it has an unknown outcome and cannot be settled safely before it expires', 'will-lapse-look'],
    ['premium: premium domain and limits.allowPremium is false', 'will-lapse'],
    ['held: held by a person', 'will-lapse'],
    ['low-balance: the balance ... (renewing-elsewhere: not a prefix)', 'will-lapse'],
  ])('%s -> %s', (reason, kind) => {
    expect(adviceKindOf(lapse(reason))).toBe(kind);
  });
});
