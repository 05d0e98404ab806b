/**
 * In-process "crashes" for the chaos suite: a run's ports (ledger, registrar, notifier) are wrapped so that at the
 * K-th call the process "dies". From then on every call of that run throws, so nothing after the crash point reaches
 * the ledger or the registrar (a dead process writes nothing), and the in-flight state is left exactly as it was.
 */

/** Thrown by a wrapped port once its run has "died". Never caught by lib code on purpose (it is a plain Error). */
export class SimulatedCrash extends Error {
  constructor(readonly callIndex: number) {
    super(`simulated crash at call ${callIndex}`);
    this.name = 'SimulatedCrash';
  }
}

/** Where a run dies: before call `atCall` is made, or right after it took effect (its answer is lost). */
export interface CrashPoint {
  /** 1-based index over all ledger, registrar and notifier calls of the run. */
  atCall: number;
  afterEffect: boolean;
}

/** One run's crash switch; `point` undefined means the run never crashes. */
export interface CrashController {
  readonly point: CrashPoint | undefined;
  calls: number;
  dead: boolean;
  /** Method name of the call the run died at (for the report). */
  diedAt?: string;
  /** Called after a notifier publish succeeded, before the crash check of the next call. */
  published: boolean;
}

/** Creates a crash switch that fires at `point` (or never). */
export function createCrashController(point?: CrashPoint): CrashController {
  return { point, calls: 0, dead: false, published: false };
}

/**
 * Wraps every function property of `target` (a port object) so that calls count against `ctl` and the run dies at
 * the crash point. Non-function properties are copied as they are.
 */
export function wrapCrashable<T extends object>(target: T, ctl: CrashController, label: string): T {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(target)) {
    const value = (target as Record<string, unknown>)[key];
    if (typeof value !== 'function') {
      out[key] = value;
      continue;
    }
    const fn = value as (...args: unknown[]) => Promise<unknown>;
    out[key] = async (...args: unknown[]) => {
      if (ctl.dead) throw new SimulatedCrash(ctl.calls);
      ctl.calls += 1;
      if (ctl.point && ctl.calls === ctl.point.atCall) {
        ctl.diedAt = `${label}.${key}${ctl.point.afterEffect ? ' (after effect)' : ''}`;
        if (ctl.point.afterEffect) {
          try {
            await fn.apply(target, args);
            if (label === 'notifier') ctl.published = true;
          } catch {
            // the call failed on its own; the process dies anyway
          }
        }
        ctl.dead = true;
        throw new SimulatedCrash(ctl.calls);
      }
      const result = await fn.apply(target, args);
      if (label === 'notifier') ctl.published = true;
      return result;
    };
  }
  return out as T;
}
