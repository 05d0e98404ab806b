#!/usr/bin/env node
// Runs the TypeScript CLI straight from source: esbuild bundles lib/cli.ts in memory (~50 ms),
// so `npx autorenew` works right after `npm ci` with no build step and never runs stale code.

const path = require('node:path');
const Module = require('node:module');

const root = path.resolve(__dirname, '..');
// The CLI runs on the developer's Node (20+); the SDK's notice about its 2027 releases is for Lambda runtimes.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

/** Loads the CLI module: bundled from source when esbuild is installed, else the prebuilt dist/cli. */
function loadCli() {
  let esbuild;
  try {
    esbuild = require('esbuild');
  } catch {
    return require(path.join(root, 'dist', 'cli', 'index.js'));
  }
  const out = esbuild.buildSync({
    entryPoints: [path.join(root, 'lib', 'cli.ts')],
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    packages: 'external',
    sourcemap: 'inline',
    write: false,
    logLevel: 'silent',
  });
  const filename = path.join(root, 'lib', 'cli.bundle.js');
  process.setSourceMapsEnabled(true);
  const mod = new Module(filename, module);
  mod.filename = filename;
  mod.paths = Module._nodeModulePaths(path.dirname(filename));
  mod._compile(out.outputFiles[0].text, filename);
  return mod.exports;
}

loadCli().main();
