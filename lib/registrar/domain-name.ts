import { domainToASCII } from 'node:url';

/** Normalises a domain name for comparing registrar output with our entries (case, IDN form). */
export function normalizeDomain(name: string): string {
  const lower = name.trim().toLowerCase();
  return domainToASCII(lower) || lower;
}
