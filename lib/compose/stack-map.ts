import { readFileSync } from 'node:fs';
import type { SourceMapPayload } from 'node:module';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The part of Node's `module.SourceMap` used here (0-based offsets in, 0-based original position out). */
interface SourceMapLike {
  findEntry(line: number, column: number): { originalSource?: string; originalLine?: number; originalColumn?: number };
}

/**
 * A handler whose escaping error has its stack rewritten to the TypeScript files and lines (`mapErrorStack`), then
 * rethrown as is. The functions run without `--enable-source-maps`: with it Node read and parsed the bundle's map at
 * every cold start (~9-11 ms of renew's and check's load with the heap flags, bench/README.md), to turn the few
 * stacks that are ever printed, the error a handler throws, into readable ones.
 * @param bundle the file whose frames are mapped (default: this file, which is the bundle once built)
 */
export function withMappedStacks<A extends unknown[], R>(
  run: (...args: A) => Promise<R>,
  bundle: string = __filename,
): (...args: A) => Promise<R> {
  return async (...args: A) => {
    try {
      return await run(...args);
    } catch (err) {
      await mapErrorStack(err, bundle);
      throw err;
    }
  };
}

/**
 * Rewrites the frames of `err.stack` that point into `bundle` to the original file, line and column its
 * `<bundle>.map` names (1-based, as Node prints them), the way `--enable-source-maps` does; function names stay as
 * minified. Best effort and never throws: without a map (tests run the TypeScript itself), with a stack that cannot
 * be read or on any other failure the stack stays as it was, and the error itself is never replaced. The map (0.3
 * MB) is read synchronously: on this path only, and not behind whatever else holds libuv's thread pool.
 */
export async function mapErrorStack(err: unknown, bundle: string = __filename): Promise<void> {
  try {
    if (!(err instanceof Error) || typeof err.stack !== 'string' || !err.stack.includes(bundle)) return;
    // esbuild writes no sourceRoot: sources are relative to the map's directory.
    const payload = JSON.parse(readFileSync(`${bundle}.map`, 'utf8')) as SourceMapPayload;
    // Loaded only here: most runs never print a stack.
    const { SourceMap } = await import('node:module');
    // Typed by hand: @types/node's findEntry answer varies between Node versions (an empty object when not found).
    const map: SourceMapLike = new SourceMap(payload);
    const base = dirname(bundle);
    err.stack = err.stack
      .split('\n')
      .map((line) => mapFrame(line, bundle, base, map))
      .join('\n');
  } catch {
    // The original stack is still right, only minified; a mapping failure must not hide the error itself.
  }
}

function mapFrame(line: string, bundle: string, base: string, map: SourceMapLike): string {
  const at = line.lastIndexOf(`${bundle}:`);
  if (at < 0) return line;
  const position = /^(\d+):(\d+)/.exec(line.slice(at + bundle.length + 1));
  if (!position) return line;
  const entry = map.findEntry(Number(position[1]) - 1, Number(position[2]) - 1);
  if (entry.originalSource === undefined || entry.originalLine === undefined || entry.originalColumn === undefined) {
    return line;
  }
  const source = entry.originalSource.startsWith('file:')
    ? fileURLToPath(entry.originalSource)
    : resolve(base, entry.originalSource);
  const mapped = `${source}:${entry.originalLine + 1}:${entry.originalColumn + 1}`;
  return line.slice(0, at) + mapped + line.slice(at + bundle.length + 1 + position[0].length);
}
