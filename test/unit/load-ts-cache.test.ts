import { mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// scripts/load-ts.cjs with LOAD_TS_CACHE_DIR (the test runs' bundle cache, test/helpers/global-setup.ts): a bundle is
// reused only while every file it was built from is unchanged, and never kept when a file changed just before.
const { loadTsSync } = require('../../scripts/load-ts.cjs') as {
  loadTsSync: (file: string) => { value: number };
};

const AN_HOUR_AGO = new Date(Date.now() - 3_600_000);

describe('load-ts bundle cache', () => {
  let dir: string;
  let cache: string;
  let saved: string | undefined;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'load-ts-src-'));
    cache = mkdtempSync(join(tmpdir(), 'load-ts-cache-'));
    saved = process.env.LOAD_TS_CACHE_DIR;
    process.env.LOAD_TS_CACHE_DIR = cache;
    writeFileSync(join(dir, 'entry.ts'), "import { base } from './dep';\nexport const value: number = base + 1;\n");
  });

  afterEach(() => {
    if (saved === undefined) delete process.env.LOAD_TS_CACHE_DIR;
    else process.env.LOAD_TS_CACHE_DIR = saved;
    rmSync(dir, { recursive: true, force: true });
    rmSync(cache, { recursive: true, force: true });
  });

  /** Writes dep.ts with `base` and dates both sources an hour back (files this fresh are never cached). */
  function writeDep(base: number, date = AN_HOUR_AGO): void {
    writeFileSync(join(dir, 'dep.ts'), `export const base = ${base};\n`);
    for (const file of ['entry.ts', 'dep.ts']) utimesSync(join(dir, file), date, date);
  }

  test('a bundle is kept, reused, and rebuilt when an input it was built from changes', () => {
    writeDep(1);
    expect(loadTsSync(join(dir, 'entry.ts')).value).toBe(2);
    const [kept] = readdirSync(cache);
    expect(kept).toBeDefined();
    // Reused: an edit made to the kept bundle itself shows.
    const file = join(cache, kept as string);
    const entry = JSON.parse(readFileSync(file, 'utf8')) as { code: string };
    expect(entry.code).toContain('base + 1');
    writeFileSync(file, JSON.stringify({ ...entry, code: entry.code.replace('base + 1', 'base + 100') }));
    expect(loadTsSync(join(dir, 'entry.ts')).value).toBe(101);
    // Same size, same (old) time, other content: only the content hash tells.
    writeDep(5);
    expect(loadTsSync(join(dir, 'entry.ts')).value).toBe(6);
  });

  test('a copy of the sources with the same content, run from its own root, reuses the bundle', () => {
    writeDep(1);
    const copy = mkdtempSync(join(tmpdir(), 'load-ts-copy-'));
    const cwd = process.cwd();
    try {
      process.chdir(dir);
      expect(loadTsSync(join(dir, 'entry.ts')).value).toBe(2);
      const [kept] = readdirSync(cache);
      const file = join(cache, kept as string);
      const entry = JSON.parse(readFileSync(file, 'utf8')) as { code: string };
      writeFileSync(file, JSON.stringify({ ...entry, code: entry.code.replace('base + 1', 'base + 100') }));
      for (const name of ['entry.ts', 'dep.ts']) writeFileSync(join(copy, name), readFileSync(join(dir, name)));
      process.chdir(copy);
      expect(loadTsSync(join(copy, 'entry.ts')).value).toBe(101);
      // The copy's own change is seen.
      writeFileSync(join(copy, 'dep.ts'), 'export const base = 7;\n');
      expect(loadTsSync(join(copy, 'entry.ts')).value).toBe(8);
    } finally {
      process.chdir(cwd);
      rmSync(copy, { recursive: true, force: true });
    }
  });

  test('a bundle of files changed within the last second is not kept', () => {
    writeDep(1, new Date());
    expect(loadTsSync(join(dir, 'entry.ts')).value).toBe(2);
    expect(readdirSync(cache)).toEqual([]);
  });

  test('without LOAD_TS_CACHE_DIR nothing is written', () => {
    delete process.env.LOAD_TS_CACHE_DIR;
    writeDep(1);
    expect(loadTsSync(join(dir, 'entry.ts')).value).toBe(2);
    expect(readdirSync(cache)).toEqual([]);
  });
});
