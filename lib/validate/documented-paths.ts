import type { Schema } from './schema';

/**
 * The path of every node marked `documented` in `schema`, in schema order, in the notation of the JSON Schema
 * walker (`rules[].match`, `money.priceTable.*`). A path appears once per mark, so a doubly marked path shows up
 * twice. Dev-time: lets a test prove each mark has a text and each text a mark.
 */
export function listDocumentedPaths(schema: Schema, path = ''): string[] {
  const own = schema.doc ? [path] : [];
  const joinPath = (key: string) => (path ? `${path}.${key}` : key);
  const children = schema.shape
    ? Object.entries(schema.shape).flatMap(([key, child]) => listDocumentedPaths(child, joinPath(key)))
    : schema.kind === 'array'
      ? listDocumentedPaths(schema.inner!, `${path}[]`)
      : schema.kind === 'record'
        ? listDocumentedPaths(schema.inner!, joinPath('*'))
        : schema.inner
          ? listDocumentedPaths(schema.inner, path)
          : (schema.options ?? []).flatMap((option) => listDocumentedPaths(option, path));
  return [...own, ...children];
}
