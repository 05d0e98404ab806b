/**
 * The latency-bound critical path: the wall time of an ideal run that does no local work at all (no ledger, no
 * CPU), only its API calls, each taking exactly the injected latency L, under the client's call budget (QPS q: call
 * starts at least 1000/q ms apart, the same rule as lib/alibaba/rate-limit.ts) and its page concurrency c.
 * Computed by replaying that schedule event by event; in closed form a chain of K dependent calls takes
 * `L + (K - 1) * max(L, 1000/q)` and K pages with c in flight take about `L + (K - 1) * max(1000/q, L/c)`.
 */

/** Calls in dependency order: a `sequential` step waits for the previous call; `parallel` keeps c in flight. */
export type Step = { kind: 'sequential'; calls: number } | { kind: 'parallel'; calls: number; concurrency: number };

export interface ScheduleTiming {
  /** Injected latency per call, ms. */
  latencyMs: number;
  /** Call budget, calls per second (Infinity: none). */
  qps: number;
}

/** Replays the steps of one run (one process, one limiter) and returns its duration, ms. */
export function criticalPathMs(steps: readonly Step[], timing: ScheduleTiming): number {
  const intervalMs = Number.isFinite(timing.qps) ? 1000 / timing.qps : 0;
  let nextSlotMs = Number.NEGATIVE_INFINITY;
  const call = (readyMs: number): number => {
    const start = Math.max(readyMs, nextSlotMs);
    nextSlotMs = start + intervalMs;
    return start + timing.latencyMs;
  };
  let t = 0;
  for (const step of steps) {
    if (step.kind === 'sequential') {
      for (let i = 0; i < step.calls; i++) t = call(t);
      continue;
    }
    const workers = Array.from({ length: Math.max(1, Math.min(step.concurrency, step.calls)) }, () => t);
    for (let i = 0; i < step.calls; i++) {
      // The worker that frees up first asks the limiter first.
      let w = 0;
      for (let j = 1; j < workers.length; j++) if ((workers[j] as number) < (workers[w] as number)) w = j;
      workers[w] = call(workers[w] as number);
    }
    t = Math.max(t, ...workers);
  }
  return t;
}

/**
 * The job's steps: renew = list page 1, the other pages c at a time, then the pre-flight (the task-list page, then
 * the price calls one after another; the balance read runs beside them on its own API), then one submit after
 * another.
 */
export function renewSteps(
  listPages: number,
  submits: number,
  concurrency: number,
  preflight: { taskPages: number; quotes: number } = { taskPages: 0, quotes: 0 },
): Step[] {
  return [
    { kind: 'sequential', calls: Math.min(1, listPages) },
    { kind: 'parallel', calls: Math.max(0, listPages - 1), concurrency },
    { kind: 'sequential', calls: preflight.taskPages + preflight.quotes },
    { kind: 'sequential', calls: submits },
  ];
}

/**
 * The check job's steps: the detail pages one after another, then the confirmations: a ranged listing (page 1,
 * the rest c at a time) and/or single look-ups one after another.
 */
export function checkSteps(detailCalls: number, confirms: number, listPages = 0, concurrency = 1): Step[] {
  return [
    { kind: 'sequential', calls: detailCalls + Math.min(1, listPages) },
    { kind: 'parallel', calls: Math.max(0, listPages - 1), concurrency },
    { kind: 'sequential', calls: confirms },
  ];
}
