import * as z from 'zod/mini';
import { minorDigits } from '../money';
import { describeValue } from './describe';

/**
 * The policy file format v1: the single source of truth. `policies/policy.schema.json` and docs/policy-reference.md
 * are generated from it and the loader validates with it. Every object is strict, so a typo fails loudly; every message says what is
 * expected and what was found.
 *
 * Written with zod/mini (functions instead of methods: `z.optional(x)`, `x.check(z.regex(...))`) because every cold
 * start loads it: classic zod was ~440 KB of a ~550 KB handler bundle, zod/mini is ~31 KB. The core, the
 * messages and the generated JSON Schema are the same.
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

/**
 * Documents a schema for the generated JSON Schema and reference. zod/mini has no `.meta()` method; the `meta` check
 * registers a clone in the global registry exactly as classic `.meta()` does, so a shared schema keeps no stray text.
 */
const doc = <T extends z.ZodMiniType>(schema: T, description: string): T => schema.check(z.meta({ description }));

function intRange(min: number, max: number, what = 'a whole number') {
  const message = (iss: { input?: unknown }) => `must be ${what} from ${min} to ${max}, ${got(iss.input)}`;
  return z.int({ error: message }).check(z.minimum(min, { error: message }), z.maximum(max, { error: message }));
}

function positiveInt() {
  const message = (iss: { input?: unknown }) => `must be a whole number of at least 1, ${got(iss.input)}`;
  return z
    .int({ error: message })
    .check(z.minimum(1, { error: message }), z.maximum(Number.MAX_SAFE_INTEGER, { error: message }));
}

function positiveNumber() {
  const message = (iss: { input?: unknown }) => `must be a number greater than 0, ${got(iss.input)}`;
  return z.number({ error: message }).check(z.gt(0, { error: message }), z.maximum(1e6, { error: message }));
}

function bool() {
  return z.boolean({ error: (iss) => `must be true or false, ${got(iss.input)}` });
}

function text(what: string) {
  const message = (iss: { input?: unknown }) => `must be ${what}, ${got(iss.input)}`;
  return z.string({ error: message }).check(z.regex(/\S/, { error: message }));
}

const description = doc(
  z.string({ error: (iss) => `must be a string (a comment for humans), ${got(iss.input)}` }),
  'Free text for humans; ignored by the tool (JSON has no comments).',
);

/** Strict object whose wrong-type message names the expected shape. Unknown keys are reported by the loader. */
function strict<T extends z.core.$ZodLooseShape>(shape: T, what: string) {
  return z.strictObject(shape, {
    error: (iss) => (iss.code === 'unrecognized_keys' ? undefined : `must be ${what}, ${got(iss.input)}`),
  });
}

/** A glob over a whole domain name: letters (any script, for IDN), digits, `-`, `.` and `*`. */
export const GLOB_PATTERN = /^[\p{L}\p{M}\p{N}.*-]+$/u;

const glob = z
  .string({ error: (iss) => `must be a domain pattern string such as "*.example.com", ${got(iss.input)}` })
  .check(
    z.regex(GLOB_PATTERN, {
      error: (iss) =>
        `${describeValue(iss.input)} is not a valid domain pattern: use only letters, digits, "-", "." and "*" (e.g. "*.example.com")`,
    }),
  );

const daysBefore = () => doc(intRange(0, 365), 'Renew when the domain expires within this many days (24 h each).');
const daysAfter = () =>
  doc(
    intRange(0, MAX_DAYS_AFTER_EXPIRY),
    'Still renew this many days after expiry (grace period, at most 30; later needs redemption).',
  );
const years = () => doc(intRange(1, 10), 'Years to renew for, reduced to fit limits.maxYearsAhead.');
const coupon = () => doc(text('a non-empty coupon number string'), 'CouponNo sent with the batch.');
const promotion = () => doc(text('a non-empty promotion number string'), 'PromotionNo sent with the batch.');

const windowShape = {
  daysBeforeExpiry: z._default(daysBefore(), 30),
  // The grace period: a domain that expired despite the policy (a failed or late renewal) is still rescued at the
  // renewal price. Equal to policies/default.json and the README (test/unit/policy-defaults.test.ts).
  daysAfterExpiry: z._default(daysAfter(), 30),
};

