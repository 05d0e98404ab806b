import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

const PACKAGE_NAME = 'aliyun-domain-autorenew';

/**
 * The directory of this package (the one holding its package.json), found by walking up from this module: it runs
 * from lib/ (source), dist/cli/ (prebuilt) or a test's transform, so no fixed depth holds. Undefined when not found.
 */
export function packageRoot(start: string = __dirname): string | undefined {
  for (let dir = start, depth = 0; depth < 8; dir = dirname(dir), depth += 1) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest)) {
      try {
        if ((JSON.parse(readFileSync(manifest, 'utf8')) as { name?: unknown }).name === PACKAGE_NAME) return dir;
      } catch {
        // not ours; keep walking
      }
    }
    if (dirname(dir) === dir) break;
  }
  return undefined;
}
