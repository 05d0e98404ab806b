import type { ListedDomain } from '../registrar/port';
import { formatDateUtc } from './dates';

/**
 * Why a plan listed no domain at all (`--at` before the whole portfolio). Pure:
 * given the listing window that came back empty and every domain of the account, one line saying why and what
 * date would show some.
 */
export function explainEmptyListing(
  all: readonly ListedDomain[],
  window: { fromMs: number; toMs: number },
  input: { nowMs: number; at?: string },
): string {
  const when = input.at !== undefined ? `--at ${input.at}` : `now (${formatDateUtc(input.nowMs)})`;
  const range = `${formatDateUtc(window.fromMs)} to ${formatDateUtc(window.toMs)}`;
  if (all.length === 0) return `0 domains: the account lists no domains at all (planned for ${when})`;
  const sorted = [...all].sort((a, b) => a.expiresAtMs - b.expiresAtMs);
  const first = sorted[0] as ListedDomain;
  const last = sorted[sorted.length - 1] as ListedDomain;
  if (first.expiresAtMs > window.toMs) {
    const from = formatDateUtc(first.expiresAtMs - (window.toMs - input.nowMs));
    return `0 domains: ${when} is before the whole portfolio; the policy lists expiries ${range}, and the earliest of the account's ${all.length} domain(s) expires ${formatDateUtc(first.expiresAtMs)} (${first.domainName}); try --at ${from} or later`;
  }
  if (last.expiresAtMs < window.fromMs) {
    return `0 domains: ${when} is after the whole portfolio; the policy lists expiries ${range}, and the latest of the account's ${all.length} domain(s) expired ${formatDateUtc(last.expiresAtMs)} (${last.domainName})`;
  }
  return `0 domains: none of the account's ${all.length} domain(s) expires ${range}, the policy's window for ${when}`;
}
