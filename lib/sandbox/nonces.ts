/** How long a SignatureNonce is remembered (the gateway's replay window is said to be ~31 minutes). */
export const NONCE_TTL_MS = 31 * 60_000;
/** Upper bound on remembered nonces; the oldest are forgotten first beyond it (bounded memory). */
export const MAX_NONCES = 200_000;

/** Remembers nonces for {@link NONCE_TTL_MS} of real time, in insertion order, so expiry is a cheap prefix scan. */
export class NonceCache {
  private readonly seen = new Map<string, number>();

  constructor(
    private readonly ttlMs = NONCE_TTL_MS,
    private readonly max = MAX_NONCES,
  ) {}

  /** Records `nonce` and returns true, or returns false when it was already used within the window. */
  use(nonce: string, realNowMs: number): boolean {
    this.evict(realNowMs);
    if (this.seen.has(nonce)) return false;
    this.seen.set(nonce, realNowMs + this.ttlMs);
    if (this.seen.size > this.max) {
      const oldest = this.seen.keys().next().value;
      if (oldest !== undefined) this.seen.delete(oldest);
    }
    return true;
  }

  get size(): number {
    return this.seen.size;
  }

  private evict(realNowMs: number): void {
    for (const [nonce, expiresAt] of this.seen) {
      if (expiresAt > realNowMs) break;
      this.seen.delete(nonce);
    }
  }
}
