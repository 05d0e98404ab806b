#!/usr/bin/env node
// `npm run bench`: bundles bench/main.ts in memory with esbuild (like bin/autorenew.js) and runs it.
// Flags: node bench/run.js --help

const path = require('node:path');
const Module = require('node:module');
const esbuild = require('esbuild');

const filename = path.join(__dirname, 'bench.bundle.js');
const out = esbuild.buildSync({
  entryPoints: [path.join(__dirname, 'main.ts')],
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  packages: 'external',
  sourcemap: 'inline',
  write: false,
  logLevel: 'silent',
});
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
process.setSourceMapsEnabled(true);
const mod = new Module(filename, module);
mod.filename = filename;
mod.paths = Module._nodeModulePaths(__dirname);
mod._compile(out.outputFiles[0].text, filename);
mod.exports
  .main(process.argv.slice(2))
  .then((code) => {
    process.exitCode = code;
  })
  .catch((err) => {
    console.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
    process.exitCode = 2;
  });
