/**
 * What each documented node of the policy schema (lib/policy/schema.ts, `doc(...)`) means, keyed by its path:
 * `rules[]` is each item of `rules`, `money.priceTable.*` each value of the record. Only the JSON Schema and reference
 * generators read this, so the Lambda handlers do not carry ~4 KB of prose; test/unit/policy-descriptions.test.ts
 * fails when a documented node has no text here or a text has no node.
 */

const COMMENT = 'Free text for humans; ignored by the tool (JSON has no comments).';
const DAYS_BEFORE =
  'Renew when the domain expires within this many days (24 h each); with daysAfterExpiry, at least 2 days wide in all (a daily run that comes late, or fails once, must still see the domain).';
const DAYS_AFTER =
  'Still renew this many days after expiry (grace period, at most 30; 28 for .hk, whatever this says; later needs redemption).';
const YEARS = 'Years to renew for, reduced to fit limits.maxYearsAhead.';
const COUPON = 'CouponNo sent with the batch.';
const PROMOTION = 'PromotionNo sent with the batch.';

export const POLICY_DESCRIPTIONS: Readonly<Record<string, string>> = {
  $schema: 'JSON Schema for editors, e.g. "./policy.schema.json".',
  description: COMMENT,
  version: 'Policy format version; must be 1.',
  lang: 'Language of registrar error messages (the API Lang parameter); default "en".',
  window: 'When a domain is due: expiry - now <= daysBeforeExpiry days and now - expiry <= daysAfterExpiry days.',
  'window.daysBeforeExpiry': DAYS_BEFORE,
  'window.daysAfterExpiry': DAYS_AFTER,
  defaults: 'Settings for domains no rule matches, and the base every rule overrides.',
  'defaults.renew': 'Renew domains no rule opts out.',
  'defaults.years': YEARS,
  'defaults.coupon': COUPON,
  'defaults.promotion': PROMOTION,
  rules: 'Ordered rules; the first match wins.',
  'rules[]': 'The first rule whose match or groups fits a domain wins; its fields override defaults.',
  'rules[].name': 'Unique name, shown in plans and notifications.',
  'rules[].description': COMMENT,
  'rules[].match':
    'Case-insensitive globs over the whole name; `*` matches any run of characters; no dot at either end or two in a row.',
  'rules[].groups': 'Alibaba domain group names (case and spaces around them do not count).',
  'rules[].renew': 'false: let matching domains lapse.',
  'rules[].years': YEARS,
  'rules[].window': 'Overrides of the top-level window for this rule.',
  'rules[].window.daysBeforeExpiry': DAYS_BEFORE,
  'rules[].window.daysAfterExpiry': DAYS_AFTER,
  'rules[].coupon': COUPON,
  'rules[].promotion': PROMOTION,
  limits: 'Spending caps (bounded spend, M4 in docs/design.md).',
  'limits.maxDomainsPerRun': 'At most this many domains are renewed per run; the rest wait, soonest expiry first.',
  'limits.maxYearsAhead': 'A renewal never moves expiry more than this many years past now.',
  'limits.maxBatchSize':
    'Most domains per SaveBatchTaskForCreatingOrderRenew call (a batch of very long names holds fewer, ~360 at 253 characters, so that its ledger record fits).',
  'limits.allowPremium': 'Renew premium domains (sends PermitPremiumRenew=true).',
  'limits.maxAttempts': 'Failed submissions of one domain+expiry before a human is needed.',
  'limits.retryAfterHours': 'Wait this many hours after a failed submission (from when it was sent) before retrying.',
  'limits.releaseAfterHours':
    'A submit whose outcome is unknown is released for a new attempt only this many hours after it started ' +
    '(at least 24), after two empty task-list reads an hour apart and with every expiry unchanged.',
  'limits.maxPricePerDomain':
    'No domain whose renewal (price x years) costs more than this is bought; it is skipped as over-price.',
  'limits.maxSpendPerRun':
    'One run buys at most this much, and the runs of one UTC day together too (a duplicate or overlapping run shares it); the rest is deferred, soonest expiry first.',
  'limits.maxSpendPerMonth':
    'All runs of a UTC calendar month together buy at most this much (a ledger counter, safe across overlapping runs).',
  'limits.minBalanceAfter': 'Keep at least this much cash in the account; what would go below it is deferred.',
  notify: 'What is announced through SNS.',
  'notify.events':
    'Events published to the topic (email gets the full digest); must include will-lapse, stuck and unknown (how a due domain that is not being bought, or whose renewal does not end, reaches a person). A job error is published whether listed or not: it can stand for notices that did not go out.',
  'notify.smsEvents': 'Events that also get a one-line SMS.',
  'notify.stuckAfterHours': 'A submitted batch with no result after this many hours is reported stuck.',
  'notify.advanceDays':
    'Advance notice: a domain is announced in an "upcoming" digest and bought only after the notice has been out this many days (time to `autorenew hold` it); one that would lapse first is bought at once, and the digest says why. 0: no notice.',
  'notify.targets': 'Chat and webhook targets that get the digest beside SNS.',
  'notify.targets[]': 'A chat or webhook destination beside SNS.',
  'notify.targets[].name':
    'Unique name; its URL and signing secret come from the credential source (AUTORENEW_TARGET_<NAME>_URL / _SECRET locally, the secret field "notifyTargets" in AWS), never from this file.',
  'notify.targets[].description': COMMENT,
  'notify.targets[].kind':
    'Platform: DingTalk robot, Feishu/Lark bot, WeCom group robot, Slack incoming webhook, or a generic signed JSON webhook.',
  'notify.targets[].events': 'Events this target receives (its message lists only these); default all.',
  'notify.targets[].minSeverity':
    '"alert": only digests with an event of notify.smsEvents (what pages people); "info": every digest.',
  money: 'Prices, balance and currency: what is checked before any money is spent.',
  'money.currency':
    "The account's currency. Every amount in this file is in it; a balance or quote in another currency stops the run before anything is bought.",
  'money.priceTable':
    'One-year renewal price per TLD, used when the registrar gives no price (source "table"); the longest matching TLD wins.',
  'money.priceTable.*': 'One year of renewal in money.currency.',
  'money.unpriced':
    '"skip": a domain no source prices is not bought and an alert says so; "renew": buy it anyway, counted at limits.maxPricePerDomain against every money limit (required with a spend limit; without it, counted 0), except a premium domain, which is never bought without a registrar price.',
  'money.balanceUnreadable':
    '"stop": when the balance cannot be read nothing is bought; "continue": buy within the other limits, also without the balance\'s check that the account\'s currency is money.currency (a real-time price states its currency; CheckDomain and the international site state none, and the table is trusted to be in the account\'s currency). The digest says which.',
  'money.checkDomainPrice':
    'CheckDomain\'s Price is documented only as a premium word\'s registration price: "ignore" (only a renew row of its price list prices, and never a premium name: the rows are its ordinary price; else the next source) or "use" (a positive Price counts as one year of renewal: UNCONFIRMED, check one against the console first).',
  'money.registrarAutoRenew':
    'A domain with Alibaba\'s own auto-renew on: "skip" (it may be bought by Alibaba too; reported) or "renew".',
};
