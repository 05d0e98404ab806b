import { openLedgerFromEnv } from '../../lib/ledger/embedded';
import type { Ledger } from '../../lib/ledger/port';

/**
 * Runs `fn` on the embedded ledger the environment names, then closes it: one opener at a time holds it, so a test
 * opens it between CLI runs to seed or to read what a command wrote.
 */
export async function withEmbeddedLedger<T>(
  env: Record<string, string>,
  fn: (ledger: Ledger) => Promise<T>,
): Promise<T> {
  const opened = await openLedgerFromEnv(env);
  try {
    return await fn(opened.ledger);
  } finally {
    await opened.close();
  }
}
