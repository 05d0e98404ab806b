// The esbuild options of every bundle, in one place: scripts/build.mjs builds with them and the bundle-size guard
// (test/integration/bundle-size.test.ts) builds the same handlers in memory with them, so the guard measures exactly
// what is deployed. CommonJS so both an .mjs script and a jest test can load it.
'use strict';

/** Bundle name (dist/<name>/index.js) -> entry point. */
const ENTRIES = { renew: 'handlers/renew.ts', check: 'handlers/check.ts', cli: 'lib/cli.ts' };

/**
 * What every Node bundle of the project shares (handlers, the CLI's in-memory bundle in load-ts.cjs, the bench's job
 * process, test helpers): CommonJS for Node 20, and `import()` of a package compiled to `require()`, so a package
 * loaded at first use (the AWS SDK) resolves through NODE_PATH like every other require; an ES-module `import()`
 * does not search NODE_PATH, where the Lambda runtime keeps its SDK.
 */
const NODE_BUNDLE = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  supported: { 'dynamic-import': false },
};

/** The Lambda handlers (serverless.yml `handler: dist/<name>/index.handler`); `cli` is not deployed. */
const HANDLERS = ['renew', 'check'];

/**
 * esbuild options for bundle `name`, written to `dist/<name>/index.js` under `root`.
 * @param {string} name a key of ENTRIES
 * @param {string} [root] the repository (default: the working directory, as `npm run build` runs)
 */
function bundleOptions(name, root = process.cwd()) {
  const entry = ENTRIES[name];
  if (entry === undefined) throw new Error(`unknown bundle "${name}"; known: ${Object.keys(ENTRIES).join(', ')}`);
  return {
    ...NODE_BUNDLE,
    absWorkingDir: root,
    entryPoints: [entry],
    outfile: `dist/${name}/index.js`,
    minify: true,
    sourcemap: 'linked',
    // The map keeps its mappings and source names (stack traces still point at lib/...ts lines) but not the sources'
    // text, which Node parsed at every cold start with --enable-source-maps: 1.1 MB of map down to 0.3 MB (renew).
    sourcesContent: false,
    // The CLI runs from the repository and may load dev-time packages (dynalite); handlers are self-contained.
    // Handlers use the AWS SDK v3 that the nodejs24.x runtime ships (bundling the SDK would add ~600 KB to each).
    ...(name === 'cli' ? { packages: 'external' } : { external: ['@aws-sdk/*', '@smithy/*'] }),
    legalComments: 'none',
    metafile: false,
  };
}

module.exports = { ENTRIES, HANDLERS, NODE_BUNDLE, bundleOptions };
