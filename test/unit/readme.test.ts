import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { HELP } from '../../lib/cli';
import { EXIT } from '../../lib/commands/io';
import { METRIC_DIMENSION, METRIC_NAMESPACE, METRICS } from '../../lib/metrics';
import { NOTIFY_EVENTS } from '../../lib/policy/schema';
import { REASONS } from '../../lib/renewal/plan-types';

// The README is the operator's manual: these tests keep it in step with the code it describes.

const ROOT = join(__dirname, '..', '..');
const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };

/** The markdown section under `## title`, up to the next `## `. */
function section(title: string): string {
  const start = readme.indexOf(`\n## ${title}\n`);
  if (start < 0) throw new Error(`README has no "## ${title}" section`);
  const next = readme.indexOf('\n## ', start + 1);
  return readme.slice(start, next < 0 ? undefined : next);
}

/** First cells of a section's table rows, without backticks. */
function firstCells(text: string): string[] {
  return [...text.matchAll(/^\| `?([^|`]+)`? \|/gm)].map((m) => (m[1] ?? '').trim());
}

describe('README quick start', () => {
  const firstBlock = /```sh\n([\s\S]*?)```/.exec(readme);
  const commands = (firstBlock?.[1] ?? '')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => l.replace(/\s+#.*$/, ''));

  it('starts with exactly `npm ci && npm start` and `npm test`, before any section', () => {
    expect(commands).toEqual(['npm ci && npm start', 'npm test']);
    expect(firstBlock?.index).toBeLessThan(readme.indexOf('\n## '));
  });

  it('uses scripts package.json defines, doing what the README says they do', () => {
    expect(pkg.scripts.start).toBe('node bin/autorenew.js demo');
    expect(pkg.scripts.test).toMatch(/typecheck/);
    expect(pkg.scripts.test).toMatch(/lint/);
    expect(pkg.scripts.test).toMatch(/\bjest\b/);
    expect(existsSync(join(ROOT, 'package-lock.json'))).toBe(true); // npm ci needs it
  });

  it('mentions only npm scripts that exist', () => {
    const used = [...readme.matchAll(/\bnpm run ([\w:-]+)/g)].map((m) => m[1] ?? '');
    expect(used.length).toBeGreaterThan(0);
    for (const name of used)
      expect({ script: name, defined: name in pkg.scripts }).toEqual({ script: name, defined: true });
  });
});

describe('README reference sections', () => {
  it('lists every CLI command and every exit code', () => {
    const cli = section('CLI');
    const commands = [...HELP.matchAll(/^ {2}([\w-]+) {2,}/gm)].map((m) => m[1] ?? '');
    expect(commands.length).toBeGreaterThanOrEqual(8);
    const documented = firstCells(cli).map((c) => c.split(' ')[0]);
    for (const c of commands) expect(documented).toContain(c);
    for (const code of Object.values(EXIT)) expect(cli).toMatch(new RegExp(`^\\| ${code} \\| \\S`, 'm'));
  });

  it('documents every environment variable the configuration reads', () => {
    const config = readFileSync(join(ROOT, 'lib', 'config.ts'), 'utf8');
    const names = new Set([...config.matchAll(/'(AUTORENEW_[A-Z_]+)'/g)].map((m) => m[1] ?? ''));
    expect(names.size).toBeGreaterThan(5);
    for (const name of names) expect(section('CLI')).toContain(name);
  });

  it('explains every plan reason and every notification event', () => {
    expect(firstCells(section('Running against your own account'))).toEqual(
      expect.arrayContaining(Object.keys(REASONS)),
    );
    expect(firstCells(section('Operations'))).toEqual(expect.arrayContaining([...NOTIFY_EVENTS]));
  });

  it('explains every alarm the stack defines (serverless.yml and scripts/alarms.cjs)', () => {
    const yml = readFileSync(join(ROOT, 'serverless.yml'), 'utf8');
    const { buildAlarms } = require('../../scripts/alarms.cjs') as {
      buildAlarms(metrics: object): { Resources: Record<string, unknown> };
    };
    const generated = buildAlarms({ namespace: METRIC_NAMESPACE, dimension: METRIC_DIMENSION, names: METRICS });
    const alarms = [
      ...[...yml.matchAll(/^ +(\w+Alarm):$/gm)].map((m) => m[1] ?? ''),
      ...Object.keys(generated.Resources),
    ];
    expect(alarms.length).toBeGreaterThanOrEqual(8);
    const documented = firstCells(section('Operations'));
    for (const alarm of alarms) expect(documented).toContain(alarm);
  });

  it('links only to files (and headings) that exist', () => {
    const links = [...readme.matchAll(/\]\((?!https?:)([^)#]+)(#[^)]+)?\)/g)].map((m) => ({
      file: m[1] ?? '',
      anchor: m[2],
    }));
    expect(links.map((l) => l.file)).toEqual(expect.arrayContaining(['docs/policy-reference.md', 'docs/deploy.md']));
    for (const { file, anchor } of links) {
      if (file.startsWith('bench/')) continue; // written by the benchmark's own work; checked there
      expect({ file, exists: existsSync(join(ROOT, file)) }).toEqual({ file, exists: true });
      if (!anchor) continue;
      const headings = [...readFileSync(join(ROOT, file), 'utf8').matchAll(/^#+ (.+)$/gm)].map((m) =>
        (m[1] ?? '')
          .toLowerCase()
          .replace(/[^\p{L}\p{N} -]/gu, '')
          .replace(/ /g, '-'),
      );
      expect(headings).toContain(anchor.slice(1));
    }
  });
});
