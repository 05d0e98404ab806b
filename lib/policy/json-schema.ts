import { toJSONSchema } from 'zod/mini';
import { policySchema } from './schema';

/**
 * The JSON Schema (draft 2020-12) of policy files, generated from the zod schema so the two never disagree.
 * `policies/policy.schema.json` is this value, pretty-printed; editors use it through `"$schema"`.
 * Uses the input side: keys with defaults are optional.
 */
export function buildPolicyJsonSchema(): Record<string, unknown> {
  const generated = toJSONSchema(policySchema, { io: 'input', target: 'draft-2020-12' }) as Record<string, unknown>;
  const { $schema, ...rest } = generated;
  return {
    $schema,
    title: 'aliyun-domain-autorenew policy (v1)',
    description:
      'Which Alibaba Cloud domains to renew, for how long, with which coupon or promotion, and the spending caps. ' +
      'Unknown keys are errors. Validate with `npx autorenew validate <file>`.',
    ...rest,
  };
}
