import { parseDetailPage, parseDomainPage, parseTaskPage } from '../../lib/alibaba/shapes';

/**
 * What the three paged answers carry besides their rows (review 2026-12-07, twenty-seventh session):
 * - `NextPage: true`, which the pager follows on the last page by the totals (paginate.ts): dropped by the task and
 *   detail pages' schemas, it would be seen on domain listings only;
 * - a lone row given as an object, not a list of one (one QueryTaskDetailList doc example; the form an XML-to-JSON
 *   gateway gives one element): read as an invalid answer, a task's only row was never read.
 */
const ROWS = {
  Domain: {
    DomainName: 'a.com',
    InstanceId: 'S1',
    ExpirationDateLong: 1_800_000_000_000,
    DomainStatus: '1',
    Premium: false,
  },
  TaskInfo: {
    TaskNo: 'T1',
    TaskNum: 1,
    TaskType: 'ORDER_RENEW',
    TaskStatus: 'COMPLETE',
    TaskStatusCode: 3,
    CreateTime: '2026-12-01 10:00:00',
  },
  TaskDetail: { TaskNo: 'T1', TaskDetailNo: 'D1', DomainName: 'a.com', TaskStatusCode: 2 },
};
const PARSERS = {
  Domain: (body: unknown) => parseDomainPage(body),
  TaskInfo: (body: unknown) => parseTaskPage(body),
  TaskDetail: (body: unknown) => parseDetailPage(body),
};
type Key = keyof typeof ROWS;
const body = (key: Key, rows: unknown, extra: Record<string, unknown> = {}) => ({
  RequestId: 'R',
  TotalItemNum: 1,
  TotalPageNum: 1,
  CurrentPageNum: 1,
  PageSize: 100,
  Data: { [key]: rows },
  ...extra,
});
const KEYS = Object.keys(ROWS) as Key[];

describe.each(KEYS)('a %s page', (key) => {
  test.each([
    [true, true],
    ['true', true],
    [false, undefined],
    [undefined, undefined],
    ['yes', undefined],
  ])('NextPage %j reads as nextPage %j', (next, expected) => {
    const page = PARSERS[key](body(key, [ROWS[key]], next === undefined ? {} : { NextPage: next }));
    expect(page.nextPage).toBe(expected);
    expect(page.items).toHaveLength(1);
  });

  test('a lone row given as an object reads as a list of one, the same row', () => {
    const listed = PARSERS[key](body(key, [ROWS[key]]));
    const lone = PARSERS[key](body(key, ROWS[key]));
    expect(lone).toEqual(listed);
  });

  test('a row that is not an object is still an invalid answer', () => {
    expect(() => PARSERS[key](body(key, 'a.com'))).toThrow();
  });
});
