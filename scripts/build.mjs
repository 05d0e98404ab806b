// Bundles each Lambda handler (and the CLI) into dist/<name>/index.js with esbuild.

import { rm } from 'node:fs/promises';
import { build } from 'esbuild';

const entries = { renew: 'handlers/renew.ts', check: 'handlers/check.ts', cli: 'lib/cli.ts' };
await rm('dist', { recursive: true, force: true });
const started = Date.now();
await Promise.all(
  Object.entries(entries).map(([name, entry]) =>
    build({
      entryPoints: [entry],
      outfile: `dist/${name}/index.js`,
      bundle: true,
      platform: 'node',
      target: 'node20',
      format: 'cjs',
      minify: true,
      sourcemap: 'linked',
      // The CLI runs from the repository and may load dev-time packages (dynalite); handlers are self-contained.
      // Handlers use the AWS SDK v3 that the nodejs24.x runtime ships (bundles stay ~50 KB instead of ~1.1 MB).
      ...(name === 'cli' ? { packages: 'external' } : { external: ['@aws-sdk/*', '@smithy/*'] }),
      legalComments: 'none',
      metafile: false,
    }),
  ),
);
console.log(`built ${Object.keys(entries).join(', ')} in ${Date.now() - started} ms`);