const windowSchema = doc(
  strict(windowShape, 'an object like {"daysBeforeExpiry": 30, "daysAfterExpiry": 0}'),
  'When a domain is due: expiry - now <= daysBeforeExpiry days and now - expiry <= daysAfterExpiry days.',
);

const partialWindowSchema = doc(
  strict(
    { daysBeforeExpiry: z.optional(daysBefore()), daysAfterExpiry: z.optional(daysAfter()) },
    'an object like {"daysBeforeExpiry": 90}',
  ),
  'Overrides of the top-level window for this rule.',
);

const defaultsSchema = doc(
  strict(
    {
      renew: doc(z._default(bool(), true), 'Renew domains no rule opts out.'),
      years: z._default(years(), 1),
      coupon: z.optional(coupon()),
      promotion: z.optional(promotion()),
    },
    'an object like {"renew": true, "years": 1}',
  ),
  'Settings for domains no rule matches, and the base every rule overrides.',
);

const nonEmptyList = <T extends z.ZodMiniType>(item: T, what: string) =>
  z.array(item, { error: (iss) => `must be a list of ${what}, ${got(iss.input)}` }).check(
    z.minLength(1, {
      error: `must list at least one ${what.replace(/s$/, '')}; remove the key instead of leaving it empty`,
    }),
  );

const ruleSchema = doc(
  strict(
    {
      name: doc(text('a non-empty rule name'), 'Unique name, shown in plans and notifications.'),
      description: z.optional(description),
      match: doc(
        z.optional(nonEmptyList(glob, 'domain patterns')),
        'Case-insensitive globs over the whole name; `*` matches any run of characters.',
      ),
      groups: doc(
        z.optional(nonEmptyList(text('a non-empty group name'), 'domain group names')),
        'Alibaba domain group names (case-insensitive).',
      ),
      renew: doc(z.optional(bool()), 'false: let matching domains lapse.'),
      years: z.optional(years()),
      window: z.optional(partialWindowSchema),
      coupon: z.optional(coupon()),
      promotion: z.optional(promotion()),
    },
    'a rule object like {"name": "brand", "match": ["*.example.com"], "years": 2}',
  ),
  'The first rule whose match or groups fits a domain wins; its fields override defaults.',
).check(
  z.superRefine((rule, ctx) => {
    if (rule.match === undefined && rule.groups === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: [],
        message: `rule "${rule.name}" matches nothing: add "match" (domain patterns) or "groups" (group names)`,
      });
    }
    if (rule.renew === false) {
      for (const key of ['years', 'coupon', 'promotion'] as const) {
        if (rule[key] !== undefined) {
          ctx.addIssue({
            code: 'custom',
            path: [key],
            message: `contradicts "renew": false in rule "${rule.name}": remove "${key}" or the "renew": false`,
          });
        }
      }
    }
  }),
);

const rulesSchema = doc(
  z.array(ruleSchema, { error: (iss) => `must be a list of rule objects, ${got(iss.input)}` }).check(
    z.superRefine((rules, ctx) => {
      const seen = new Map<string, number>();
      rules.forEach((rule, i) => {
        const key = rule.name.toLowerCase();
        const first = seen.get(key);
        if (first === undefined) seen.set(key, i);
        else
          ctx.addIssue({
            code: 'custom',
            path: [i, 'name'],
            message: `duplicate rule name "${rule.name}" (also rules[${first}].name): give each rule a unique name`,
          });
      });
    }),
  ),
  'Ordered rules; the first match wins.',
);

/** An amount of money in `money.currency`: a decimal string such as "79.00" or a number, never negative. */
const AMOUNT = /^\d{1,12}(\.\d+)?$/;
const amount = (what: string) =>
  doc(
    z
      .union([z.string(), z.number()], {
        error: (iss) => `must be an amount in money.currency such as "79.00" or 79, ${got(iss.input)}`,
      })
      .check(
        z.refine((v) => AMOUNT.test(typeof v === 'number' ? String(v) : v.trim()), {
          error: (iss) =>
            `must be an amount of at least 0 such as "79.00" or 79 (digits, at most one ".", no sign or thousands separator), ${got(iss.input)}`,
        }),
      ),
    what,
  );

/** Per-TLD prices: a TLD without its leading dot, lower case, e.g. `com` or `com.cn`. */
export const TLD_PATTERN = /^[a-z0-9-]+(\.[a-z0-9-]+)*$/;

