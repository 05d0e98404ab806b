import { createHash } from 'node:crypto';
import type { Policy } from './schema';

/** Canonical JSON: object keys sorted, so the hash does not depend on key order. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** SHA-256 (hex) of `text`. */
export function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/**
 * SHA-256 (hex) of the policy as loaded (defaults applied): the same file gives the same hash wherever it is loaded.
 * A plan file carries it, and the deployed functions' run records (RunRecord.policyHash).
 */
export function policyHash(policy: Policy): string {
  return sha256Hex(canonicalJson(policy));
}
