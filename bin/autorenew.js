#!/usr/bin/env node
// Runs the TypeScript CLI straight from source (scripts/load-ts.cjs bundles lib/cli.ts in memory), so
// `npx autorenew` works right after `npm ci` with no build step and never runs stale code.

const path = require('node:path');

const root = path.resolve(__dirname, '..');
// The CLI runs on the developer's Node (20+); the SDK's notice about its 2027 releases is for Lambda runtimes.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

/** The CLI module: from source when esbuild is installed (a development checkout), else the prebuilt dist/cli. */
function loadCli() {
  try {
    require.resolve('esbuild');
  } catch {
    return require(path.join(root, 'dist', 'cli', 'index.js'));
  }
  return require(path.join(root, 'scripts', 'load-ts.cjs')).loadTsSync(path.join(root, 'lib', 'cli.ts'));
}

loadCli().main();
