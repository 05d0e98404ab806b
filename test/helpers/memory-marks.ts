/**
 * One-time marks in memory, as the ledger keeps them (Ledger.getMarks / putMarks): a plain put, a later write wins,
 * and each mark's time is read back. `keys`: every mark written.
 */
export function createMemoryMarks() {
  const keys = new Set<string>();
  const at = new Map<string, number>();
  return {
    keys,
    getMarks: async (ks: readonly string[]) =>
      new Map(ks.filter((k) => keys.has(k)).map((k) => [k, at.get(k) ?? 0] as const)),
    putMarks: async (ks: readonly string[], nowMs: number) => {
      for (const k of ks) {
        keys.add(k);
        at.set(k, nowMs);
      }
    },
  };
}
