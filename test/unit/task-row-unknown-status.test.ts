import { parseDetailPage } from '../../lib/alibaba/shapes';
import { rowsByDomain, withoutUnknownRows } from '../../lib/renewal/task-rows';

/**
 * A QueryTaskDetailList row with a TaskStatusCode outside the documented 0-3 failed the whole page, so no row of the
 * task was read (review 2026-12-07). It is now that row alone, `unknown`, with its code.
 */
function page(codes: number[]) {
  return {
    RequestId: 'R',
    TotalItemNum: codes.length,
    CurrentPageNum: 1,
    TotalPageNum: 1,
    PageSize: 100,
    PrePage: false,
    NextPage: false,
    Data: {
      TaskDetail: codes.map((code, i) => ({
        TaskNo: 'T1',
        TaskDetailNo: `D${i}`,
        DomainName: `d${i}.com`,
        TaskStatusCode: code,
      })),
    },
  };
}

describe('task detail rows by status code', () => {
  test('0-3 read as before; any other code is that row alone, unknown, with its code', () => {
    const rows = parseDetailPage(page([0, 1, 2, 3, 4, 99])).items;
    expect(rows.map((r) => [r.domainName, r.state, r.statusCode])).toEqual([
      ['d0.com', 'waiting', undefined],
      ['d1.com', 'executing', undefined],
      ['d2.com', 'success', undefined],
      ['d3.com', 'failure', undefined],
      ['d4.com', 'unknown', 4],
      ['d5.com', 'unknown', 99],
    ]);
  });

  test('a code that is no count is still an invalid answer', () => {
    expect(() => parseDetailPage(page([-1]))).toThrow(/TaskStatusCode/);
  });

  test('an unknown row says more than a success of the same domain; check reads it as no row and says so', () => {
    const rows = rowsByDomain([
      { taskNo: 'T1', taskDetailNo: 'a', domainName: 'x.com', state: 'success' },
      { taskNo: 'T1', taskDetailNo: 'b', domainName: 'x.com', state: 'unknown', statusCode: 7 },
      { taskNo: 'T1', taskDetailNo: 'c', domainName: 'y.com', state: 'failure' },
    ]);
    expect(rows.get('x.com')?.state).toBe('unknown');
    const warned: unknown[] = [];
    const known = withoutUnknownRows(rows, (_m, f) => warned.push(f));
    expect([...known.keys()]).toEqual(['y.com']);
    expect(warned).toEqual([{ domain: 'x.com', taskNo: 'T1', statusCode: 7 }]);
  });
});
