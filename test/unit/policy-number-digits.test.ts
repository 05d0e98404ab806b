import type { ValidationError } from '../../lib/errors';
import { parseJsonWithPositions } from '../../lib/policy/json-locate';
import { parsePolicyText } from '../../lib/policy/load';

/**
 * Review 2026-12-06, round 8 (inputs). An amount written as a JSON number with more digits than a double holds is rounded by the parser before the
 * validator sees it: 137.999999999999999 becomes 138, so the "more decimals than CNY has" check (which reads
 * String(value)) passes, and the limit the person wrote (below 138) admits a domain quoted 138.00. The same text as
 * a string ("137.999999999999999") is refused. A number that does not read back as written is now refused where it is
 * written.
 */
it('a maxPricePerDomain number that JSON rounds up is refused where it is written, as its string form is', () => {
  const text = (v: string) => `{"version": 1, "limits": {"maxPricePerDomain": ${v}}}`;
  expect(() => parsePolicyText(text('"137.999999999999999"'), 'p.json')).toThrow(/more decimals/);
  let read: unknown;
  try {
    read = parsePolicyText(text('137.999999999999999'), 'p.json').limits.maxPricePerDomain;
  } catch (err) {
    read = (err as Error).message;
  }
  expect(read).toMatch(
    /^p\.json: invalid JSON: the number 137\.999999999999999 has more digits than a number holds exactly \(it reads as 138\); write it with fewer digits, or an amount as a string \("137\.999999999999999"\)/,
  );
  try {
    parsePolicyText(text('137.999999999999999'), 'p.json');
  } catch (err) {
    expect((err as ValidationError).issues[0]).toMatchObject({ line: 1, column: 48 });
  }
});

it.each([
  ['137.99', 137.99],
  ['-0.000000000000001', -1e-15],
  ['123456789012345', 123456789012345],
  ['1000000000000000000000', 1e21],
  ['1.5e2', 150],
  ['0', 0],
  ['-0.0', -0],
  ['1.50', 1.5],
  // What a double holds exactly, however many digits (review round 9: the schema's own maximum was refused).
  ['9007199254740991', 9007199254740991],
  ['0.30000000000000004', 0.30000000000000004],
])('%s reads back as written: kept', (text, value) => {
  expect(parseJsonWithPositions(`{"n": ${text}}`).value).toEqual({ n: value });
});
