import { decideFault, normalizeFaults } from '../../lib/sandbox/faults';
import { NonceCache } from '../../lib/sandbox/nonces';
import { optionalBool, optionalInt, paginate, requirePaging } from '../../lib/sandbox/params';
import { createPrng } from '../../lib/sandbox/prng';
import { SandboxApiError } from '../../lib/sandbox/wire';

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    return err instanceof SandboxApiError ? err.apiCode : 'other';
  }
  return undefined;
}

describe('NonceCache', () => {
  test('refuses a nonce within the window and accepts it after', () => {
    const cache = new NonceCache(1000, 10);
    expect(cache.use('a', 0)).toBe(true);
    expect(cache.use('a', 999)).toBe(false);
    expect(cache.use('a', 1000)).toBe(true);
  });
  test('memory is bounded: the oldest are forgotten first', () => {
    const cache = new NonceCache(60_000, 3);
    for (const n of ['a', 'b', 'c', 'd']) expect(cache.use(n, 0)).toBe(true);
    expect(cache.size).toBe(3);
    expect(cache.use('d', 1)).toBe(false);
    expect(cache.use('a', 1)).toBe(true);
  });
});

describe('faults', () => {
  test('normalizeFaults validates rates and latency', () => {
    expect(normalizeFaults({ throttleRate: 0.2, latencyMs: 5, actions: ['QueryDomainList'] })).toEqual({
      throttleRate: 0.2,
      latencyMs: 5,
      actions: ['QueryDomainList'],
    });
    expect(() => normalizeFaults({ errorRate: 1.5 })).toThrow(/errorRate/);
    expect(() => normalizeFaults({ latencyMs: -1 })).toThrow(/latencyMs/);
    expect(() => normalizeFaults({ throttleRate: 0.6, loseRate: 0.6 })).toThrow(/must not exceed 1/);
  });
  test('decideFault honours rates and the actions filter', () => {
    const rng = createPrng(9);
    const counts = { throttle: 0, error: 0, lose: 0, none: 0 };
    for (let i = 0; i < 4000; i++)
      counts[decideFault({ throttleRate: 0.25, errorRate: 0.25, loseRate: 0.25 }, 'X', rng)]++;
    for (const v of Object.values(counts)) expect(v).toBeGreaterThan(850);
    expect(decideFault({ throttleRate: 1, actions: ['Other'] }, 'X', rng)).toBe('none');
    expect(decideFault({ throttleRate: 1, actions: ['X'] }, 'X', rng)).toBe('throttle');
  });
});

describe('params', () => {
  test('integers and booleans from wire strings', () => {
    expect(optionalInt({ A: '1767225600000' }, 'A')).toBe(1767225600000);
    expect(optionalInt({}, 'A')).toBeUndefined();
    expect(codeOf(() => optionalInt({ A: '1.5' }, 'A'))).toBe('InvalidParameter');
    expect(codeOf(() => optionalInt({ A: '99999999999999999' }, 'A'))).toBe('InvalidParameter');
    expect(optionalBool({ B: 'TRUE' }, 'B')).toBe(true);
    expect(codeOf(() => optionalBool({ B: 'yes' }, 'B'))).toBe('InvalidParameter');
  });
  test('paging limits and page meta', () => {
    expect(codeOf(() => requirePaging({ PageNum: '1' }, 10))).toBe('MissingParameter');
    expect(codeOf(() => requirePaging({ PageNum: '0', PageSize: '5' }, 10))).toBe('ParameterIllegal');
    expect(codeOf(() => requirePaging({ PageNum: '1', PageSize: '11' }, 10))).toBe('ParameterIllegal');
    expect(paginate([1, 2, 3, 4, 5], 2, 2)).toEqual({
      page: [3, 4],
      meta: { TotalItemNum: 5, CurrentPageNum: 2, PageSize: 2, TotalPageNum: 3, PrePage: true, NextPage: true },
    });
    expect(paginate([], 1, 10).meta).toMatchObject({ TotalPageNum: 0, NextPage: false, PrePage: false });
  });
});
