// Bundles each Lambda handler (and the CLI) into dist/<name>/index.js with esbuild; options in scripts/bundles.cjs.

import { rm } from 'node:fs/promises';
import { build } from 'esbuild';
import bundles from './bundles.cjs';

const { ENTRIES, bundleOptions } = bundles;
await rm('dist', { recursive: true, force: true });
const started = Date.now();
await Promise.all(Object.keys(ENTRIES).map((name) => build(bundleOptions(name))));
console.log(`built ${Object.keys(ENTRIES).join(', ')} in ${Date.now() - started} ms`);
