import type { Digest, RenderedMessage } from '../../lib/notify/port';
import type { Policy } from '../../lib/policy/schema';
import { renderDigest } from '../../lib/renewal/digest';

/**
 * The check digest of one failed renewal (`domain`, expiring 3 days after `nowMs`), rendered with `notify`: what the
 * chat-target tests send.
 */
export function renderedFailure(
  notify: Policy['notify'],
  nowMs: number,
  domain = 'lapsing.example.com',
): RenderedMessage {
  const digest: Digest = {
    job: 'check',
    runId: 'r-1',
    nowMs,
    outcomes: [
      {
        domain,
        event: 'failed',
        batchId: 'b-1',
        oldExpiryMs: nowMs + 3 * 86_400_000,
        years: 1,
        reason: 'Insufficient balance',
      },
    ],
  };
  return renderDigest(digest, notify) as RenderedMessage;
}
