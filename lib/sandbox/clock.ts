/**
 * The simulated clock. One instance is shared by every account of a sandbox, so that moving it (control API or
 * `sandbox.setClock`) moves them all; each model applies its due task effects lazily at its next read.
 */
export class SimClock {
  private simBaseMs: number;
  private realBaseMs: number;
  private readonly frozen: boolean;

  constructor(nowMs: number, frozen = false) {
    this.simBaseMs = nowMs;
    this.realBaseMs = Date.now();
    this.frozen = frozen;
  }

  /** Simulated time, epoch ms: runs with real time from the last setting, or stands still if frozen. */
  now(): number {
    return this.frozen ? this.simBaseMs : this.simBaseMs + (Date.now() - this.realBaseMs);
  }

  /** Jumps to `nowMs` or moves by `advanceMs` (both: jump, then move). */
  set(c: { nowMs?: number; advanceMs?: number }): void {
    const base = c.nowMs ?? this.now();
    this.simBaseMs = base + (c.advanceMs ?? 0);
    this.realBaseMs = Date.now();
  }
}
