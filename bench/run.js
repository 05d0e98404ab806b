#!/usr/bin/env node
// `npm run bench`: runs bench/main.ts from source (scripts/load-ts.cjs bundles it in memory).
// Flags: node bench/run.js --help

const path = require('node:path');
const { loadTsSync } = require('../scripts/load-ts.cjs');

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
loadTsSync(path.join(__dirname, 'main.ts'))
  .main(process.argv.slice(2))
  .then((code) => {
    process.exitCode = code;
  })
  .catch((err) => {
    console.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
    process.exitCode = 2;
  });
