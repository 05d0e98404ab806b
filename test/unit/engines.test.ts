import { readFileSync } from 'node:fs';
import { join } from 'node:path';

// Node versions (issue 14, "A fresh machine"): package.json `engines`, the README and the lockfile agree. The
// lowest Node the project declares is accepted by every production dependency; the packages that reject it are
// test or packaging tools only, each named in the README as a known EBADENGINE warning.

const ROOT = join(__dirname, '..', '..');
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { engines: { node: string } };
const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as {
  packages: Record<string, { engines?: { node?: string } | string[]; dev?: boolean }>;
};
const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
const serverlessYml = readFileSync(join(ROOT, 'serverless.yml'), 'utf8');

type Version = [number, number, number];

function parse(text: string): Version {
  const [a = 0, b = 0, c = 0] = text.split('.').map((n) => (n === 'x' || n === '*' ? 0 : Number(n)));
  if ([a, b, c].some((n) => !Number.isInteger(n))) throw new Error(`cannot read version "${text}"`);
  return [a, b, c];
}

const cmp = (x: Version, y: Version) => x[0] - y[0] || x[1] - y[1] || x[2] - y[2];

/** Whether `v` satisfies one comparator: `>=1.2.3`, `>1`, `<=`, `<`, `^1.2.3`, `~1.2`, `1`, `1.2.3`, `*`. */
function satisfiesOne(v: Version, comparator: string): boolean {
  const m = /^(>=|<=|>|<|\^|~|=)?\s*v?([\dx*.]+)$/.exec(comparator);
  if (!m) throw new Error(`cannot read engines comparator "${comparator}"`);
  const [, op = '', text = ''] = m;
  if (text === '*' || text === 'x') return true;
  const parts = text.split('.').filter((p) => p !== 'x' && p !== '*').length;
  const bound = parse(text);
  const c = cmp(v, bound);
  if (op === '>=') return c >= 0;
  if (op === '>') return c > 0;
  if (op === '<=') return c <= 0;
  if (op === '<') return c < 0;
  if (op === '^') return c >= 0 && v[0] === bound[0];
  if (op === '~') return c >= 0 && v[0] === bound[0] && (parts < 2 || v[1] === bound[1]);
  // Bare: `20` is 20.x.x, `20.1` is 20.1.x, `20.1.2` exactly.
  return v.slice(0, parts).every((n, i) => n === bound[i]);
}

/** npm's `engines.node` ranges as used in this lockfile: `a || b`, each a space-separated set of comparators. */
function satisfies(version: string, range: string): boolean {
  const v = parse(version);
  return range.split('||').some((set) => {
    const comparators = set
      .trim()
      .replace(/(>=|<=|>|<|=)\s+/g, '$1')
      .split(/\s+/)
      .filter(Boolean);
    return comparators.length === 0 || comparators.every((c) => satisfiesOne(v, c));
  });
}

const lowest = pkg.engines.node.replace(/^>=\s*/, '');

/** Lockfile packages whose engines.node rejects `version`, by package name. */
function rejecting(version: string): { name: string; range: string; dev: boolean }[] {
  return Object.entries(lock.packages)
    .filter(([path, p]) => path !== '' && !Array.isArray(p.engines) && p.engines?.node)
    .map(([path, p]) => ({
      name: path.replace(/^.*node_modules\//, ''),
      range: (p.engines as { node: string }).node,
      dev: p.dev === true,
    }))
    .filter((p) => !satisfies(version, p.range));
}

describe('engines', () => {
  it('reads the range forms of the lockfile', () => {
    expect(satisfies('20.20.2', '^20.19.0 || ^22.13.0 || >=24')).toBe(true);
    expect(satisfies('20.18.0', '^20.19.0 || ^22.13.0 || >=24')).toBe(false);
    expect(satisfies('20.20.2', '>=22.22.2')).toBe(false);
    expect(satisfies('20.20.2', '18 || 20 || >=22')).toBe(true);
    expect(satisfies('15.0.0', '>=16 || 14 >=14.17')).toBe(false);
    expect(satisfies('14.18.0', '>=16 || 14 >=14.17')).toBe(true);
    expect(satisfies('24.0.0', '>= 10.0.0')).toBe(true);
  });

  it('package.json declares a lower bound, and the README states it', () => {
    expect(pkg.engines.node).toMatch(/^>=\d+\.\d+\.\d+$/);
    const [major, minor] = lowest.split('.');
    expect(readme).toContain(`Node ${major}.${minor} or later`);
  });

  it('every package that rejects the lowest declared Node is a dev tool named in the README as a known warning', () => {
    const rejected = rejecting(lowest);
    expect(rejected.filter((p) => !p.dev)).toEqual([]);
    const warning = readme.split('\n\n').find((para) => para.includes('EBADENGINE')) ?? '';
    for (const p of rejected)
      expect({ name: p.name, inReadme: warning.includes(`\`${p.name}\``) }).toEqual({ name: p.name, inReadme: true });
  });

  it('no package rejects the Lambda runtime the functions deploy on, which the README names', () => {
    const runtime = /runtime: nodejs(\d+)\.x/.exec(serverlessYml)?.[1];
    expect(runtime).toBeDefined();
    expect(readme).toContain(`nodejs${runtime}.x`);
    expect(rejecting(`${runtime}.0.0`).filter((p) => !p.dev)).toEqual([]);
  });

  it('the README names the Node version the suite is tested on, and engines admit it', () => {
    // Not compared with the Node running this test: a developer on a newer Node must not get a red suite.
    const tested = /tested on Node (\d+\.\d+)/.exec(readme)?.[1];
    expect(tested).toBeDefined();
    expect(satisfies(`${tested}.0`, pkg.engines.node)).toBe(true);
    expect(rejecting(`${tested}.0`).filter((p) => !p.dev)).toEqual([]);
  });
});
