import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as Record<string, Record<string, string>>;
const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as {
  packages: Record<string, { version?: string }>;
};

/** Issue 18: the AWS SDK clients are one tested set; a drift between them is caught here, not in production. */
describe('AWS SDK pins', () => {
  const pins = Object.entries({ ...pkg.dependencies, ...pkg.devDependencies }).filter(([name]) =>
    name.startsWith('@aws-sdk/'),
  );

  test('every @aws-sdk package is pinned exactly, all to the same version', () => {
    expect(pins.length).toBeGreaterThanOrEqual(4);
    for (const [, version] of pins) expect(version).toMatch(/^\d+\.\d+\.\d+$/);
    expect(new Set(pins.map(([, v]) => v)).size).toBe(1);
  });

  test('the lockfile installs exactly the pinned versions', () => {
    for (const [name, version] of pins) expect(lock.packages[`node_modules/${name}`]?.version).toBe(version);
  });
});