const notTld = (input: unknown) =>
  `${describeValue(input)} is not a TLD: write it lower case without the leading dot, e.g. "com" or "com.cn"`;

const moneySchema = doc(
  strict(
    {
      currency: doc(
        z._default(
          z.string({ error: (iss) => `must be a currency code such as "CNY" or "USD", ${got(iss.input)}` }).check(
            z.regex(/^[A-Z]{3}$/, {
              error: (iss) => `must be a three-letter upper-case currency code such as "CNY", ${got(iss.input)}`,
            }),
          ),
          'CNY',
        ),
        "The account's currency. Every amount in this file is in it; a balance or quote in another currency stops the run before anything is bought.",
      ),
      priceTable: doc(
        z.optional(
          z.record(
            z.string().check(z.regex(TLD_PATTERN, { error: (iss) => notTld(iss.input) })),
            amount('One year of renewal in money.currency.'),
            {
              error: (iss) =>
                iss.code === 'invalid_key'
                  ? notTld(iss.input)
                  : `must be an object of TLD to one-year price, like {"com": "79.00"}, ${got(iss.input)}`,
            },
          ),
        ),
        'One-year renewal price per TLD, used when the registrar gives no price (source "table"); the longest matching TLD wins.',
      ),
      unpriced: doc(
        z._default(
          z.enum(['skip', 'renew'], { error: (iss) => `must be "skip" or "renew", ${got(iss.input)}` }),
          'skip',
        ),
        '"skip": a domain no source prices is not bought and an alert says so; "renew": buy it anyway (money limits cannot bound it).',
      ),
      balanceUnreadable: doc(
        z._default(
          z.enum(['stop', 'continue'], { error: (iss) => `must be "stop" or "continue", ${got(iss.input)}` }),
          'stop',
        ),
        '"stop": when the balance cannot be read nothing is bought; "continue": buy within the other limits. The digest says which.',
      ),
      registrarAutoRenew: doc(
        z._default(
          z.enum(['skip', 'renew'], { error: (iss) => `must be "skip" or "renew", ${got(iss.input)}` }),
          'skip',
        ),
        'A domain with Alibaba\'s own auto-renew on: "skip" (it may be bought by Alibaba too; reported) or "renew".',
      ),
    },
    'an object like {"currency": "CNY", "priceTable": {"com": "79.00"}}',
  ),
  'Prices, balance and currency: what is checked before any money is spent.',
);

const limitsSchema = doc(
  strict(
    {
      maxDomainsPerRun: doc(
        z._default(positiveInt(), 100),
        'At most this many domains are renewed per run; the rest wait, soonest expiry first.',
      ),
      maxYearsAhead: doc(
        z._default(intRange(1, 10), 10),
        'A renewal never moves expiry more than this many years past now.',
      ),
      maxBatchSize: doc(z._default(intRange(1, 1000), 100), 'Domains per SaveBatchTaskForCreatingOrderRenew call.'),
      allowPremium: doc(z._default(bool(), false), 'Renew premium domains (sends PermitPremiumRenew=true).'),
      maxAttempts: doc(
        z._default(intRange(1, 10), 3),
        'Failed submissions of one domain+expiry before a human is needed.',
      ),
      retryAfterHours: doc(
        z._default(positiveNumber(), 24),
        'Wait this many hours after a failed submission before retrying.',
      ),
      releaseAfterHours: doc(
        z._default(
          z
            .number({
              error: (iss) => `must be a number of hours of at least ${MIN_RELEASE_AFTER_HOURS}, ${got(iss.input)}`,
            })
            .check(
              z.minimum(MIN_RELEASE_AFTER_HOURS, {
                error: (iss) =>
                  `must be at least ${MIN_RELEASE_AFTER_HOURS} hours (a task can wait in the registrar's queue for hours), ${got(iss.input)}`,
              }),
              z.maximum(24 * 30, { error: (iss) => `must be at most 720 hours (30 days), ${got(iss.input)}` }),
            ),
          MIN_RELEASE_AFTER_HOURS,
        ),
        'A submit whose outcome is unknown is released for a new attempt only this many hours after it started ' +
          '(at least 24), after two empty task-list reads an hour apart and with every expiry unchanged.',
      ),
      maxPricePerDomain: z.optional(
        amount('No domain whose renewal (price x years) costs more than this is bought; it is skipped as over-price.'),
      ),
      maxSpendPerRun: z.optional(amount('One run buys at most this much; the rest is deferred, soonest expiry first.')),
      maxSpendPerMonth: z.optional(
        amount(
          'All runs of a UTC calendar month together buy at most this much (a ledger counter, safe across overlapping runs).',
        ),
      ),
      minBalanceAfter: z.optional(
        amount('Keep at least this much cash in the account; what would go below it is deferred.'),
      ),
    },
    'an object like {"maxDomainsPerRun": 100}',
  ),
  'Spending caps (bounded spend, M4 in docs/design.md).',
);

