import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parsePolicyText } from '../../lib/policy/load';

// One place defines each default (the schema): the shipped policy and the README's example restate them, and must
// agree with it, so that a policy that leaves a field out behaves as the documentation says.
const ROOT = join(__dirname, '..', '..');

describe('the schema defaults are the documented defaults', () => {
  const minimal = parsePolicyText('{"version": 1}', 'minimal.json');
  const shipped = JSON.parse(readFileSync(join(ROOT, 'policies/default.json'), 'utf8'));

  test('every window field policies/default.json sets equals the schema default', () => {
    for (const [key, value] of Object.entries(shipped.window ?? {})) {
      expect({ key, value: (minimal.window as Record<string, unknown>)[key] }).toEqual({ key, value });
    }
  });

  test('the grace period default is 30 days (a domain that expired despite the policy is still rescued)', () => {
    expect(minimal.window.daysAfterExpiry).toBe(30);
  });

  test('the README example window matches the schema defaults', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const example = readme.match(/"window": \{ "daysBeforeExpiry": (\d+), "daysAfterExpiry": (\d+) \}/);
    expect(example?.slice(1).map(Number)).toEqual([minimal.window.daysBeforeExpiry, minimal.window.daysAfterExpiry]);
  });
});
