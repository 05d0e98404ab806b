import type { DomainOutcome } from '../port';

/**
 * What an operator should do about an outcome. The registrar's failure codes for these cases are UNCONFIRMED (the
 * API documents none: only the free-text ErrorMsg/FailReason is known), so failure reasons are classified by their
 * text in English and Chinese; an unrecognised reason gets the generic advice, never a wrong one.
 */
export type AdviceKind =
  | 'coupon'
  | 'balance'
  | 'real-name'
  | 'stale-expiry'
  | 'premium'
  | 'max-term'
  | 'renewed-anyway'
  | 'other-failure'
  | 'unknown'
  | 'stuck'
  | 'will-lapse'
  | 'will-lapse-look'
  | 'deferred'
  | 'expiry-moved'
  | 'orphaned';

export interface Advice {
  /** Heading in the email's "What to do" section. */
  title: string;
  /** Short label for the SMS line. */
  smsLabel: string;
  todo: string;
}

export const ADVICE: Record<AdviceKind, Advice> = {
  coupon: {
    title: 'Coupon or promotion refused',
    smsLabel: 'coupon refused',
    todo: "the coupon (voucher) or promotion the policy gives these domains was refused (used up, expired, or not valid for them): replace or remove it in the policy (the rule's or the defaults' coupon/promotion). Until then each run sends the same one and uses an attempt (limits.maxAttempts); once retries stop, run `autorenew retry <domain>` after the change, or renew by hand in the console.",
  },
  balance: {
    title: 'Insufficient balance',
    smsLabel: 'insufficient balance',
    todo: 'top up the Alibaba Cloud account balance; the next renew run retries these domains.',
  },
  'real-name': {
    title: 'Real-name verification',
    smsLabel: 'real-name verification',
    todo: 'complete real-name verification for these domains in the Alibaba Cloud console; the next run retries.',
  },
  'stale-expiry': {
    title: 'Expiry changed',
    smsLabel: 'stale expiry',
    todo: 'nothing to do: the expiry changed since it was read (perhaps renewed elsewhere); the next run re-reads it.',
  },
  premium: {
    title: 'Premium domain',
    smsLabel: 'premium domain',
    todo: 'set limits.allowPremium to true in the policy (premium prices apply), or renew by hand in the console.',
  },
  'max-term': {
    title: 'Over the 10-year limit',
    smsLabel: 'over 10-year limit',
    todo: 'lower years or limits.maxYearsAhead in the policy; nothing is retried until then.',
  },
  'renewed-anyway': {
    title: 'Renewed all the same',
    smsLabel: 'renewed anyway',
    todo: 'nothing to do: the registrar shows these domains renewed to old + years though their row failed (by another order, or by this one after all); they are not retried. Do not renew them by hand. Should the listing keep showing the old expiry, the renew run says so (shown-renewed, will-lapse from 7 days); only if the console too shows the old expiry and its task list no renewal of it, `autorenew retry <domain>` lets the next run buy it (a listing that lags catches up by itself).',
  },
  'other-failure': {
    title: 'Other failures',
    smsLabel: 'failed',
    todo: 'read the reason above; failed renewals are retried by the next run after a backoff, up to limits.maxAttempts (each line says where it stands). Once retries stop, fix the cause and run `autorenew retry <domain>` (or `--all-failed`), or renew it by hand in the console.',
  },
  unknown: {
    title: 'Unknown outcome',
    smsLabel: 'outcome unknown',
    todo: 'usually nothing: the check job settles these by itself from the registrar\'s task list and the expiry dates, and never sends them again blindly. You will get a "resolved" notice when it has. If one of these domains expires within a day or two, look in the Alibaba Cloud console task list for a renewal of it.',
  },
  stuck: {
    title: 'Stuck tasks',
    smsLabel: 'stuck',
    todo: 'look at these renewals in the Alibaba Cloud console task list; the check job keeps watching them and reminds you daily until they finish.',
  },
  deferred: {
    title: 'Not bought this run',
    smsLabel: 'not bought',
    todo: 'top up the account by the amount named above, or raise the money limit named in the reason (limits.* in the policy), or give the domain a price (money.priceTable); a line naming the time limit or an order not accepted needs nothing unless it repeats; the next renew run buys them.',
  },
  'will-lapse-look': {
    title: 'Will lapse: look first',
    smsLabel: 'will lapse, look first',
    todo: 'these due domains are not being renewed now, but a renewal of them may have run, be running, or still come from a run at another time (the reason is on each line): look at each in the console first; renew one by hand only if the console still shows the old expiry and its task list no renewal of it (for shown-renewed, then `autorenew retry <domain>` lets the next run buy it).',
  },
  'will-lapse': {
    title: 'Will lapse',
    smsLabel: 'will lapse',
    todo: 'these domains are due but are not being renewed (the reason is on each line): renew them by hand in the console, or change the policy, before they expire.',
  },
  'expiry-moved': {
    title: 'Expiry moved unexpectedly',
    smsLabel: 'expiry moved',
    todo: 'compare the expiry in the Alibaba Cloud console with the line above; nothing more is bought for these domains until a person has looked.',
  },
  orphaned: {
    title: 'Repaired records',
    smsLabel: 'record repaired',
    todo: 'nothing to do: a ledger write had failed and the check job repaired it; tell the maintainers if this repeats.',
  },
};

