import { retryWithBackoff } from '../../lib/renewal/retry';

/** A call that always fails, counting its tries; a sleep that only records what it was asked (no wall clock). */
function alwaysFailing() {
  const slept: number[] = [];
  let tries = 0;
  return {
    slept,
    tries: () => tries,
    fn: async () => {
      tries += 1;
      throw new Error(`try ${tries} failed (test)`);
    },
    sleep: async (ms: number) => {
      slept.push(ms);
    },
  };
}

describe('retryWithBackoff', () => {
  test('tries `attempts` times, backing off within the doubling ceiling, and throws the last error', async () => {
    const f = alwaysFailing();
    await expect(retryWithBackoff(f.fn, { attempts: 4, baseMs: 200, capMs: 500, sleep: f.sleep })).rejects.toThrow(
      'try 4 failed',
    );
    expect(f.tries()).toBe(4);
    const ceilings = [200, 400, 500];
    expect(f.slept).toHaveLength(3);
    f.slept.forEach((ms, i) => {
      expect(ms).toBeGreaterThanOrEqual((ceilings[i] as number) / 2);
      expect(ms).toBeLessThanOrEqual(ceilings[i] as number);
    });
  });

  test('stops trying once `stop` says so (the time margin), without sleeping again', async () => {
    const f = alwaysFailing();
    const stop = () => f.tries() >= 2;
    await expect(
      retryWithBackoff(f.fn, { attempts: 6, baseMs: 200, capMs: 5_000, sleep: f.sleep, stop }),
    ).rejects.toThrow('try 2 failed');
    expect(f.tries()).toBe(2);
    expect(f.slept).toHaveLength(1);
  });

  test('returns the first success', async () => {
    let tries = 0;
    const value = await retryWithBackoff(
      async () => {
        tries += 1;
        if (tries < 3) throw new Error('not yet (test)');
        return 'done';
      },
      { attempts: 6, baseMs: 1, capMs: 1, sleep: async () => {} },
    );
    expect({ value, tries }).toEqual({ value: 'done', tries: 3 });
  });
});
