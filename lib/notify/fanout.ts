import type { Clock } from '../clock';
import { NotifyError, nameErrorClasses, SecretUnreadableError } from '../errors';
import type { Ledger } from '../ledger/port';
import { describeError, type Logger } from '../log';
import type { NotifyEvent, Severity, TargetKind } from '../policy/schema';
import { redact } from '../redact';
import { MAX_EMAIL_BYTES, renderDigest } from '../renewal/digest';
import type { TargetCredentialSource } from './chat/credentials';
import { type ChatMessage, digestId } from './chat/formats';
import { ChatDeliveryError, type SendOptions, sendToTarget } from './chat/send';
import type { Digest, Notifier, NotifyPolicy, RenderedMessage } from './port';
import { sanitizeLine } from './text/sanitize';

/**
 * The notifier composite: publishes each digest to the primary notifier (SNS, or the console) and to
 * every chat target, and reports per-destination results.
 *
 * Safety, like the SNS path:
 * - Targets are independent: each is tried, whatever the others (and SNS) do. A dead target never blocks SNS.
 * - Per-target sent state lives in the ledger's one-time marks, keyed by destination and digest id
 *   (`notify#sent#<target>#<id>`, the id being the UTC day plus a hash of the digest content). When a target
 *   failed with a retryable error, publish throws {@link TargetsPendingError} after SNS succeeded: the caller
 *   (lib/renewal/notices.ts) keeps the batch notices pending, so the next run renders the same digest again; the
 *   marks then skip SNS and the targets that already have it, and only the failed target gets it.
 * - A target that failed `maxFailuresPerDay` runs since its last delivery (up to three UTC days back), or refused the message for good
 *   (bad token or signature), no longer holds notices back: its failure is reported in the email instead.
 * - Every failure is listed at the end of the email digest ("Chat delivery").
 */

export interface FanoutTarget {
  name: string;
  kind: TargetKind;
  events: readonly NotifyEvent[];
  minSeverity: Severity;
}

export type DeliveryStatus = 'sent' | 'already-sent' | 'not-for-it' | 'failed' | 'gave-up';

export interface DeliveryResult {
  /** `primary` (SNS or console) or the target's name. */
  destination: string;
  kind: TargetKind | 'primary';
  status: DeliveryStatus;
  /** Failure text (target name and platform answer; never a URL or secret). */
  error?: string;
}

export interface FanoutOptions {
  primary: Notifier;
  targets: readonly FanoutTarget[];
  credentials: TargetCredentialSource;
  /** policy.notify: smsEvents decide a target's per-digest severity. */
  notify: NotifyPolicy;
  /** Per-target sent state (the ledger's one-time marks). Without it nothing is remembered or held back. */
  marks?: Pick<Ledger, 'getMarks' | 'putMarks'>;
  clock: Clock;
  log: Logger;
  /** Failed runs per target since its last delivery (up to three UTC days back) that hold notices back; default 3. */
  maxFailuresPerDay?: number;
  /** HTTP options for the chat requests (tests inject fetch; default timeout 10 s). */
  send?: Pick<SendOptions, 'fetch' | 'timeoutMs'>;
  /**
   * The time a signature carries, epoch ms (default: `clock`'s). The platforms check it against their own clock
   * (within an hour), so the composition passes the wall clock: a local run's job clock is a sandbox's simulated time
   * or `--at`, and every signed target gave up (review 2026-12-07). The marks keep the job's day.
   */
  signingNow?: () => number;
  /**
   * The account's name, with several named accounts: each post names it, as the email's sections do (review
   * 2026-12-05, round 5, I: a post saying "AccessKey refused" did not say whose).
   */
  account?: string;
}

/** SNS got the digest, but chat targets failed and are retried on the next run (the notices stay pending). */
export class TargetsPendingError extends NotifyError {}
nameErrorClasses({ TargetsPendingError });

export interface FanoutNotifier extends Notifier {
  /** Results of the last publish, one per destination. */
  lastResults(): readonly DeliveryResult[];
}

const SEVERITY_RANK: Record<Severity, number> = { info: 0, alert: 1 };

const DAY_MS = 86_400_000;

/** How long a digest's sent mark of the UTC day before still counts (ms): retries come within hours. */
const RETRY_SPAN_MS = 12 * 3_600_000;

/** UTC days over which a target's failed runs are counted towards giving up (today and the two before). */
const FAIL_WINDOW_DAYS = 3;

function utcDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** The message a target gets: the digest re-rendered for its events, or undefined when nothing is for it. */
export function messageForTarget(
  message: RenderedMessage,
  target: FanoutTarget,
  notify: NotifyPolicy,
): RenderedMessage | undefined {
  const own = message.digest
    ? renderDigest(message.digest, { events: target.events, smsEvents: notify.smsEvents })
    : target.events.includes(message.event)
      ? message
      : undefined;
  if (!own || SEVERITY_RANK[own.severity] < SEVERITY_RANK[target.minSeverity]) return undefined;
  return own;
}

/** Lines appended to the email when a chat target did not get the digest. */
export function deliveryReport(
  results: readonly DeliveryResult[],
  maxFailuresPerDay: number,
  lineless = false,
): string[] {
  const problems = results.filter((r) => r.status === 'failed' || r.status === 'gave-up');
  if (problems.length === 0) return [];
  return [
    '',
    'Chat delivery',
    ...problems.map(
      (r) =>
        `- ${r.kind} target "${r.destination}" did not get this digest: ${r.error ? sanitizeLine(r.error, REPORT_ERROR_CHARS) : 'failed'}; ` +
        (r.status === 'failed'
          ? lineless
            ? // Nothing keeps an alert without domain lines pending (review 2026-12-07: "retried" was promised).
              'not retried to chat (an alert with no domain lines): this email is its copy.'
            : 'retried on the next run.'
          : `not retried (refused for good, or ${maxFailuresPerDay} failed runs since it last got a digest); run \`autorenew notify-test --target ${r.destination}\` after fixing it.`),
    ),
  ];
}

/** Code points of a target's error in the report: bounded, so {@link reportReserveBytes} holds. */
const REPORT_ERROR_CHARS = 200;

/**
 * Email bytes (as the digests count them, JSON-escaped UTF-8) the delivery report of `targets` chat targets can take
 * at most: its head, and per target a line of ≤ 400 fixed ASCII bytes (kind, a name of ≤ 40 characters twice, the
 * advice) plus an error of ≤ 200 code points at ≤ 4 bytes each.
 */
export function reportReserveBytes(targets: number): number {
  return targets === 0 ? 0 : 40 + targets * (400 + REPORT_ERROR_CHARS * 4);
}

/** A short email-only notice (severity info: no SMS) that a chat target gave up on a digest already emailed. */
export function givingUpNotice(message: RenderedMessage, report: readonly string[], emailed = true): RenderedMessage {
  const names = report.length - 2;
  const subject = `[autorenew] ${names} chat target${names === 1 ? '' : 's'} did not get a digest`;
  return {
    subject,
    email: [
      `${subject}: "${message.subject}"${emailed ? ', emailed earlier' : ' (for chat targets only: not emailed)'}.`,
      ...report,
    ].join('\n'),
    sms: subject,
    default: subject,
    event: 'error',
    severity: 'info',
  };
}

