// globalSetup of every run (jest.config.js): a fresh directory where scripts/load-ts.cjs keeps the in-memory
// bundles of the TypeScript entries it loads (lib/cli.ts for each `autorenew` child process), reused while the
// files they were built from are unchanged. Workers are forked after this, so they and their children inherit it.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export default function setup(): void {
  process.env.LOAD_TS_CACHE_DIR = mkdtempSync(join(tmpdir(), 'autorenew-load-ts-'));
}