const eventList = (what: string) =>
  z
    .array(
      z.enum(NOTIFY_EVENTS, {
        error: (iss) => `must be one of ${NOTIFY_EVENTS.map((e) => `"${e}"`).join(', ')}, ${got(iss.input)}`,
      }),
      { error: (iss) => `must be a list of event names (${what}), ${got(iss.input)}` },
    )
    .check(
      z.superRefine((events, ctx) => {
        events.forEach((e, i) => {
          if (events.indexOf(e) !== i)
            ctx.addIssue({ code: 'custom', path: [i], message: `duplicate event "${e}"; list each event once` });
        });
      }),
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
        z.string({ error: (iss) => `must be a target name string such as "ops-dingtalk", ${got(iss.input)}` }).check(
          z.regex(TARGET_NAME, {
            error: (iss) =>
              `${describeValue(iss.input)} is not a valid target name: start with a letter, then letters, digits, "-" or "_", at most 40 characters`,
          }),
        ),
        'Unique name; its URL and signing secret come from the credential source (AUTORENEW_TARGET_<NAME>_URL / _SECRET locally, the secret field "notifyTargets" in AWS), never from this file.',
      ),
      description: z.optional(description),
      kind: doc(
        z.enum(TARGET_KINDS, {
          error: (iss) => `must be one of ${TARGET_KINDS.map((k) => `"${k}"`).join(', ')}, ${got(iss.input)}`,
        }),
        'Platform: DingTalk robot, Feishu/Lark bot, WeCom group robot, Slack incoming webhook, or a generic signed JSON webhook.',
      ),
      events: doc(
        z._default(eventList('chat target'), [...NOTIFY_EVENTS]),
        'Events this target receives (its message lists only these); default all.',
      ),
      minSeverity: doc(
        z._default(z.enum(SEVERITIES, { error: (iss) => `must be "info" or "alert", ${got(iss.input)}` }), 'info'),
        '"alert": only digests with an event of notify.smsEvents (what pages people); "info": every digest.',
      ),
    },
    'a target object like {"name": "ops-dingtalk", "kind": "dingtalk"}',
  ),
  'A chat or webhook destination beside SNS.',
);

const targetsSchema = doc(
  z.array(targetSchema, { error: (iss) => `must be a list of target objects, ${got(iss.input)}` }).check(
    z.superRefine((targets, ctx) => {
      const seen = new Map<string, number>();
      targets.forEach((target, i) => {
        const key = targetEnvStem(target.name);
        const first = seen.get(key);
        if (first === undefined) seen.set(key, i);
        else
          ctx.addIssue({
            code: 'custom',
            path: [i, 'name'],
            message: `target name "${target.name}" clashes with notify.targets[${first}].name (names are compared case-insensitively, "-" as "_"): give each target a unique name`,
          });
      });
    }),
  ),
  'Chat and webhook targets that get the digest beside SNS.',
);

const notifySchema = doc(
  strict(
    {
      events: doc(
        z._default(eventList('email digest'), [...NOTIFY_EVENTS]),
        'Events published to the topic (email gets the full digest).',
      ),
      smsEvents: doc(
        z._default(eventList('SMS line'), [...DEFAULT_SMS_EVENTS]),
        'Events that also get a one-line SMS.',
      ),
      stuckAfterHours: doc(
        z._default(positiveNumber(), 24),
        'A submitted batch with no result after this many hours is reported stuck.',
      ),
      advanceDays: doc(
        z._default(intRange(0, 60), 7),
        'Advance notice: a domain is announced in an "upcoming" digest and bought only after the notice has been out this many days (time to `autorenew hold` it); one that would lapse first is bought at once, and the digest says why. 0: no notice.',
      ),
      targets: z.optional(targetsSchema),
    },
    'an object like {"events": ["failed"], "stuckAfterHours": 24}',
  ),
  'What is announced through SNS.',
);

