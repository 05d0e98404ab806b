// The one way this repository runs its TypeScript without a build step: esbuild bundles an entry in memory
// (~50 ms; packages stay external and resolve from node_modules) and the CommonJS result is compiled as a module
// next to the entry, with inline source maps. Used by bin/autorenew.js, bench/run.js and scripts/*.mjs.
//
// With LOAD_TS_CACHE_DIR set (the test runs set it to a fresh directory per run: they start the CLI as a child
// process many times), a bundle is kept there with the content hash of every file it was built from, and reused
// while each of those files is unchanged. Paths are relative to the working directory, as esbuild's are, so a copy
// of the repository (the packaging tests' trees) reuses the same bundle. Unset (the default), nothing is cached.
'use strict';
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const Module = require('node:module');

const OPTIONS = {
  ...require('./bundles.cjs').NODE_BUNDLE,
  packages: 'external',
  sourcemap: 'inline',
  write: false,
  logLevel: 'silent',
};

const sha1 = (data) => crypto.createHash('sha1').update(data).digest('hex');

/** The cached bundle in `cacheFile` if every input it records still has the recorded content, else undefined. */
function readCached(cacheFile) {
  let entry;
  try {
    entry = JSON.parse(fs.readFileSync(cacheFile, 'utf8'));
  } catch {
    return undefined;
  }
  for (const [input, hash] of Object.entries(entry.inputs)) {
    let content;
    try {
      content = fs.readFileSync(path.resolve(input));
    } catch {
      return undefined;
    }
    if (sha1(content) !== hash) return undefined;
  }
  return entry.code;
}

/** Bundles `file`; with a cache file, records the bundle and its inputs' hashes there (atomically). */
function build(file, cacheFile) {
  const started = Date.now();
  const cache = cacheFile === undefined ? {} : { metafile: true, absWorkingDir: process.cwd() };
  const out = require('esbuild').buildSync({ entryPoints: [file], ...OPTIONS, ...cache });
  const code = out.outputFiles[0].text;
  if (cacheFile === undefined) return code;
  // The metafile's input paths are relative to absWorkingDir, the working directory.
  const inputs = {};
  const paths = Object.keys(out.metafile.inputs).map((input) => path.resolve(input));
  for (const input of paths) inputs[path.relative(process.cwd(), input)] = sha1(fs.readFileSync(input));
  // A file changed while it was bundled or hashed (or just before: file times are coarse), so the bundle may not
  // match the hashes: it is not kept.
  if (paths.some((input) => fs.statSync(input).mtimeMs >= started - 1000)) return code;
  const tmp = `${cacheFile}.${process.pid}.tmp`;
  try {
    fs.mkdirSync(path.dirname(cacheFile), { recursive: true });
    fs.writeFileSync(tmp, JSON.stringify({ inputs, code }));
    fs.renameSync(tmp, cacheFile);
  } catch {
    // Caching is only an optimisation.
  }
  return code;
}

/** The CommonJS bundle of `file`, from LOAD_TS_CACHE_DIR when it is set and still current. */
function bundle(file) {
  const dir = process.env.LOAD_TS_CACHE_DIR;
  if (!dir) return build(file, undefined);
  const { version } = require('esbuild/package.json');
  const entry = path.relative(process.cwd(), file);
  const cacheFile = path.join(dir, `${sha1(JSON.stringify([entry, version, OPTIONS]))}.json`);
  return readCached(cacheFile) ?? build(file, cacheFile);
}

/**
 * Bundles and evaluates `file` (an absolute path to a .ts entry) and returns its exports.
 * @param {string} file
 * @returns {Record<string, any>}
 */
function loadTsSync(file) {
  const code = bundle(file);
  const filename = file.replace(/\.ts$/, '.bundle.js');
  process.setSourceMapsEnabled(true);
  const mod = new Module(filename, module);
  mod.filename = filename;
  mod.paths = Module._nodeModulePaths(path.dirname(filename));
  mod._compile(code, filename);
  return mod.exports;
}

module.exports = { loadTsSync };
