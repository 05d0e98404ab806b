import { InputError } from '../errors';
import { boundText } from '../renewal/text';

/** The keys of an EventBridge scheduled event (its envelope). */
const SCHEDULED_EVENT_KEYS = new Set([
  'version',
  'id',
  'detail-type',
  'source',
  'account',
  'time',
  'region',
  'resources',
  'detail',
]);

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
    // The schedule's event: EventBridge's envelope and nothing more. One that carries anything else (the console's
    // "Scheduled Event" test template with `"dryRun": true` beside it or in `detail`) bought every due domain
    // (review 2026-12-07): a dry run when it asks for one, else refused below.
    if (e.source === 'aws.events' && e['detail-type'] === 'Scheduled Event') {
      const extra = Object.keys(e).filter((k) => !SCHEDULED_EVENT_KEYS.has(k));
      const detail = e.detail;
      const isObject = typeof detail === 'object' && detail !== null && !Array.isArray(detail);
      const detailKeys = isObject ? Object.keys(detail) : [];
      const emptyDetail = detail === undefined || (isObject && detailKeys.length === 0);
      if (extra.length === 0 && emptyDetail) return { dryRun: false };
      const asksDry =
        (extra.length === 1 && e.dryRun === true && emptyDetail) ||
        (extra.length === 0 && detailKeys.length === 1 && (detail as Record<string, unknown>).dryRun === true);
      if (asksDry) return { dryRun: true };
    }
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
