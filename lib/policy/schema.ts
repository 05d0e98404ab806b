import { minorDigits } from '../money';
import { gt, max, min, minLength, refine, regex, withChecks, withCustomCheck } from '../validate/checks';
import { array, record, strictObject, union } from '../validate/containers';
import type { ErrorMap } from '../validate/issue';
import { boolean, int, literal, number, oneOf, string } from '../validate/scalars';
import type { Output, Schema, Shape } from '../validate/schema';
import { documented as doc, optional, prefault, withDefault } from '../validate/wrappers';
import { describeValue } from './describe';

/**
 * The policy file format v1: the single source of truth. `policies/policy.schema.json` and docs/policy-reference.md
 * are generated from it and the loader validates with it. Every object is strict, so a typo fails loudly; every message says what is
 * expected and what was found.
 *
 * Written with the project's own small schema kit (lib/validate) because every cold start loads it: zod/mini was
 * ~31 KB of a ~185 KB handler bundle, the kit is a few KB. The descriptions the generated docs show are kept in
 * ./descriptions.ts, keyed by path: `doc(...)` marks the node each one belongs to, so the handlers carry no doc text.
 */

/** Events a notification can be sent for. */
export const NOTIFY_EVENTS = [
  'submitted',
  'renewed',
  'failed',
  'unknown',
  'stuck',
  'error',
  'will-lapse',
  'deferred',
  'upcoming',
  'elsewhere',
  'expiry-moved',
  'resolved',
  'orphaned',
] as const;
export type NotifyEvent = (typeof NOTIFY_EVENTS)[number];

/**
 * Events that also get an SMS unless the policy says otherwise: everything but the routine `submitted`,
 * `renewed`, `upcoming` and `elsewhere` (`will-lapse` pages only at 7 days left or fewer).
 */
export const DEFAULT_SMS_EVENTS: readonly NotifyEvent[] = NOTIFY_EVENTS.filter(
  (e) => e !== 'submitted' && e !== 'renewed' && e !== 'upcoming' && e !== 'elsewhere',
);

/** An unknown submit is never released sooner than this many hours after it started (see docs/design.md). */
export const MIN_RELEASE_AFTER_HOURS = 24;

/** Listing more than this many days after expiry is pointless: the grace period ends, redemption starts. */
export const MAX_DAYS_AFTER_EXPIRY = 30;

const got = (input: unknown): string => (input === undefined ? 'but it is missing' : `got ${describeValue(input)}`);

/** `must be <what>, got <value>` (or `but it is missing`) for every issue of a schema. */
const mustBe =
  (what: string): ErrorMap =>
  ({ input }) =>
    `must be ${what}, ${got(input)}`;

function intRange(low: number, high: number, what = 'a whole number') {
  return withChecks(int(mustBe(`${what} from ${low} to ${high}`)), min(low), max(high));
}

function positiveInt() {
  return withChecks(int(mustBe('a whole number of at least 1')), min(1), max(Number.MAX_SAFE_INTEGER));
}

function positiveNumber() {
  return withChecks(number(mustBe('a number greater than 0')), gt(0), max(1e6));
}

const bool = () => boolean(mustBe('true or false'));

const text = (what: string) => withChecks(string(mustBe(what)), regex(/\S/));

const description = doc(string(mustBe('a string (a comment for humans)')));

/** Strict object whose wrong-type message names the expected shape. Unknown keys are reported by the loader. */
const strict = <S extends Shape>(shape: S, what: string) =>
  strictObject(shape, ({ code, input }) =>
    code === 'unrecognized_keys' ? undefined : `must be ${what}, ${got(input)}`,
  );

/** A glob over a whole domain name: letters (any script, for IDN), digits, `-`, `.` and `*`. */
export const GLOB_PATTERN = /^[\p{L}\p{M}\p{N}.*-]+$/u;