/**
 * How check begins the reason of a failed row whose domain the registrar shows renewed all the same: the line is
 * advised as `renewed-anyway`, whatever the row's own text (which follows it) says.
 */
export const RENEWED_ANYWAY_PREFIX = 'the registrar shows it renewed to ';

/** How a lapse-risk line (an unknown renewal that cannot settle before the expiry, notices.ts) begins its reason. */
export const UNKNOWN_LAPSE_PREFIX = 'a renewal of it has an unknown outcome';

/**
 * What a will-lapse line adds when a renewal of the domain this account sent is still in flight or recorded renewed
 * (plan-listing.ts markOwnRenewals): advised "look first", never a bare "renew it by hand".
 */
export const OWN_RENEWAL_NOTE = 'a renewal of it this tool sent';

/** How the lapse line of a watched renewal told with a renew run that failed before its plan begins (report-run.ts). */
export const FAILED_RUN_LAPSE_PREFIX = 'the renew run failed before it could plan';

/** How the lapse line of a domain left to another account's overlapping run begins (run-notices.ts collectHeldBack). */
export const PEER_RUN_LAPSE_PREFIX = "left to another account's overlapping run";

/**
 * How the lapse line of a domain this account took in the run's room and then gave back unsent begins (run-notices.ts
 * collectHeldBack): another account of the run may have bought it since.
 */
export const GIVEN_BACK_LAPSE_PREFIX = 'given back to the other accounts of this run';

/** How the lapse line of our own renewal in flight told while the check job is silent begins (jobs/renew.ts). */
export const CHECK_SILENT_LAPSE_PREFIX = 'in flight, not confirmed while the check job has not run';

/**
 * Will-lapse lines (will-lapse.ts: "<plan reason>: <text>"; notices.ts lapse-risk) whose domain a renewal may
 * already have renewed or be renewing: the advice is to look first, never a bare "renew by hand" (review 2026-12-04: a second purchase).
 */
const LOOK_FIRST = new RegExp(
  `^(?:(?:shown-renewed|renewed-not-shown|renewing-elsewhere|elsewhere-unread|open-batch|retry-too-late|not-listed):|${UNKNOWN_LAPSE_PREFIX}|${PEER_RUN_LAPSE_PREFIX}|${GIVEN_BACK_LAPSE_PREFIX}|${FAILED_RUN_LAPSE_PREFIX}|${CHECK_SILENT_LAPSE_PREFIX})`,
);

const REASON_PATTERNS: ReadonlyArray<readonly [AdviceKind, RegExp]> = [
  ['renewed-anyway', new RegExp(`^${RENEWED_ANYWAY_PREFIX}`)],
  ['premium', /premium|溢价/i],
  // The ACCOUNT's balance first: such a refusal may quote the price after a discount ("优惠后应付金额", "the
  // promotional price"), and read as a coupon's it used attempts until retries stopped on a policy with no coupon
  // (review of the coupon kind, 2026-12-07, twenty-eighth session).
  ['balance', /account[\s_-]*balance|账户余额/i],
  // Before the other balance texts and stale-expiry: a voucher has a balance and an expiration date of its own, and
  // neither a top-up nor "nothing to do" fixes it (review 2026-12-07, twenty-eighth session). Not a bare "优惠"
  // (discount), "促销" or "promotional"/"promotion price": words any price may carry.
  ['coupon', /coupon|voucher|promotion(?!al|[\s_-]*price)|代金券|优惠券|优惠码/i],
  ['balance', /insufficient[\s_-]*(account[\s_-]*)?(balance|funds)|balance|not enough (money|funds)|余额/i],
  ['real-name', /real[\s_-]?name|userverification|audit|实名/i],
  ['max-term', /10[\s-]?years?|ten years|maximum (renewal )?(period|term|duration)|超过.*年/i],
  ['stale-expiry', /currentexpirationdate|expir\w*[\s_-]?date|stale|到期(时间|日期)/i],
];

