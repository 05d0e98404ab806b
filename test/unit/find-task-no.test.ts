import { findTaskNo } from '../../lib/alibaba/shapes';

/** The TaskNo an answer names however it is spelled (transport.ts keeps it for an answer it cannot read). */
describe('findTaskNo', () => {
  it.each<[string, Record<string, unknown> | undefined, string, string | undefined]>([
    ['the documented field', { RequestId: 'r', TaskNo: 'abc-1' }, '', 'abc-1'],
    ['a lower-case key', { requestId: 'r', taskNo: 'abc-2' }, '', 'abc-2'],
    ['a numeric TaskNo', { TaskNo: 12345 }, '', '12345'],
    ['the documented field wins over another spelling', { taskno: 'x', TaskNo: 'abc-3' }, '', 'abc-3'],
    ['none', { RequestId: 'r' }, '', undefined],
    ['an empty TaskNo', { TaskNo: '' }, '', undefined],
    ['a 0 TaskNo', { TaskNo: 0 }, '', undefined],
    ['a body cut short', undefined, '{"RequestId":"r","TaskNo":"abc-4"', 'abc-4'],
    ['a body cut short, any case, a number', undefined, '{"RequestId":"r","taskNo": 987,"x', '987'],
    ['a body cut short inside a numeric TaskNo', undefined, '{"RequestId":"r","TaskNo": 98', undefined],
    ['a body cut short inside the TaskNo', undefined, '{"RequestId":"r","TaskNo":"abc-', undefined],
    ['an HTML page', undefined, '<html>TaskNo: 5</html>', undefined],
  ])('%s', (_name, record, text, expected) => {
    expect(findTaskNo(record, text)).toBe(expected);
  });
});
