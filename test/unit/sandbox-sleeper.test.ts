import { Sleeper } from '../../lib/sandbox/sleeper';

// The sandbox's latency fault waits on this sleeper. On fake timers, time moves only when the test moves it, so the
// delay is checked exactly, with no wall clock (test/integration/sandbox-faults.test.ts checks that a request is
// held at the sandbox while it waits).

describe('sandbox sleeper', () => {
  beforeEach(() => {
    jest.useFakeTimers();
  });
  afterEach(() => {
    jest.useRealTimers();
  });

  function track(p: Promise<void>): { done: boolean } {
    const state = { done: false };
    void p.then(() => {
      state.done = true;
    });
    return state;
  }

  it('resolves after exactly the delay, not before', async () => {
    const sleeper = new Sleeper();
    const slept = track(sleeper.sleep(150));
    await jest.advanceTimersByTimeAsync(149);
    expect(slept.done).toBe(false);
    await jest.advanceTimersByTimeAsync(1);
    expect(slept.done).toBe(true);
    expect(jest.getTimerCount()).toBe(0);
  });

  it('a delay of 0 or less resolves at once, without a timer', async () => {
    const sleeper = new Sleeper();
    const zero = track(sleeper.sleep(0));
    const negative = track(sleeper.sleep(-5));
    expect(jest.getTimerCount()).toBe(0);
    await Promise.resolve();
    expect(zero.done).toBe(true);
    expect(negative.done).toBe(true);
  });

  it('releaseAll ends every pending delay now and clears its timers', async () => {
    const sleeper = new Sleeper();
    const short = track(sleeper.sleep(1_000));
    const long = track(sleeper.sleep(86_400_000));
    expect(jest.getTimerCount()).toBe(2);
    sleeper.releaseAll();
    expect(jest.getTimerCount()).toBe(0);
    await Promise.resolve();
    expect(short.done).toBe(true);
    expect(long.done).toBe(true);
    // A delay that starts after the release waits as usual.
    const later = track(sleeper.sleep(10));
    await jest.advanceTimersByTimeAsync(9);
    expect(later.done).toBe(false);
    await jest.advanceTimersByTimeAsync(1);
    expect(later.done).toBe(true);
  });
});
