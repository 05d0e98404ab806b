import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { build } from 'esbuild';
import { PROCESS_TEST_TIMEOUT_MS } from '../helpers/timeouts';

// The functions are minified bundles, which rename classes: `new.target.name` made InputError "N" in their JSON
// logs (describeError's `error` field), in stack headers and in the runtime's errorType. Every class of the error
// family must keep its own name there; built minified, as deployed, from every module that declares one.
jest.setTimeout(PROCESS_TEST_TIMEOUT_MS);

const ROOT = resolve(__dirname, '../..');
const { NODE_BUNDLE } = require('../../scripts/bundles.cjs') as { NODE_BUNDLE: Parameters<typeof build>[0] };

function sourcesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourcesUnder(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

const sources = sourcesUnder(join(ROOT, 'lib')).map((file) => ({ file, text: readFileSync(file, 'utf8') }));
/** Modules that declare a class extending another (the test keeps the AutorenewError family among their exports). */
const errorModules = sources.filter(({ text }) => /class \w+ extends \w+/.test(text)).map(({ file }) => file);
/** Every `class X extends Y` declared under lib/, exported or not. */
const declared = sources.flatMap(({ file, text }) =>
  [...text.matchAll(/class (\w+) extends (\w+)/g)].map((m) => ({
    file: relative(ROOT, file),
    name: m[1],
    parent: m[2],
  })),
);

/** Constructor arguments of the classes that take more than a message. */
const ARGUMENTS: Record<string, unknown[]> = {
  ValidationError: [[{ file: 'policy.json', path: 'rules[0]', message: 'a message' }]],
  SandboxApiError: [400, 'InvalidParameter', 'a message'],
  ChatDeliveryError: ['a message', {}, false],
  PlanMovedError: ['a message', []],
};

type ErrorClass = (abstract new (...args: never[]) => Error) & { prototype: Error };

describe('error class names in a minified bundle', () => {
  it('every class of the AutorenewError family is named as it is exported', async () => {
    expect(errorModules.length).toBeGreaterThan(3);
    const entry = errorModules.map((file, i) => `export * as m${i} from './${relative(ROOT, file)}';`).join('\n');
    const result = await build({
      ...NODE_BUNDLE,
      stdin: { contents: entry, resolveDir: ROOT, loader: 'ts' },
      minify: true,
      write: false,
      packages: 'external',
    });
    const code = result.outputFiles[0]?.text ?? '';
    const module = { exports: {} as Record<string, Record<string, unknown>> };
    new Function('module', 'exports', 'require', code)(module, module.exports, require);
    const base = module.exports.m0 && findBase(module.exports);
    if (!base) throw new Error('AutorenewError is not among the built exports');
    const wrong: string[] = [];
    let checked = 0;
    const named: string[] = [];
    for (const exports of Object.values(module.exports)) {
      for (const [name, value] of Object.entries(exports)) {
        if (typeof value !== 'function' || !(value.prototype instanceof base || value === base)) continue;
        checked += 1;
        named.push(name);
        const error = Reflect.construct(value, ARGUMENTS[name] ?? ['a message']) as Error;
        const header = String(error.stack).split('\n')[0];
        if (error.name !== name || !header?.startsWith(`${name}: `)) wrong.push(`${name}: ${error.name}, "${header}"`);
      }
    }
    expect(wrong).toEqual([]);
    expect(checked).toBeGreaterThan(15);
    // A class of the family that is not exported is not constructed above: there is none (export it to be checked).
    const family = new Set(named);
    let grew = true;
    while (grew) {
      grew = false;
      for (const c of declared) {
        if (c.name && c.parent && family.has(c.parent) && !family.has(c.name)) {
          family.add(c.name);
          grew = true;
        }
      }
    }
    expect([...family].filter((name) => !named.includes(name))).toEqual([]);
  });
});

function findBase(exports: Record<string, Record<string, unknown>>): ErrorClass | undefined {
  for (const module of Object.values(exports)) {
    const found = module.AutorenewError;
    if (typeof found === 'function') return found as ErrorClass;
  }
  return undefined;
}
