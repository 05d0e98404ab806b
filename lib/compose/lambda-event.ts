import { InputError } from '../errors';
import { boundText } from '../renewal/text';

/**
 * What the renew function's event asks for: its schedule's EventBridge event, an invoke with no payload or `{}` (a
 * scheduled run), or `{"dryRun": true}` (a dry run: a payload can only ask for less buying). Anything else is refused
 * before anything is read or bought: the event was ignored, and a hand invoke with `{"dryRun": true}`, the tool's own
 * word, bought every due domain (review 2026-12-06, round 8).
 * @throws InputError naming what was sent and what the function takes
 */
export function readRenewEvent(event: unknown): { dryRun: boolean } {
  // No payload, however the runtime hands it over.
  if (event === undefined || event === null || event === '') return { dryRun: false };
  if (typeof event === 'object' && !Array.isArray(event)) {
    const e = event as Record<string, unknown>;
    if (e.source === 'aws.events' && e['detail-type'] === 'Scheduled Event') return { dryRun: false };
    const keys = Object.keys(e);
    if (keys.length === 0) return { dryRun: false };
    if (keys.length === 1 && e.dryRun === true) return { dryRun: true };
  }
  // The invoker's text, in an error notice: redacted, printable, bounded.
  const sent = boundText(JSON.stringify(event) ?? String(event), 120);
  throw new InputError(
    `the renew function was invoked with ${sent}: it takes no input (its schedule's event, or an invoke with no payload or {}), or {"dryRun": true} for a dry run; nothing was bought`,
    { path: 'event' },
  );
}
