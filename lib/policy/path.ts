/** A JSON path as segments: object keys and array indexes. */
export type PathSegments = readonly PropertyKey[];

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/** Formats segments as `rules[2].years`; the document itself is ''. Odd keys are quoted: `a["b c"]`. */
export function formatPath(segments: PathSegments): string {
  let out = '';
  for (const seg of segments) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else {
      const key = String(seg);
      out += IDENTIFIER.test(key) ? (out === '' ? key : `.${key}`) : `[${JSON.stringify(key)}]`;
    }
  }
  return out;
}
