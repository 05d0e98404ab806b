import { buildJsonSchema } from '../validate/json-schema';
import { POLICY_DESCRIPTIONS } from './descriptions';
import { policySchema } from './schema';

/** The description of the documented node at `path` of the policy schema; a missing one is a bug, so it throws. */
export function describePolicyPath(path: string): string {
  const text = POLICY_DESCRIPTIONS[path];
  if (text === undefined) throw new Error(`policy schema: no description for "${path}" in lib/policy/descriptions.ts`);
  return text;
}

/**
 * The JSON Schema (draft 2020-12) of policy files, generated from the policy schema so the two never disagree.
 * `policies/policy.schema.json` is this value, pretty-printed; editors use it through `"$schema"`.
 * Uses the input side: keys with defaults are optional.
 */
export function buildPolicyJsonSchema(): Record<string, unknown> {
  const { $schema, ...rest } = buildJsonSchema(policySchema, describePolicyPath);
  return {
    $schema,
    title: 'aliyun-domain-autorenew policy (v1)',
    description:
      'Which Alibaba Cloud domains to renew, for how long, with which coupon or promotion, and the spending caps. ' +
      'Unknown keys are errors. Validate with `npx autorenew validate <file>`.',
    ...rest,
  };
}
