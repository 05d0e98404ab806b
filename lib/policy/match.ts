import { domainToASCII, domainToUnicode } from 'node:url';
import type { ListedDomain } from '../registrar/port';
import type { Policy, PolicyRule } from './schema';

/** The settings that apply to one domain: `defaults` overridden by the first matching rule. */
export interface EffectiveSettings {
  /** Name of the matching rule; absent when only `defaults` applied. */
  rule?: string;
  renew: boolean;
  /** Years to renew for, before the max-term cap. */
  years: number;
  /** Days (24 h each) before expiry from which the domain is due. */
  daysBeforeExpiry: number;
  /** Days (24 h each) after expiry until which the domain is still renewed. */
  daysAfterExpiry: number;
  coupon?: string;
  promotion?: string;
  /**
   * A later rule that names this domain without a wildcard and disagrees with the matching rule on `renew`: the load
   * check refuses such a name hidden by an earlier glob (shadow.ts findShadowedNames), never by a group, known only
   * now (review 2026-12-06, round 8: the group rule won and the named domain was bought).
   */
  conflict?: string;
  /**
   * A rule matching by `groups` that comes before any rule naming the domain, when the listing cannot say its group
   * (ListedDomain.groupUnstated): whether it applies is unknown, so the domain is never bought while it is (review
   * 2026-12-07: on Domain-intl a "never renew" group was bought, and a domain only a group rule renewed lapsed).
   */
  groupUnknown?: string;
}

const compiled = new WeakMap<PolicyRule, RegExp[]>();

/**
 * The settings for `domain`: the first rule whose `match` glob (case-insensitive, whole name, `*` = any run of
 * characters including dots; IDN names compared in both Unicode and punycode form) or `groups` entry
 * (case-insensitive) fits wins, and its fields override `defaults`.
 */
export function resolveRule(
  policy: Policy,
  domain: Pick<ListedDomain, 'domainName' | 'groupName' | 'groupUnstated'>,
): EffectiveSettings {
  const rule = findRule(policy, domain);
  const unknown = domain.groupUnstated ? findUnknownGroupRule(policy, rule) : undefined;
  const d = policy.defaults;
  const coupon = rule?.coupon ?? d.coupon;
  const promotion = rule?.promotion ?? d.promotion;
  const renew = rule?.renew ?? d.renew;
  const conflict = rule ? findNamedConflict(policy, rule, domain.domainName, renew) : undefined;
  return {
    ...(rule ? { rule: rule.name } : {}),
    ...(conflict ? { conflict: conflict.name } : {}),
    ...(unknown ? { groupUnknown: unknown.name } : {}),
    renew,
    years: rule?.years ?? d.years,
    daysBeforeExpiry: rule?.window?.daysBeforeExpiry ?? policy.window.daysBeforeExpiry,
    daysAfterExpiry: rule?.window?.daysAfterExpiry ?? policy.window.daysAfterExpiry,
    ...(coupon !== undefined ? { coupon } : {}),
    ...(promotion !== undefined ? { promotion } : {}),
  };
}

/**
 * Whether the policy lets the domain go (`renew: false`, by name or by its group), with no doubt about the rule: not
 * a conflict, not a group rule the domain's unknown group may or may not match. Such a domain is never told as
 * lapsing (the planner's `opted-out`), nor when it is watched after leaving the listing (renewal/watch.ts).
 */
export function isLetGo(
  policy: Policy,
  domain: Pick<ListedDomain, 'domainName' | 'groupName' | 'groupUnstated'>,
): boolean {
  const settings = resolveRule(policy, domain);
  return !settings.renew && settings.conflict === undefined && settings.groupUnknown === undefined;
}

/**
 * {@link isLetGo} of a watch or inventory entry (its name, and the group it was last listed in). An entry that
 * records no group (written before entries carried one, or listed with none) is read as of an unknown group: a
 * group rule that may match it keeps it told, never let go on a guess (review of this session's changes).
 */
export function isEntryLetGo(policy: Policy, e: { domain: string; groupName?: string; groupUnstated?: true }): boolean {
  return isLetGo(policy, {
    domainName: e.domain,
    ...(e.groupName !== undefined ? { groupName: e.groupName } : { groupUnstated: true as const }),
  });
}

/**
 * A group name as compared: case, the spaces around it, the kind of space inside it (a no-break space copied from the
 * console) and the width of its letters (full-width, from a Chinese input method) do not count: such a name matched
 * nothing, and a "never renew" group's domains were bought (reviews 2026-12-05, round 4, and 2026-12-08).
 */
export function groupKey(name: string): string {
  return name.normalize('NFKC').replace(/\s+/gu, ' ').trim().toLowerCase();
}

/**
 * The console groups, as listed, that the policy reads as one ({@link groupKey}: names that differ only in case,
 * width or kind of space): a `groups` rule naming one takes them all. Each set has two names or more, sorted.
 */
