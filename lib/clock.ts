/** The clock port: the only place the jobs learn the time. Epoch milliseconds, UTC. */
export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/** A clock fixed at (or driven from) a given instant, for `--at` and tests. */
export function fixedClock(ms: number): Clock & { set(ms: number): void; advance(ms: number): void } {
  let current = ms;
  return {
    now: () => current,
    set: (v) => {
      current = v;
    },
    advance: (d) => {
      current += d;
    },
  };
}
