import type { Metafile } from 'esbuild';

/** A source's share of a bundle: a package counts as one (`zod`, `@scope/pkg`), own files by path. */
export interface InputShare {
  name: string;
  bytes: number;
}

const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;

/** The package a node_modules path belongs to (`…/node_modules/zod/v4/core/schemas.js` -> `zod`), else the path. */
function sourceName(input: string): string {
  const match = /(?:^|\/)node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(input);
  return match?.[1] ?? input;
}

/** Bytes each source contributes to `output` (a key of metafile.outputs), biggest first. Pure. */
export function biggestInputs(metafile: Metafile, output: string, top = 8): InputShare[] {
  const inputs = metafile.outputs[output]?.inputs;
  if (inputs === undefined) throw new Error(`no output "${output}" in the metafile: ${Object.keys(metafile.outputs)}`);
  const totals = new Map<string, number>();
  for (const [input, { bytesInOutput }] of Object.entries(inputs)) {
    const name = sourceName(input);
    totals.set(name, (totals.get(name) ?? 0) + bytesInOutput);
  }
  return [...totals]
    .map(([name, bytes]) => ({ name, bytes }))
    .sort((a, b) => b.bytes - a.bytes || (a.name < b.name ? -1 : 1))
    .slice(0, top);
}

/** What a failing size guard says: which handler, how big, over which limit, and what made it big. */
export function overBudgetMessage(handler: string, bytes: number, budget: number, inputs: InputShare[]): string {
  return (
    `the ${handler} handler bundle is ${kb(bytes)}, over its ${kb(budget)} budget; biggest inputs: ` +
    `${inputs.map((i) => `${i.name} ${kb(i.bytes)}`).join(', ')}`
  );
}
