import { readFile } from 'node:fs';

/**
 * Reads a UTF-8 file. node:fs's callback form, not node:fs/promises: the functions load no node:fs/promises at all
 * (it costs ~5 ms of a cold start under the heap flags, which make Node compile it without its code cache), and
 * the errors are the same (ENOENT, EACCES, EISDIR with their `code`).
 */
export function readText(file: string): Promise<string> {
  return new Promise((done, fail) => readFile(file, 'utf8', (err, text) => (err ? fail(err) : done(text))));
}