/**
 * The advice kind for a failure reason, or undefined when the text matches no known case. `couponSent`: the order
 * carried a coupon or promotion; without one a reason is never the coupon's, whatever words it has ("余额不足，未使用
 * 优惠券", "no coupon was applied": a balance refusal read as a coupon's used attempts until retries stopped, and the
 * domain lapsed after the top-up: review 2026-12-07, twenty-eighth session).
 */
export function classifyReason(reason: string | undefined, couponSent = false): AdviceKind | undefined {
  if (!reason) return undefined;
  // A reason saying the coupon's own balance is short, or the coupon expired or is invalid, is the coupon's on an order
  // that carried one, whatever else it says: "代金券余额不足，没有可用的代金券" and "代金券余额不足，账户余额未扣款" were
  // advised a top-up, used no attempt, and the same voucher went out daily until the domain lapsed (review 2026-12-07,
  // twenty-ninth session, twice: the "no coupon" words, then the account balance's).
  if (couponSent && COUPON_SHORT.test(reason) && !ACCOUNT_SHORT.test(reason)) return 'coupon';
  // Otherwise a reason saying no coupon was used is not the coupon's, even for an order that carried one (the review
  // of the `couponSent` gate: "余额不足，未使用优惠券" used attempts until the domain lapsed after the top-up).
  const coupon = couponSent && !NO_COUPON_USED.test(reason);
  return REASON_PATTERNS.find(([kind, pattern]) => (coupon || kind !== 'coupon') && pattern.test(reason))?.[0];
}

/**
 * A reason that says a coupon's or voucher's own balance is short, or that it expired or is invalid (not "the account
 * balance is short" beside a coupon that cannot be used: "账户余额不足，代金券余额不可用于此订单" stays the balance's).
 */
const COUPON_SHORT =
  /(代金券|优惠券)(的)?(可用)?(余额)?(不足|已过期|已失效|已到期|过期|失效|到期)|(coupon|voucher)('s)?[\s_-]+(available[\s_-]+)?balance[\s_-]+(is[\s_-]+)?(insufficient|not[\s_-]+enough|too[\s_-]+low)|insufficient[\s_-]+(coupon|voucher)[\s_-]+balance|(coupon|voucher)[\s_-]+(has[\s_-]+(insufficient|expired)|is[\s_-]+(past|expired|invalid|insufficient)|expired)/i;

/**
 * A reason that says the account's own balance is short: the account's, though it also says the coupon expired or was
 * not used (the review of COUPON_SHORT: "账户余额不足（代金券已失效，未使用）" read as the coupon's used attempts, and after
 * the top-up no retry was left).
 */
const ACCOUNT_SHORT =
  /账户(可用)?余额不足|(insufficient|not[\s_-]+enough)[\s_-]+(account|cash)[\s_-]+balance|(account|cash)[\s_-]+balance[\s_-]+(is[\s_-]+)?(insufficient|not[\s_-]+enough|too[\s_-]+low)/i;

/** A reason that says the order used no coupon or voucher. */
const NO_COUPON_USED = /未使用(优惠券|代金券)|没有(可用的?)?(优惠券|代金券)|no[\s_-]+(coupon|voucher)/i;

/** The advice kind for an outcome, or undefined when nothing needs doing (submitted, renewed). */
export function adviceKindOf(outcome: DomainOutcome): AdviceKind | undefined {
  switch (outcome.event) {
    case 'failed':
      // No retry expected (retry state too-late): not "top up, the next run retries", nor a bare "renew it by hand";
      // its will-lapse line's "look first" is the advice (review 2026-12-06, round 6).
      if (outcome.retry?.state === 'too-late') return 'will-lapse-look';
      return classifyReason(outcome.reason, outcome.couponSent === true) ?? 'other-failure';
    case 'unknown':
      return 'unknown';
    case 'stuck':
      return 'stuck';
    case 'will-lapse':
      return LOOK_FIRST.test(outcome.reason ?? '') || (outcome.reason ?? '').includes(OWN_RENEWAL_NOTE)
        ? 'will-lapse-look'
        : 'will-lapse';
    case 'deferred':
      return 'deferred';
    case 'expiry-moved':
      return 'expiry-moved';
    case 'orphaned':
      return 'orphaned';
    default:
      return undefined;
  }
}
