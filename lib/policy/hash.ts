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

/**
 * SHA-256 (hex) of what the policy decides: {@link policyHash} without its comments (`$schema`, and `description`
 * at the top, in each rule and in each chat target). A copy of the deployed file whose comments were edited is the
 * same policy; refused by the whole hash, it taught people `--policy-differs`, which lets any file through.
 */
export function policyRulesHash(policy: Policy): string {
  const { $schema: _schema, description: _description, rules, notify, ...rest } = policy;
  const uncommented = {
    ...rest,
    rules: rules.map(({ description: _d, ...rule }) => rule),
    notify: notify.targets
      ? { ...notify, targets: notify.targets.map(({ description: _d, ...target }) => target) }
      : notify,
  };
  return sha256Hex(canonicalJson(uncommented));
}

/** The hashes a deployed run records of its policy (RunRecord.policyHash, RunRecord.policyRulesHash). */
export interface RecordedPolicy {
  policyHash?: string;
  policyRulesHash?: string;
}

/**
 * Whether `policy` is the one a run record names: by its rules hash when the record has one, else (a record of an
 * older version) by the whole hash. A record with neither says nothing: true.
 */
export function isRecordedPolicy(record: RecordedPolicy, policy: Policy): boolean {
  if (record.policyRulesHash !== undefined) return record.policyRulesHash === policyRulesHash(policy);
  return record.policyHash === undefined || record.policyHash === policyHash(policy);
}
