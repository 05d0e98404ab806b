import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mapErrorStack, withMappedStacks } from '../../lib/compose/stack-map';

// The handlers map the stack of the error they throw (lib/compose/stack-map.ts); bundle-size.test.ts shows it on the
// real bundles. Here: what it does with a map it can or cannot use. Files in a temporary directory.

let dir: string;
let bundle: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'autorenew-stack-'));
  bundle = join(dir, 'index.js');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** A map of one generated line: column 0 -> a.ts 1:1, column 10 -> ../lib/b.ts 5:3 (VLQ by hand). */
const MAP = { version: 3, sources: ['a.ts', '../lib/b.ts'], names: [], mappings: 'AAAA,UCIE' };

function errorWith(stack: string): Error {
  const error = new Error('boom');
  error.stack = stack;
  return error;
}

describe('mapErrorStack', () => {
  it("rewrites the bundle's frames to the original file, line and column, and leaves the others", async () => {
    writeFileSync(`${bundle}.map`, JSON.stringify(MAP));
    const error = errorWith(
      [`Error: boom`, `    at f (${bundle}:1:12)`, `    at ${bundle}:1:1`, '    at other (/x/y.js:3:4)'].join('\n'),
    );
    await mapErrorStack(error, bundle);
    expect(error.stack).toBe(
      [
        'Error: boom',
        `    at f (${join(dir, '..', 'lib', 'b.ts')}:5:3)`,
        `    at ${join(dir, 'a.ts')}:1:1`,
        '    at other (/x/y.js:3:4)',
      ].join('\n'),
    );
  });

  it('leaves the stack as it was without a map, with a corrupt map, or for an error from elsewhere', async () => {
    const stack = `Error: boom\n    at f (${bundle}:1:12)`;
    const noMap = errorWith(stack);
    await mapErrorStack(noMap, bundle);
    expect(noMap.stack).toBe(stack);

    writeFileSync(`${bundle}.map`, '{"version":3,');
    const corrupt = errorWith(stack);
    await mapErrorStack(corrupt, bundle);
    expect(corrupt.stack).toBe(stack);

    writeFileSync(`${bundle}.map`, JSON.stringify(MAP));
    const elsewhere = errorWith('Error: boom\n    at f (/x/y.js:1:12)');
    await mapErrorStack(elsewhere, bundle);
    expect(elsewhere.stack).toBe('Error: boom\n    at f (/x/y.js:1:12)');
    await expect(mapErrorStack('not an error', bundle)).resolves.toBeUndefined();
  });

  it('leaves an error whose stack cannot be read as it is, and does not throw', async () => {
    const error = new Error('boom');
    Object.defineProperty(error, 'stack', {
      get() {
        throw new Error('a stack getter that throws');
      },
    });
    await expect(mapErrorStack(error, bundle)).resolves.toBeUndefined();
  });
});

describe('withMappedStacks', () => {
  it('rethrows the same error with its stack mapped, and passes results through', async () => {
    writeFileSync(`${bundle}.map`, JSON.stringify(MAP));
    const error = errorWith(`Error: boom\n    at f (${bundle}:1:12)`);
    await expect(withMappedStacks(async () => Promise.reject(error), bundle)()).rejects.toBe(error);
    expect(error.stack).toBe(`Error: boom\n    at f (${join(dir, '..', 'lib', 'b.ts')}:5:3)`);
    await expect(withMappedStacks(async (a: number, b: number) => a + b, bundle)(2, 3)).resolves.toBe(5);
  });

  it('rethrows what was thrown when it is no Error, and an error whose stack getter throws', async () => {
    await expect(withMappedStacks(async () => Promise.reject('a string'), bundle)()).rejects.toBe('a string');
    await expect(withMappedStacks(async () => Promise.reject(undefined), bundle)()).rejects.toBeUndefined();
    const error = new Error('boom');
    Object.defineProperty(error, 'stack', {
      get() {
        throw new Error('a stack getter that throws');
      },
    });
    await expect(withMappedStacks(async () => Promise.reject(error), bundle)()).rejects.toBe(error);
  });
});
