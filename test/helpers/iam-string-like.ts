/** For tests of IAM conditions (lib/iam.ts CLAIM_PARTITION_PATTERNS). */

/** IAM's StringLike: `*` is any run of characters, `?` any one; everything else literal. */
export function matchesStringLike(pattern: string, value: string): boolean {
  const re = pattern
    .replace(/[.+^${}()|[\]\\#]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${re}$`, 's').test(value);
}
