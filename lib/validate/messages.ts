/*
 * The default English messages, worded as zod's `en` locale words them (the Alibaba answer checks show them, e.g.
 * "data.TotalItemNum: Invalid input: expected number, received string"). Only the issues the kit raises.
 */

/** The input's type as messages name it: `null`, `array`, `NaN`, `Infinity`, else `typeof`. */
export function nameType(input: unknown): string {
  if (input === null) return 'null';
  if (Array.isArray(input)) return 'array';
  if (typeof input === 'number' && !Number.isFinite(input)) return String(input);
  return typeof input;
}

/** A wrong type: "Invalid input: expected string, received undefined". */
export const describeWrongType = (expected: string, input: unknown): string =>
  `Invalid input: expected ${expected}, received ${nameType(input)}`;

/** What a size is counted in, for lengths. */
const UNITS: Record<string, string> = { string: 'characters', array: 'items' };

/**
 * Out of range: "Too small: expected number to be >=0", "Too small: expected string to have >=1 characters".
 * @param origin what was measured: `number`, `int`, `string` or `array`
 */
export function describeRange(small: boolean, origin: string, limit: number, inclusive: boolean): string {
  const bound = `${small ? '>' : '<'}${inclusive ? '=' : ''}${limit}`;
  const unit = UNITS[origin];
  return `Too ${small ? 'small' : 'big'}: expected ${origin} to ${unit ? `have ${bound} ${unit}` : `be ${bound}`}`;
}