export function findGroupCollisions(domains: readonly Pick<ListedDomain, 'groupName'>[]): string[][] {
  const byKey = new Map<string, Set<string>>();
  for (const d of domains) {
    if (d.groupName === undefined) continue;
    const key = groupKey(d.groupName);
    byKey.set(key, (byKey.get(key) ?? new Set()).add(d.groupName));
  }
  return [...byKey.values()].filter((names) => names.size > 1).map((names) => [...names].sort());
}

/** A rule after `first` whose `match` names `domainName` without a wildcard and whose `renew` is not `renew`. */
function findNamedConflict(
  policy: Policy,
  first: PolicyRule,
  domainName: string,
  renew: boolean,
): PolicyRule | undefined {
  const later = policy.rules.slice(policy.rules.indexOf(first) + 1);
  return later.find(
    (r) =>
      (r.renew ?? policy.defaults.renew) !== renew &&
      (r.match ?? []).some((p) => !p.includes('*') && matchesGlob(p, domainName)),
  );
}

/** The first rule with `groups` before `matched` (or anywhere, when no rule matched by name). */
function findUnknownGroupRule(policy: Policy, matched: PolicyRule | undefined): PolicyRule | undefined {
  const before = matched ? policy.rules.slice(0, policy.rules.indexOf(matched)) : policy.rules;
  return before.find((r) => (r.groups?.length ?? 0) > 0);
}

/** The first rule matching `domain`, if any. */
export function findRule(
  policy: Policy,
  domain: Pick<ListedDomain, 'domainName' | 'groupName'>,
): PolicyRule | undefined {
  const names = nameForms(domain.domainName);
  const group = domain.groupName !== undefined ? groupKey(domain.groupName) : undefined;
  return policy.rules.find(
    (rule) =>
      (group !== undefined && rule.groups?.some((g) => groupKey(g) === group)) ||
      patternsOf(rule).some((re) => names.some((n) => re.test(n))),
  );
}

/** Whether `pattern` (a policy glob) matches `domainName`, with the same rules as {@link findRule}. */
export function matchesGlob(pattern: string, domainName: string): boolean {
  const names = nameForms(domainName);
  return patternForms(pattern).some((re) => names.some((n) => re.test(n)));
}

/** Lower-cased name as given, in Unicode and in punycode (when the name converts). */
function nameForms(domainName: string): string[] {
  const lower = domainName.trim().toLowerCase().replace(/\.$/, '');
  const forms = new Set([lower, domainToUnicode(lower).toLowerCase(), domainToASCII(lower).toLowerCase()]);
  forms.delete('');
  return [...forms];
}

function patternsOf(rule: PolicyRule): RegExp[] {
  let res = compiled.get(rule);
  if (!res) {
    res = (rule.match ?? []).flatMap(patternForms);
    compiled.set(rule, res);
  }
  return res;
}

function patternForms(pattern: string): RegExp[] {
  return globForms(pattern).map(globToRegExp);
}

/**
 * A glob's texts to compare names with: as written, and with its labels converted to each IDN form. A label holding
 * `*` cannot convert whole; each piece between its `*`s is mapped as a name's letters are (width-folded, composed,
 * lower-cased: review 2026-12-07, `ｏｌｄ*.com` or a decomposed `*café.com` matched nothing, and a "never renew" rule
 * written so bought its domains), so its Unicode letters compare with a name's Unicode form.
 */
export function globForms(pattern: string): string[] {
  const lower = pattern.toLowerCase();
  const convert = (fn: (s: string) => string) =>
    lower
      .split('.')
      .map((label) =>
        label.includes('*') ? mapPieces(label) : label === '' ? label : fn(label).toLowerCase() || label,
      )
      .join('.');
  return [...new Set([lower, convert(domainToUnicode), convert(domainToASCII)])];
}

/**
 * A wildcard label's pieces (between the `*`s) folded as IDNA folds a name's: NFKC (full-width to plain, decomposed to
 * composed), lower case, and IDNA's own mappings (the Greek iota subscript expanded, variation selectors dropped:
 * NFKC alone left `ᾳ*.com` matching nothing the registrar lists, review 2026-12-08). A piece that is already
 * punycode-like (`xn--...`) or that IDNA refuses keeps the NFKC form: decoding it would widen the glob.
 */
function mapPieces(label: string): string {
  return label
    .split('*')
    .map((piece) => {
      const folded = piece.normalize('NFKC').toLowerCase();
      // Only a piece with a letter beyond ASCII: the URL parser reads an all-digit piece as an IPv4 address
      // (`2024` became `0.0.7.232`, and a never-renew glob matched nothing: the review of this fix).
      if (![...piece].some((c) => c.charCodeAt(0) > 0x7f) || folded.startsWith('xn--')) return folded;
      const idna = domainToUnicode(piece).toLowerCase();
      return idna && !idna.includes('.') ? idna : folded;
    })
    .join('*');
}

function globToRegExp(glob: string): RegExp {
  const body = glob
    .split('*')
    .map((part) => part.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${body}$`, 'u');
}
