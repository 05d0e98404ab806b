import { domainToASCII } from 'node:url';

/** Normalises a domain name for comparing registrar output with our entries (case, IDN form, a root dot). */
export function normalizeDomain(name: string): string {
  const trimmed = name.trim().toLowerCase();
  const lower = trimmed.endsWith('.') && trimmed.length > 1 ? trimmed.slice(0, -1) : trimmed;
  return domainToASCII(lower) || lower;
}
