import { isValidDomainName } from '../alibaba/shapes';
import { InputError } from '../errors';
import { normalizeDomain } from '../registrar/domain-name';

/**
 * Domain names given on the command line, normalised (lower case, punycode) through the project's one normaliser,
 * without duplicates, in the order given.
 * @throws InputError naming the first argument that is not a domain name (LDH or IDN, at most 253 characters), so a
 *   command checks every name before it writes anything
 */
export function parseDomainArgs(args: readonly string[]): string[] {
  const names: string[] = [];
  for (const arg of args) {
    const name = normalizeDomain(arg);
    if (!isValidDomainName(name)) {
      throw new InputError(
        `${JSON.stringify(arg)} is not a domain name (LDH or IDN, at least two labels, at most 253 ` +
          'characters); nothing was written',
      );
    }
    if (!names.includes(name)) names.push(name);
  }
  return names;
}
