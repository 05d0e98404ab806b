import type { TaskDetail } from '../../lib/registrar/port';
import { rowsByDomain } from '../../lib/renewal/task-rows';

const row = (domainName: string, state: TaskDetail['state'], n: number): TaskDetail => ({
  taskNo: 'T1',
  taskDetailNo: `T1-${n}`,
  domainName,
  state,
});

describe('rowsByDomain: one row per domain, the one that says the most', () => {
  test.each([
    [['success', 'failure'], 'success'],
    [['failure', 'success'], 'success'],
    [['success', 'waiting'], 'waiting'],
    [['waiting', 'failure'], 'waiting'],
    [['failure', 'executing', 'success'], 'executing'],
    [['failure', 'failure'], 'failure'],
    [['success'], 'success'],
  ] as const)('%j -> %s', (states, expected) => {
    const rows = rowsByDomain(states.map((s, i) => row('a.com', s, i)));
    expect(rows.size).toBe(1);
    expect(rows.get('a.com')?.state).toBe(expected);
  });

  test('ties keep the first row read; other domains are kept apart', () => {
    const rows = rowsByDomain([row('a.com', 'failure', 1), row('b.com', 'success', 2), row('a.com', 'failure', 3)]);
    expect([...rows.values()].map((r) => [r.domainName, r.taskDetailNo])).toEqual([
      ['a.com', 'T1-1'],
      ['b.com', 'T1-2'],
    ]);
  });
});
