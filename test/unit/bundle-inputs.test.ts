import type { Metafile } from 'esbuild';
import { biggestInputs, overBudgetMessage } from '../helpers/bundle-inputs';

// The bundle-size guard (test/integration/bundle-size.test.ts) only speaks when a bundle is too big; this checks
// what it would say, without building a big bundle.
const input = (bytesInOutput: number) => ({ bytesInOutput });
const metafile = {
  inputs: {},
  outputs: {
    'dist/renew/index.js': {
      bytes: 0,
      imports: [],
      exports: [],
      inputs: {
        'node_modules/zod/v4/core/schemas.js': input(300_000),
        'node_modules/zod/v4/classic/schemas.js': input(100_000),
        '../main/node_modules/@scope/pkg/index.js': input(2_048),
        'lib/renewal/plan.ts': input(10_240),
        'handlers/renew.ts': input(400),
      },
    },
  },
} as unknown as Metafile;

describe('bundle inputs', () => {
  it('counts a package as one source and an own file by its path, biggest first', () => {
    expect(biggestInputs(metafile, 'dist/renew/index.js', 3)).toEqual([
      { name: 'zod', bytes: 400_000 },
      { name: 'lib/renewal/plan.ts', bytes: 10_240 },
      { name: '@scope/pkg', bytes: 2_048 },
    ]);
  });

  it('names the handler, its size, the budget and the biggest inputs', () => {
    const message = overBudgetMessage('renew', 412_688, 204_800, biggestInputs(metafile, 'dist/renew/index.js', 2));
    expect(message).toBe(
      'the renew handler bundle is 403.0 KB, over its 200.0 KB budget; biggest inputs: zod 390.6 KB, lib/renewal/plan.ts 10.0 KB',
    );
  });

  it('refuses an output the metafile does not have', () => {
    expect(() => biggestInputs(metafile, 'dist/check/index.js')).toThrow(/no output "dist\/check\/index.js"/);
  });
});