const glob = withChecks(
  string(mustBe('a domain pattern string such as "*.example.com"')),
  regex(
    GLOB_PATTERN,
    ({ input }) =>
      `${describeValue(input)} is not a valid domain pattern: use only letters, digits, "-", "." and "*" (e.g. "*.example.com")`,
  ),
  // No listed name has an empty label: such a pattern matches nothing, and its domains fell through to the
  // defaults unnoticed (opted-out under an allow-list policy: review 2026-12-04).
  refine(
    (v: string) => !/^\.|\.$|\.\./.test(v),
    ({ input }) =>
      `${describeValue(input)} matches no domain: a dot at either end or two in a row leave an empty label; write it as "example.com" or "*.example.com"`,
  ),
);

const daysBefore = () => doc(intRange(0, 365));
const daysAfter = () => doc(intRange(0, MAX_DAYS_AFTER_EXPIRY));
const years = () => doc(intRange(1, 10));
/**
 * A number the registrar is sent as written: spaces around it are refused, not trimmed in silence (review
 * 2026-12-05, round 4: strings were not trimmed).
 */
const sentAsWritten = (what: string) =>
  withChecks(
    text(what),
    refine(
      // A blank one is reported once, as empty.
      (v: string) => v === v.trim() || v.trim() === '',
      ({ input }) =>
        `${describeValue(input)} has white space at its start or end, and is sent to the registrar as written; remove it`,
    ),
  );
const coupon = () => doc(sentAsWritten('a non-empty coupon number string'));
const promotion = () => doc(sentAsWritten('a non-empty promotion number string'));

const windowSchema = doc(
  strict(
    {
      daysBeforeExpiry: withDefault(daysBefore(), 30),
      // The grace period: a domain that expired despite the policy (a failed or late renewal) is still rescued at
      // the renewal price. Equal to policies/default.json and the README (test/unit/policy-defaults.test.ts).
      daysAfterExpiry: withDefault(daysAfter(), 30),
    },
    'an object like {"daysBeforeExpiry": 30, "daysAfterExpiry": 0}',
  ),
);

const partialWindowSchema = doc(
  strict(
    { daysBeforeExpiry: optional(daysBefore()), daysAfterExpiry: optional(daysAfter()) },
    'an object like {"daysBeforeExpiry": 90}',
  ),
);

const defaultsSchema = doc(
  strict(
    {
      renew: doc(withDefault(bool(), true)),
      years: withDefault(years(), 1),
      coupon: optional(coupon()),
      promotion: optional(promotion()),
    },
    'an object like {"renew": true, "years": 1}',
  ),
);

const nonEmptyList = <S extends Schema>(item: S, what: string) =>
  withChecks(
    array(item, mustBe(`a list of ${what}`)),
    minLength(1, `must list at least one ${what.replace(/s$/, '')}; remove the key instead of leaving it empty`),
  );

const ruleSchema = withCustomCheck(
  doc(
    strict(
      {
        name: doc(text('a non-empty rule name')),
        description: optional(description),
        match: doc(optional(nonEmptyList(glob, 'domain patterns'))),
        groups: doc(optional(nonEmptyList(text('a non-empty group name'), 'domain group names'))),
        renew: doc(optional(bool())),
        years: optional(years()),
        window: optional(partialWindowSchema),
        coupon: optional(coupon()),
        promotion: optional(promotion()),
      },
      'a rule object like {"name": "brand", "match": ["*.example.com"], "years": 2}',
    ),
  ),
  (rule, report) => {
    if (rule.match === undefined && rule.groups === undefined) {
      report([], `rule "${rule.name}" matches nothing: add "match" (domain patterns) or "groups" (group names)`);
    }
    if (rule.renew === false) {
      for (const key of ['years', 'coupon', 'promotion'] as const) {
        if (rule[key] !== undefined) {
          report([key], `contradicts "renew": false in rule "${rule.name}": remove "${key}" or the "renew": false`);
        }
      }
    }
  },
);

