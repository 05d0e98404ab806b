/** Messages between the bench (parent) and its job process (child), sent over the fork IPC channel. */

/** What the child runs: the real jobs, or the naive baseline. */
export interface ChildRequest {
  mode: 'job' | 'baseline';
  /** Sandbox endpoint, e.g. http://127.0.0.1:40123. */
  endpoint: string;
  accessKeyId: string;
  accessKeySecret: string;
  /** Ledger (dynalite) endpoint and table; job mode only. */
  dynamoEndpoint?: string;
  tableName?: string;
  policyText: string;
  /** Calls per second (client-side budget). */
  qps: number;
  pageSize: number;
  listConcurrency: number;
  /** Pause between the renew and the check run, ms (lets the sandbox's tasks finish). */
  gapMs: number;
  /**
   * Opt-in memory probe (`--memory-probe`): the child runs with --expose-gc and reports the live heap after a
   * forced GC at start, after renew and after check. The forced collections lower the peak RSS a little, so the
   * acceptance figures come from runs without it.
   */
  memoryProbe?: boolean;
  /** Opt-in (`--heap-snapshot DIR`): v8.writeHeapSnapshot into DIR after renew and after check. */
  heapSnapshotDir?: string;
  /**
   * Job mode: which job this process runs. The bench runs `renew` and then `check` in two processes, as the two
   * Lambda functions do (each peak RSS is one function's); `both` (the default) runs them in one.
   */
  job?: 'renew' | 'check' | 'both';
}

/** Live memory after a forced GC (process.memoryUsage()), bytes. */
export interface LiveMemory {
  rss: number;
  heapUsed: number;
  heapTotal: number;
  external: number;
  arrayBuffers: number;
}

/** Measured by the child; times in ms, memory in bytes. */
export interface ChildResult {
  mode: 'job' | 'baseline';
  renewMs: number;
  checkMs: number;
  /** Peak resident set size of the child process (process.resourceUsage().maxRSS), bytes. */
  peakRssBytes: number;
  /** Peak RSS when the renew run returned (0 when this process did not run it), bytes. */
  renewPeakRssBytes: number;
  /** Peak RSS of the process that ran check, when check returned (0 when this process did not run it), bytes. */
  checkPeakRssBytes: number;
  /** Peak RSS once the code was loaded, before the first job call, bytes. */
  startupRssBytes: number;
  /** From child start to the first job call, ms (node start, module load, ledger client set-up). */
  startupMs: number;
  /**
   * CPU time (user + system) the process spent in the renew and the check run, ms (process.cpuUsage). Load does not
   * change it much, unlike wall time: the figure that shows a regression on a busy machine.
   */
  renewCpuMs: number;
  checkCpuMs: number;
  listed: number;
  planned: number;
  submitted: number;
  renewed: number;
  pending: number;
  failed: number;
  /** Log lines at warn/error level (a clean run has none). */
  problems: string[];
  /**
   * With `memoryProbe` only: live memory after a forced GC at start, after renew and after check; and
   * process.memoryUsage() at the highest RSS seen by a 20 ms sampler (no GC forced).
   */
  live?: { start: LiveMemory; afterRenew?: LiveMemory; afterCheck?: LiveMemory; atPeakRss: LiveMemory };
  /** With `heapSnapshotDir` only: the snapshot files written. */
  heapSnapshots?: string[];
}

export type ChildMessage = { kind: 'result'; result: ChildResult } | { kind: 'error'; message: string };