/** The zod schema of a v1 policy file. */
export const policySchema = strict(
  {
    $schema: doc(
      z.optional(
        z.string({ error: (iss) => `must be a string (path or URL of policy.schema.json), ${got(iss.input)}` }),
      ),
      'JSON Schema for editors, e.g. "./policy.schema.json".',
    ),
    description: z.optional(description),
    version: doc(
      z.literal(1, {
        error: (iss) =>
          iss.input === undefined
            ? 'is required: add "version": 1 at the top level'
            : `must be 1 (the only policy format version), ${got(iss.input)}`,
      }),
      'Policy format version; must be 1.',
    ),
    lang: doc(
      z.optional(z.enum(['en', 'zh'], { error: (iss) => `must be "en" or "zh", ${got(iss.input)}` })),
      'Language of registrar error messages (the API Lang parameter); default "en".',
    ),
    window: z.prefault(windowSchema, {}),
    defaults: z.prefault(defaultsSchema, {}),
    rules: z._default(rulesSchema, []),
    limits: z.prefault(limitsSchema, {}),
    notify: z.prefault(notifySchema, {}),
    money: z.prefault(moneySchema, {}),
  },
  'a JSON object like {"version": 1}',
).check(
  z.superRefine((policy, ctx) => {
    // A renewal of `years` decided `daysBeforeExpiry` days ahead lands up to years + that window past now; if that
    // cannot fit under maxYearsAhead, every not-yet-expired domain is `at-max-term` and lapses.
    const max = policy.limits.maxYearsAhead;
    const check = (years: number, daysBefore: number, path: (string | number)[], who: string) => {
      // Values already reported out of range are not judged again.
      const sane =
        [years, daysBefore, max].every(Number.isInteger) && years >= 1 && years <= 10 && max >= 1 && max <= 10;
      const allowed = daysBefore > 0 ? max - 1 : max;
      if (!sane || years <= allowed) return;
      ctx.addIssue({
        code: 'custom',
        path,
        message:
          `${who} renews for ${years} year(s) up to ${daysBefore} days before expiry, which cannot fit within ` +
          `limits.maxYearsAhead ${max}: every domain it covers would be skipped as at-max-term and lapse; ` +
          (allowed > 0 ? `set years to at most ${allowed} or ` : '') +
          `raise limits.maxYearsAhead to at least ${Math.min(10, years + (daysBefore > 0 ? 1 : 0))}`,
      });
    };
    const digits = minorDigits(policy.money.currency);
    const checkAmount = (value: string | number | undefined, path: (string | number)[]) => {
      if (value === undefined) return;
      const fraction = (String(value).trim().split('.')[1] ?? '').replace(/0+$/, '');
      if (fraction.length > digits)
        ctx.addIssue({
          code: 'custom',
          path,
          message: `${describeValue(value)} has more decimals than ${policy.money.currency} has (${digits}); write it exactly, amounts are never rounded`,
        });
    };
    for (const key of ['maxPricePerDomain', 'maxSpendPerRun', 'maxSpendPerMonth', 'minBalanceAfter'] as const)
      checkAmount(policy.limits[key], ['limits', key]);
    for (const [tld, price] of Object.entries(policy.money.priceTable ?? {}))
      checkAmount(price, ['money', 'priceTable', tld]);
    if (policy.defaults.renew) {
      check(policy.defaults.years, policy.window.daysBeforeExpiry, ['defaults', 'years'], 'defaults');
    }
    policy.rules.forEach((rule, i) => {
      if (!(rule.renew ?? policy.defaults.renew)) return;
      const daysBefore = rule.window?.daysBeforeExpiry ?? policy.window.daysBeforeExpiry;
      const path = rule.years !== undefined ? ['rules', i, 'years'] : ['rules', i];
      check(rule.years ?? policy.defaults.years, daysBefore, path, `rule "${rule.name}"`);
    });
  }),
);

type DeepReadonly<T> = T extends readonly (infer U)[]
  ? readonly DeepReadonly<U>[]
  : T extends object
    ? { readonly [K in keyof T]: DeepReadonly<T[K]> }
    : T;

/** A parsed, validated policy with every default filled in. Deep-frozen. */
export type Policy = DeepReadonly<z.output<typeof policySchema>>;
export type PolicyRule = Policy['rules'][number];