const rulesSchema = withCustomCheck(doc(array(ruleSchema, mustBe('a list of rule objects'))), (rules, report) => {
  const seen = new Map<string, number>();
  rules.forEach((rule, i) => {
    const key = rule.name.toLowerCase();
    const first = seen.get(key);
    if (first === undefined) seen.set(key, i);
    else
      report(
        [i, 'name'],
        `duplicate rule name "${rule.name}" (also rules[${first}].name): give each rule a unique name`,
      );
  });
});

/** An amount of money in `money.currency`: a decimal string such as "79.00" or a number, never negative. */
const AMOUNT = /^\d{1,12}(\.\d+)?$/;
const amount = () =>
  doc(
    withChecks(
      union([string(), number()], mustBe('an amount in money.currency such as "79.00" or 79')),
      refine(
        (v: string | number) => AMOUNT.test(typeof v === 'number' ? String(v) : v.trim()),
        ({ input }) =>
          `must be an amount of at least 0 such as "79.00" or 79 (digits, at most one ".", no sign or thousands separator), ${got(input)}`,
      ),
    ),
  );

/** Per-TLD prices: a TLD without its leading dot, lower case, e.g. `com` or `com.cn`. */
export const TLD_PATTERN = /^[a-z0-9-]+(\.[a-z0-9-]+)*$/;

const notTld = (input: unknown) =>
  `${describeValue(input)} is not a TLD: write it lower case without the leading dot, e.g. "com" or "com.cn"`;

const moneySchema = doc(
  strict(
    {
      currency: doc(
        withDefault(
          withChecks(
            string(mustBe('a currency code such as "CNY" or "USD"')),
            regex(/^[A-Z]{3}$/, mustBe('a three-letter upper-case currency code such as "CNY"')),
          ),
          'CNY',
        ),
      ),
      priceTable: doc(
        optional(
          record(withChecks(string(), regex(TLD_PATTERN)), amount(), ({ code, input }) =>
            code === 'invalid_key'
              ? notTld(input)
              : `must be an object of TLD to one-year price, like {"com": "79.00"}, ${got(input)}`,
          ),
        ),
      ),
      unpriced: doc(withDefault(oneOf(['skip', 'renew'], mustBe('"skip" or "renew"')), 'skip')),
      balanceUnreadable: doc(withDefault(oneOf(['stop', 'continue'], mustBe('"stop" or "continue"')), 'stop')),
      registrarAutoRenew: doc(withDefault(oneOf(['skip', 'renew'], mustBe('"skip" or "renew"')), 'skip')),
      checkDomainPrice: doc(withDefault(oneOf(['ignore', 'use'], mustBe('"ignore" or "use"')), 'ignore')),
    },
    'an object like {"currency": "CNY", "priceTable": {"com": "79.00"}}',
  ),
);

const limitsSchema = doc(
  strict(
    {
      maxDomainsPerRun: doc(withDefault(positiveInt(), 100)),
      maxYearsAhead: doc(withDefault(intRange(1, 10), 10)),
      maxBatchSize: doc(withDefault(intRange(1, 1000), 100)),
      allowPremium: doc(withDefault(bool(), false)),
      maxAttempts: doc(withDefault(intRange(1, 10), 3)),
      retryAfterHours: doc(withDefault(positiveNumber(), 24)),
      releaseAfterHours: doc(
        withDefault(
          withChecks(
            number(mustBe(`a number of hours of at least ${MIN_RELEASE_AFTER_HOURS}`)),
            min(
              MIN_RELEASE_AFTER_HOURS,
              mustBe(`at least ${MIN_RELEASE_AFTER_HOURS} hours (a task can wait in the registrar's queue for hours)`),
            ),
            max(24 * 30, mustBe('at most 720 hours (30 days)')),
          ),
          MIN_RELEASE_AFTER_HOURS,
        ),
      ),
      maxPricePerDomain: optional(amount()),
      maxSpendPerRun: optional(amount()),
      maxSpendPerMonth: optional(amount()),
      minBalanceAfter: optional(amount()),
    },
    'an object like {"maxDomainsPerRun": 100}',
  ),
);

