// globalTeardown of every run (jest.config.js): removes the bundle cache directory of test/helpers/global-setup.ts.
import { rmSync } from 'node:fs';

export default function teardown(): void {
  const dir = process.env.LOAD_TS_CACHE_DIR;
  delete process.env.LOAD_TS_CACHE_DIR;
  if (dir) rmSync(dir, { recursive: true, force: true });
}
