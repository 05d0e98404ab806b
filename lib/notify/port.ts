/**
 * The notifier port: what the jobs hand to people. `lib/renewal/digest.ts` renders a {@link Digest} into a
 * {@link RenderedMessage}; adapters (SNS, console) publish it. All times are epoch milliseconds (UTC).
 */

export type { NotifyEvent } from '../policy/schema';

import type { Money } from '../money';
import type { NotifyEvent } from '../policy/schema';

export interface DomainOutcome {
  domain: string;
  event: Exclude<NotifyEvent, 'error'>;
  batchId: string;
  oldExpiryMs: number;
  newExpiryMs?: number;
  years: number;
  taskNo?: string;
  /** will-lapse: whole days until expiry (negative once expired). */
  daysLeft?: number;
  /**
   * will-lapse: pages people whatever `daysLeft` says (an unknown renewal that cannot be settled before the
   * expiry: said once, so it must not be an email only).
   */
  urgent?: true;
  /** deferred: shown, but does not page people by itself (a hold-back far from its expiry). */
  quiet?: true;
  /** registrar message/code or our reason, e.g. 'Insufficient balance' */ reason?: string;
  /** What the renewal was quoted to cost (price x years), when known. */
  price?: Money;
  /** `price` is no quote: unpriced, counted at limits.maxPricePerDomain. */
  priceAssumed?: true;
  /** The order carried a coupon or promotion: only then is a failure reason read as the coupon's (advice.ts). */
  couponSent?: true;
  /**
   * failed: where the automatic retries stand after this failure (from the claim): `attempts` of `maxAttempts`
   * used, and whether the next run retries (`retrying`), retries for the last time (`last`), has stopped (`stopped`),
   * or retries without using an attempt until a person fixes the cause (`after-fix`).
   */
  retry?: {
    attempts: number;
    maxAttempts: number;
    state: 'retrying' | 'last' | 'stopped' | 'after-fix' | 'too-late';
    /** `too-late`: the last instant (epoch ms) the renew job buys it, before its retry backoff ends. */
    lastBuyMs?: number;
  };
}

export interface Digest {
  /** 'renew' or 'check' */ job: 'renew' | 'check';
  runId: string;
  nowMs: number;
  outcomes: DomainOutcome[];
  /**
   * Set when the job failed as a whole (bad policy, bad secret, registrar unreachable). `quiet`: told in the email
   * but paging no one (an hourly check failing again within a streak: report-run.ts pagesCheckFailure).
   */
  error?: { message: string; fix?: string; quiet?: boolean };
  /** e.g. deferred/skipped counts from the plan, shown as totals */ totals?: Record<string, number>;
  /** Run-level lines shown under the heading (money: spend, balance, what to top up). */
  notes?: string[];
}

export interface NotifyPolicy {
  events: readonly NotifyEvent[];
  smsEvents: readonly NotifyEvent[];
}

export interface RenderedMessage {
  subject: string;
  email: string;
  sms: string;
  default: string;
  event: NotifyEvent /* most severe present */;
  severity: 'info' | 'alert';
  /**
   * The SMS names a domain within 7 days of lapsing (or urgent): with several accounts, the combined SMS is that
   * account's, before another's job error (lib/renewal/account-digest.ts).
   */
  smsLapsing?: true;
  /**
   * With smsLapsing: the old expiry (epoch ms) of the domain the SMS names, and whether it has passed: with several
   * accounts, the combined SMS names the one closest to lapsing (lib/renewal/account-digest.ts).
   */
  smsLapse?: { expiryMs: number; expired: boolean };
  /** The digest this was rendered from: chat targets re-render it for their own events (lib/notify/fanout.ts). */
  digest?: Digest;
  /**
   * Lines the email could not list (its size limit; counted as "N more not listed"): their one-time marks are not
   * recorded, so a later digest names them first.
   */
  unlisted?: readonly DomainOutcome[];
  /**
   * Rendered for a chat target's events only ({@link Notifier.extraEvents}): the email and SMS have nothing to say,
   * so the primary (SNS, console) does not get it.
   */
  targetsOnly?: true;
}

export interface Notifier {
  publish(message: RenderedMessage): Promise<{ messageId?: string }>;
  /**
   * The email bytes one digest may use on this notifier (an account's share of a combined message); absent: the
   * whole message limit.
   */
  readonly maxEmailBytes?: number;
  /** The SMS septets one digest may use on this notifier (room for an account's name); absent: SMS_TEXT_SEPTETS. */
  readonly maxSmsSeptets?: number;
  /**
   * false: what this notifier shows reaches none of the people the stage notifies (the CLI's terminal against the
   * deployed table, without AUTORENEW_TOPIC_ARN). Notices are shown and stay pending, and no one-time mark is
   * written, so the scheduled jobs still send them; absent: a publish is a delivery.
   */
  readonly recordsDelivery?: false;
  /**
   * Events a chat target wants that the policy's `notify.events` leaves out: a digest with only those is still
   * published, marked {@link RenderedMessage.targetsOnly} (lib/notify/fanout.ts).
   */
  readonly extraEvents?: readonly NotifyEvent[];
}