const eventList = (what: string) =>
  withCustomCheck(
    array(
      oneOf(NOTIFY_EVENTS, mustBe(`one of ${NOTIFY_EVENTS.map((e) => `"${e}"`).join(', ')}`)),
      mustBe(`a list of event names (${what})`),
    ),
    (events, report) => {
      events.forEach((e, i) => {
        if (events.indexOf(e) !== i) report([i], `duplicate event "${e}"; list each event once`);
      });
    },
  );

/** Kinds of chat/webhook notification targets; each speaks its platform's own message format. */
export const TARGET_KINDS = ['dingtalk', 'feishu', 'wecom', 'slack', 'webhook'] as const;
export type TargetKind = (typeof TARGET_KINDS)[number];

/** Severities a digest can have, lowest first: `alert` when an event of `notify.smsEvents` is present. */
export const SEVERITIES = ['info', 'alert'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** A target name: it also names its credentials, AUTORENEW_TARGET_<NAME>_URL (upper case, `-` as `_`). */
export const TARGET_NAME = /^[A-Za-z][A-Za-z0-9_-]{0,39}$/;

/** The environment-variable stem of a target name: `ops-dingtalk` -> `AUTORENEW_TARGET_OPS_DINGTALK`. */
export function targetEnvStem(name: string): string {
  return `AUTORENEW_TARGET_${name.toUpperCase().replace(/-/g, '_')}`;
}

const targetSchema = doc(
  strict(
    {
      name: doc(
        withChecks(
          string(mustBe('a target name string such as "ops-dingtalk"')),
          regex(
            TARGET_NAME,
            ({ input }) =>
              `${describeValue(input)} is not a valid target name: start with a letter, then letters, digits, "-" or "_", at most 40 characters`,
          ),
        ),
      ),
      description: optional(description),
      kind: doc(oneOf(TARGET_KINDS, mustBe(`one of ${TARGET_KINDS.map((k) => `"${k}"`).join(', ')}`))),
      events: doc(withDefault(eventList('chat target'), [...NOTIFY_EVENTS])),
      minSeverity: doc(withDefault(oneOf(SEVERITIES, mustBe('"info" or "alert"')), 'info')),
    },
    'a target object like {"name": "ops-dingtalk", "kind": "dingtalk"}',
  ),
);

const targetsSchema = withCustomCheck(
  doc(array(targetSchema, mustBe('a list of target objects'))),
  (targets, report) => {
    const seen = new Map<string, number>();
    targets.forEach((target, i) => {
      const key = targetEnvStem(target.name);
      const first = seen.get(key);
      if (first === undefined) seen.set(key, i);
      else
        report(
          [i, 'name'],
          `target name "${target.name}" clashes with notify.targets[${first}].name (names are compared case-insensitively, "-" as "_"): give each target a unique name`,
        );
    });
  },
);

const notifySchema = doc(
  strict(
    {
      events: doc(withDefault(eventList('email digest'), [...NOTIFY_EVENTS])),
      smsEvents: doc(withDefault(eventList('SMS line'), [...DEFAULT_SMS_EVENTS])),
      stuckAfterHours: doc(withDefault(positiveNumber(), 24)),
      advanceDays: doc(withDefault(intRange(0, 60), 7)),
      targets: optional(targetsSchema),
    },
    'an object like {"events": ["failed"], "stuckAfterHours": 24}',
  ),
);

const policyShape = strict(
  {
    $schema: doc(optional(string(mustBe('a string (path or URL of policy.schema.json)')))),
    description: optional(description),
    version: doc(
      literal(1, ({ input }) =>
        input === undefined
          ? 'is required: add "version": 1 at the top level'
          : `must be 1 (the only policy format version), ${got(input)}`,
      ),
    ),
    lang: doc(optional(oneOf(['en', 'zh'], mustBe('"en" or "zh"')))),
    window: prefault(windowSchema, {}),
    defaults: prefault(defaultsSchema, {}),
    rules: withDefault(rulesSchema, []),
    limits: prefault(limitsSchema, {}),
    notify: prefault(notifySchema, {}),
    money: prefault(moneySchema, {}),
  },
  'a JSON object like {"version": 1}',
);

/** The schema of a v1 policy file. */
export const policySchema = withCustomCheck(policyShape, (policy, report) => {
  // A renewal of `years` decided `daysBeforeExpiry` days ahead lands up to years + that window past now; if that
  // cannot fit under maxYearsAhead, every not-yet-expired domain is `at-max-term` and lapses.
  const max = policy.limits.maxYearsAhead;
  const check = (years: number, daysBefore: number, path: (string | number)[], who: string) => {
    // Values already reported out of range are not judged again.
    const sane = [years, daysBefore, max].every(Number.isInteger) && years >= 1 && years <= 10 && max >= 1 && max <= 10;
    const allowed = daysBefore > 0 ? max - 1 : max;
    if (!sane || years <= allowed) return;
    report(
      path,
      `${who} renews for ${years} year(s) up to ${daysBefore} days before expiry, which cannot fit within ` +
        `limits.maxYearsAhead ${max}: every domain it covers would be skipped as at-max-term and lapse; ` +
        (allowed > 0 ? `set years to at most ${allowed} or ` : '') +
        `raise limits.maxYearsAhead to at least ${Math.min(10, years + (daysBefore > 0 ? 1 : 0))}`,
    );
  };
  const digits = minorDigits(policy.money.currency);
  const checkAmount = (value: string | number | undefined, path: (string | number)[]) => {
    if (value === undefined) return;
    const fraction = (String(value).trim().split('.')[1] ?? '').replace(/0+$/, '');
    if (fraction.length > digits)
      report(
        path,
        `${describeValue(value)} has more decimals than ${policy.money.currency} has (${digits}); write it exactly, amounts are never rounded`,
      );
  };
  for (const key of ['maxPricePerDomain', 'maxSpendPerRun', 'maxSpendPerMonth', 'minBalanceAfter'] as const)
    checkAmount(policy.limits[key], ['limits', key]);
  // An unpriced renewal is counted at maxPricePerDomain; without it, a spend limit would bound none of them
  // (review 2026-12-07).
  const spendLimits = (['maxSpendPerRun', 'maxSpendPerMonth', 'minBalanceAfter'] as const).filter(
    (key) => policy.limits[key] !== undefined,
  );
  if (policy.money.unpriced === 'renew' && policy.limits.maxPricePerDomain === undefined && spendLimits.length > 0)
    report(
      ['limits'],
      `money.unpriced "renew" with ${spendLimits.map((k) => `limits.${k}`).join(', ')} needs limits.maxPricePerDomain: each renewal no source prices is counted at it, and without it those limits would bound none of them; add maxPricePerDomain, or set money.unpriced to "skip"`,
    );
  // Counted at 0, an unpriced renewal passes every money limit, as a table price of 0 would (M5; review 2026-12-07,
  // twenty-sixth session: four went out past a 150 CNY run cap).
  const maxPrice = policy.limits.maxPricePerDomain;
  if (policy.money.unpriced === 'renew' && maxPrice !== undefined && Number(String(maxPrice).trim()) === 0)
    report(
      ['limits', 'maxPricePerDomain'],
      `${describeValue(maxPrice)} with money.unpriced "renew": each renewal no source prices is counted at it, so every money limit would pass them at 0; write the most one renewal may cost, or set money.unpriced to "skip"`,
    );
  for (const [tld, price] of Object.entries(policy.money.priceTable ?? {})) {
    checkAmount(price, ['money', 'priceTable', tld]);
    // A price of 0 would pass every money limit while the registrar charges the real price (M5).
    if (Number(String(price).trim()) === 0)
      report(
        ['money', 'priceTable', tld],
        `${describeValue(price)} is not a renewal price: every .${tld} domain would pass the money limits at 0; write the one-year price, or remove the key`,
      );
  }
  // A window of no width is one instant: a daily run never sees a domain in it, and the first word of it is the
  // past-window line after the expiry (review 2026-12-04). One day wide, the daily run (24 h apart) sees it only if
  // it comes on time, every time: seconds late, or one failed run, and the domain lapses (review 2026-12-05, round 4).
  const checkWidth = (daysBefore: number, daysAfter: number, path: (string | number)[], whose: string) => {
    if (!Number.isInteger(daysBefore) || !Number.isInteger(daysAfter) || daysBefore + daysAfter >= 2) return;
    report(
      path,
      daysBefore + daysAfter === 0
        ? `${whose}renewal window is 0 days wide (daysBeforeExpiry 0, daysAfterExpiry 0): a daily run never sees a domain due in it, and the domain lapses; set daysBeforeExpiry to at least 2 (30 is the default)`
        : `${whose}renewal window is 1 day wide (daysBeforeExpiry ${daysBefore}, daysAfterExpiry ${daysAfter}): a daily run that comes a little late, or fails once, never sees a domain due in it, and the domain lapses; make the two add up to at least 2 days (daysBeforeExpiry 30 is the default)`,
    );
  };
  if (policy.defaults.renew) {
    check(policy.defaults.years, policy.window.daysBeforeExpiry, ['defaults', 'years'], 'defaults');
    checkWidth(policy.window.daysBeforeExpiry, policy.window.daysAfterExpiry, ['window'], 'the ');
  }
  policy.rules.forEach((rule, i) => {
    if (!(rule.renew ?? policy.defaults.renew)) return;
    const daysBefore = rule.window?.daysBeforeExpiry ?? policy.window.daysBeforeExpiry;
    const path = rule.years !== undefined ? ['rules', i, 'years'] : ['rules', i];
    check(rule.years ?? policy.defaults.years, daysBefore, path, `rule "${rule.name}"`);
    // Reported once, at the global window, when the rule only inherits it.
    if (rule.window !== undefined || !policy.defaults.renew)
      checkWidth(
        daysBefore,
        rule.window?.daysAfterExpiry ?? policy.window.daysAfterExpiry,
        rule.window !== undefined ? ['rules', i, 'window'] : ['rules', i],
        `rule "${rule.name}"'s `,
      );
  });
  // The lines by which a domain the run does not buy, or whose renewal does not end, reaches a person before it
  // expires: a list without them let it lapse with no message (review; "stuck" and "unknown": review 2026-12-05,
  // round 4, a renewal accepted and never run was told once, as submitted, and the domain lapsed in silence).
  for (const [event, why] of REQUIRED_EVENTS)
    if (!policy.notify.events.includes(event))
      report(
        ['notify', 'events'],
        `leaves out "${event}": ${why} would lapse with no message; add "${event}" to the list`,
      );
});

/** Events the email digest must carry, each with what would lapse unannounced without it. */
const REQUIRED_EVENTS: readonly (readonly [NotifyEvent, string])[] = [
  ['will-lapse', 'a due domain that is not being bought (premium, over a money limit, held, failed for good)'],
  ['stuck', 'a domain whose renewal was sent but never ends (a task left in the queue, a batch waiting for a person)'],
  [
    'unknown',
    'a domain whose order may or may not have reached the registrar (its answer was lost) and stays unsettled',
  ],
];

type DeepReadonly<T> = T extends readonly (infer U)[]
  ? readonly DeepReadonly<U>[]
  : T extends object
    ? { readonly [K in keyof T]: DeepReadonly<T[K]> }
    : T;

/** A parsed, validated policy with every default filled in. Deep-frozen. */
export type Policy = DeepReadonly<Output<typeof policySchema>>;
export type PolicyRule = Policy['rules'][number];