export function createFanoutNotifier(options: FanoutOptions): FanoutNotifier {
  const maxFailures = options.maxFailuresPerDay ?? 3;
  let last: DeliveryResult[] = [];

  const readMarks = async (keys: string[]): Promise<ReadonlySet<string> | ReadonlyMap<string, number>> => {
    if (!options.marks || keys.length === 0) return new Set();
    try {
      return await options.marks.getMarks(keys);
    } catch (err) {
      options.log.warn('could not read chat delivery marks; sending to every target', describeError(err));
      return new Set();
    }
  };
  const writeMarks = async (keys: string[], nowMs: number): Promise<void> => {
    if (!options.marks || keys.length === 0) return;
    await options.marks.putMarks(keys, nowMs).catch((err) => {
      options.log.warn('could not record chat deliveries; a target may get a digest twice', describeError(err));
    });
  };

  // A primary that reaches no one of the stage (the CLI's terminal on a stage's table) is neither marked sent nor
  // skipped as sent: a mark here made the stage's SNS skip the same digest that day (review 2026-12-05, round 5, J).
  const primaryRecorded = options.primary.recordsDelivery !== false;
  const extraEvents = [...new Set(options.targets.flatMap((t) => t.events))].filter(
    (e) => !options.notify.events.includes(e),
  );
  return {
    ...(extraEvents.length > 0 ? { extraEvents } : {}),
    ...(primaryRecorded ? {} : { recordsDelivery: false as const }),
    ...(options.primary.maxSmsSeptets !== undefined ? { maxSmsSeptets: options.primary.maxSmsSeptets } : {}),
    // The digest is rendered to this many bytes and the delivery report appended after it: the room that combines
    // accounts cuts each account's email at its end to its budget, and it cut the report (review 2026-12-05, B).
    ...(options.primary.maxEmailBytes !== undefined || options.targets.length > 0
      ? {
          maxEmailBytes:
            (options.primary.maxEmailBytes ?? MAX_EMAIL_BYTES) - reportReserveBytes(options.targets.length),
        }
      : {}),
    lastResults: () => last,
    async publish(message) {
      const nowMs = options.clock.now();
      const day = utcDay(nowMs);
      const hash = digestId({
        subject: message.subject,
        text: message.email,
        ...(message.digest ? { digest: message.digest } : {}),
      }).slice(0, 24);
      const id = `${day}-${hash}`;
      const sentKey = (dest: string) => `notify#sent#${dest}#${id}`;
      // The day before's mark of the same content counts when recent: a retry an hour after a digest sent at 23:30
      // sent it, SMS and all, to SNS again (review 2026-12-07). A daily run's same text, a day later, still goes out.
      const lateSentKey = (dest: string) => `notify#sent#${dest}#${utcDay(nowMs - DAY_MS)}-${hash}`;
      const isSent = (dest: string): boolean => {
        if (marks.has(sentKey(dest))) return true;
        const at = marks instanceof Map ? marks.get(lateSentKey(dest)) : undefined;
        return at !== undefined && nowMs - at < RETRY_SPAN_MS;
      };
      const failKey = (name: string, k: number, on = day) => `notify#fail#${name}#${on}#${k}`;
      const failKeys = (name: string) => Array.from({ length: maxFailures }, (_, i) => failKey(name, i + 1));
      // Failures count since the target's last delivery, over up to FAIL_WINDOW_DAYS UTC days, not one day: renew
      // publishes once a day, and counted per day a target failing every run never stopped holding renew's one-time
      // marks back (review 2026-12-03). A day with a delivery (`ok` mark) ends the count, so yesterday's outage of a
      // target that has worked since does not make it give up early today.
      const windowDays = Array.from({ length: FAIL_WINDOW_DAYS }, (_, i) => utcDay(nowMs - i * DAY_MS));
      const okKey = (name: string, on: string) => `notify#ok#${name}#${on}`;
      const dayKeys = (name: string, on: string) =>
        Array.from({ length: maxFailures }, (_, i) => failKey(name, i + 1, on));
      const marks = await readMarks([
        sentKey('primary'),
        lateSentKey('primary'),
        ...options.targets.flatMap((t) => [
          sentKey(`chat#${t.name}`),
          lateSentKey(`chat#${t.name}`),
          ...windowDays.flatMap((on) => [...dayKeys(t.name, on), okKey(t.name, on)]),
        ]),
      ]);
      /** When mark `key` was written (a later write wins), 0 when marks were read without times; undefined: none. */
      const atOf = (key: string): number | undefined =>
        marks instanceof Map ? marks.get(key) : marks.has(key) ? 0 : undefined;
      // A delivery today ends the count too, at its time: only today's failures after it count (today's `ok` mark was
      // not read, and a target that failed twice, delivered, then failed once gave up that day: review 2026-12-07,
      // thirty-first session).
      const failedSinceDelivery = (name: string): number => {
        let count = 0;
        for (const on of windowDays) {
          const ok = atOf(okKey(name, on));
          if (on !== day && ok !== undefined) break;
          count += dayKeys(name, on).filter((k) => {
            const at = atOf(k);
            return at !== undefined && (ok === undefined || at > ok);
          }).length;
          if (ok !== undefined) break;
        }
        return count;
      };
      /** The slot a failure today is marked in: a free one, else the oldest written before today's delivery. */
      const failSlot = (name: string): string | undefined => {
        const keys = failKeys(name);
        const free = keys.find((k) => atOf(k) === undefined);
        if (free) return free;
        const ok = atOf(okKey(name, day));
        if (ok === undefined) return undefined;
        const stale = keys.filter((k) => (atOf(k) ?? 0) <= ok);
        return stale.sort((a, b) => (atOf(a) ?? 0) - (atOf(b) ?? 0))[0];
      };
      const results: DeliveryResult[] = [];
      const toMark: string[] = [];

      await Promise.all(
        options.targets.map(async (target) => {
          const base = { destination: target.name, kind: target.kind };
          const own = messageForTarget(message, target, options.notify);
          if (!own) return results.push({ ...base, status: 'not-for-it' });
          if (isSent(`chat#${target.name}`)) return results.push({ ...base, status: 'already-sent' });
          try {
            // Every text that leaves the process passes the one redactor, as SNS's do (review 2026-12-04: an error
            // text with an AccessKeyId shape went to every chat target intact). The digest's strings one by one, not
            // its JSON text (review 2026-12-07: a registered "true" made it invalid JSON); built inside the `try`, so
            // nothing of one target's message can keep the digest from SNS.
            const named = options.account !== undefined;
            const chat: ChatMessage = {
              id,
              subject: redact(named ? `[${options.account}] ${own.subject}` : own.subject),
              text: redact(named ? `Account ${options.account}\n${own.email}` : own.email),
              event: own.event,
              severity: own.severity,
              ...(own.digest ? { digest: redactStrings(own.digest) } : {}),
            };
            const credentials = await options.credentials.get(target.name);
            const signedAtMs = options.signingNow?.() ?? nowMs;
            await sendToTarget(target, credentials, chat, { nowMs: signedAtMs, ...(options.send ?? {}) });
            toMark.push(sentKey(`chat#${target.name}`), okKey(target.name, day));
            return results.push({ ...base, status: 'sent' });
          } catch (err) {
            const error = redact(err instanceof Error ? err.message : String(err));
            const failuresLately = failedSinceDelivery(target.name);
            const slot = failSlot(target.name);
            if (slot) toMark.push(slot);
            // A missing credential or a refusal for good needs a person; a target failing all day stops holding back.
            // A secret that could not be read this time may be read next run (review 2026-12-03: it gave up).
            const passing = (err instanceof ChatDeliveryError && err.retryable) || err instanceof SecretUnreadableError;
            const retryable = passing && failuresLately + 1 < maxFailures;
            options.log.warn('chat target did not get the digest', {
              target: target.name,
              kind: target.kind,
              ...describeError(err),
              retried: retryable,
            });
            return results.push({ ...base, status: retryable ? 'failed' : 'gave-up', error });
          }
        }),
      );
      results.sort(
        (a, b) =>
          options.targets.findIndex((t) => t.name === a.destination) -
          options.targets.findIndex((t) => t.name === b.destination),
      );

      let primaryResult: { messageId?: string } = {};
      if (message.targetsOnly) {
        // The email has nothing to say (notify.events): a failed target is in the log and retried next run; one that
        // gave up is told by email, or no one heard it was broken (review 2026-12-07, thirty-first session).
        results.unshift({ destination: 'primary', kind: 'primary', status: 'not-for-it' });
        const gaveUp = deliveryReport(
          results.filter((r) => r.status === 'gave-up'),
          maxFailures,
        );
        if (gaveUp.length > 0) {
          await options.primary.publish(givingUpNotice(message, gaveUp, false)).catch((err) => {
            options.log.warn('could not report the chat delivery failure by email', describeError(err));
          });
        }
      } else if (primaryRecorded && isSent('primary')) {
        results.unshift({ destination: 'primary', kind: 'primary', status: 'already-sent' });
        // A retry that ends in giving up: the email of this digest went out before, so tell the email readers now.
        const report = deliveryReport(
          results.filter((r) => r.status === 'gave-up'),
          maxFailures,
        );
        if (report.length > 0) {
          await options.primary.publish(givingUpNotice(message, report)).catch((err) => {
            options.log.warn('could not report the chat delivery failure by email', describeError(err));
          });
        }
      } else {
        const report = deliveryReport(results, maxFailures, (message.digest?.outcomes.length ?? 0) === 0);
        const withReport = report.length > 0 ? { ...message, email: [message.email, ...report].join('\n') } : message;
        try {
          primaryResult = await options.primary.publish(withReport);
        } catch (err) {
          results.unshift({
            destination: 'primary',
            kind: 'primary',
            status: 'failed',
            error: redact(err instanceof Error ? err.message : String(err)),
          });
          last = results;
          await writeMarks(toMark, nowMs);
          throw err;
        }
        if (primaryRecorded) toMark.push(sentKey('primary'));
        results.unshift({ destination: 'primary', kind: 'primary', status: 'sent' });
      }
      last = results;
      await writeMarks(toMark, nowMs);
      const pending = results.filter((r) => r.status === 'failed');
      if (pending.length > 0 && options.marks) {
        throw new TargetsPendingError(
          `digest delivered, but chat target(s) ${pending.map((r) => `"${r.destination}"`).join(', ')} failed; they are retried on the next run`,
          { action: 'ChatSend' },
        );
      }
      return primaryResult;
    },
  };
}

/** A copy of `digest` with every string value redacted (keys and other values unchanged). */
function redactStrings(digest: Digest): Digest {
  return JSON.parse(JSON.stringify(digest), (_key, value: unknown) =>
    typeof value === 'string' ? redact(value) : value,
  ) as Digest;
}
