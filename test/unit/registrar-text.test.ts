import { MAX_REGISTRAR_TEXT, registrarText, sanitizeServerMessage } from '../../lib/alibaba/errors';
import { parseDetailPage } from '../../lib/alibaba/shapes';

const UNSAFE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u;
const HOSTILE = 'Balance\u009b31m low\u202e!won yub\u202c\u200b\u2028FAKE line\u001b]0;x\u0007 end';

describe('registrar free text is sanitised and bounded before it is stored or shown', () => {
  test('the old C0/DEL-only rule let C1 CSI, bidi overrides, zero-width and U+2028 through (the gap)', () => {
    // biome-ignore lint/suspicious/noControlCharactersInRegex: the previous rule, reproduced to show its gap
    const old = HOSTILE.replace(/[\u0000-\u001f\u007f]+/g, ' ');
    expect(old).toMatch(UNSAFE);
    for (const c of ['\u009b', '\u202e', '\u200b', '\u2028']) expect(old).toContain(c);
  });

  test('sanitizeServerMessage removes every control, format and separator character', () => {
    const clean = sanitizeServerMessage(HOSTILE, []);
    expect(clean).not.toMatch(UNSAFE);
    expect(clean).toContain('FAKE line');
    expect(sanitizeServerMessage('x'.repeat(1000), []).length).toBeLessThanOrEqual(300);
  });

  test('TaskDetail ErrorMsg and FailReason are clean and at most MAX_REGISTRAR_TEXT characters when parsed', () => {
    const page = parseDetailPage({
      TotalItemNum: 1,
      TotalPageNum: 1,
      Data: {
        TaskDetail: [
          {
            TaskNo: 'T1',
            TaskDetailNo: 'D1',
            DomainName: 'example.com',
            TaskStatusCode: 3,
            ErrorMsg: HOSTILE,
            FailReason: `${'\u202e'.repeat(3)}${'r'.repeat(5000)}`,
          },
        ],
      },
    });
    const detail = page.items[0];
    expect(detail?.errorMsg).toBe(registrarText(HOSTILE));
    expect(detail?.errorMsg).not.toMatch(UNSAFE);
    expect(detail?.failReason).not.toMatch(UNSAFE);
    expect(Array.from(detail?.failReason ?? '').length).toBeLessThanOrEqual(MAX_REGISTRAR_TEXT);
    // Ordinary text, Chinese included, is kept as it was.
    expect(registrarText('余额不足 Insufficient balance')).toBe('余额不足 Insufficient balance');
  });
});
