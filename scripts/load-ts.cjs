// The one way this repository runs its TypeScript without a build step: esbuild bundles an entry in memory
// (~50 ms; packages stay external and resolve from node_modules) and the CommonJS result is compiled as a module
// next to the entry, with inline source maps. Used by bin/autorenew.js, bench/run.js and scripts/*.mjs.
'use strict';
const path = require('node:path');
const Module = require('node:module');

/**
 * Bundles and evaluates `file` (an absolute path to a .ts entry) and returns its exports.
 * @param {string} file
 * @returns {Record<string, any>}
 */
function loadTsSync(file) {
  const esbuild = require('esbuild');
  const out = esbuild.buildSync({
    entryPoints: [file],
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    packages: 'external',
    sourcemap: 'inline',
    write: false,
    logLevel: 'silent',
  });
  const filename = file.replace(/\.ts$/, '.bundle.js');
  process.setSourceMapsEnabled(true);
  const mod = new Module(filename, module);
  mod.filename = filename;
  mod.paths = Module._nodeModulePaths(path.dirname(filename));
  mod._compile(out.outputFiles[0].text, filename);
  return mod.exports;
}

module.exports = { loadTsSync };
