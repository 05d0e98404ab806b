import { globForms, groupKey } from './match';
import type { Policy, PolicyRule } from './schema';

/*
 * Dead rules: a rule that can never match, because earlier rules match every domain it
 * would. Rules are first-match, and a domain matches a rule by a `match` glob OR a `groups` entry. The check is
 * sound, never guessing: a later pattern counts as covered only when an earlier pattern provably matches every name
 * it can match (the same glob, `*`, a literal name the earlier glob matches, or a `*suffix` / `prefix*` containment).
 */

function coversGlob(earlier: string, later: string, matches: (pattern: string, name: string) => boolean): boolean {
  const q = earlier.toLowerCase();
  const p = later.toLowerCase();
  if (q === '*' || q === p) return true;
  if (!p.includes('*')) return matches(q, p);
  // In every form the later glob takes (match.ts globForms: either IDN form, its pieces mapped), some form of the
  // earlier one contains it: a name matches the later glob through one of its forms, and then the earlier one too
  // (review 2026-12-07: `*.xn--fiqs8s` above a never-renew `旧*.中国` was not seen as taking it, and bought it).
  const earlierForms = globForms(q);
  return globForms(p).every((pf) => earlierForms.some((qf) => qf === pf || containsGlob(qf, pf)));
}

/** `q` is `*suffix` or `prefix*` (one `*`) and the glob `p` lies inside it, text for text. */
function containsGlob(q: string, p: string): boolean {
  if (q === '*') return true;
  const star = q.indexOf('*');
  if (star === 0 && !q.slice(1).includes('*')) {
    const suffix = q.slice(1);
    return p.endsWith(suffix) && !p.slice(p.length - suffix.length).includes('*');
  }
  if (star === q.length - 1 && !q.slice(0, -1).includes('*')) {
    const prefix = q.slice(0, -1);
    return p.startsWith(prefix) && !p.slice(0, prefix.length).includes('*');
  }
  return false;
}

/** For each dead rule: its index and the earlier rules that take its domains (the first one named). */
export function findShadowedRules(
  policy: Pick<Policy, 'rules'>,
  matches: (pattern: string, name: string) => boolean,
): { index: number; rule: string; by: string[] }[] {
  const dead: { index: number; rule: string; by: string[] }[] = [];
  policy.rules.forEach((rule: PolicyRule, index) => {
    const earlier = policy.rules.slice(0, index);
    const by = new Set<string>();
    const patterns = rule.match ?? [];
    const groups = rule.groups ?? [];
    if (patterns.length === 0 && groups.length === 0) return;
    for (const p of patterns) {
      const cover = earlier.find((e) => (e.match ?? []).some((q) => coversGlob(q, p, matches)));
      if (!cover) return;
      by.add(cover.name);
    }
    for (const g of groups) {
      const cover = earlier.find(
        (e) => (e.groups ?? []).some((h) => groupKey(h) === groupKey(g)) || (e.match ?? []).some((q) => q === '*'),
      );
      if (!cover) return;
      by.add(cover.name);
    }
    dead.push({ index, rule: rule.name, by: [...by] });
  });
  return dead;
}

/** A name of rule `index` (its `match[pattern]`) that rule `by`, earlier, takes first with `byPattern`. */
export interface ShadowedName {
  index: number;
  pattern: number;
  rule: string;
  name: string;
  by: string;
  byPattern: string;
  byRenews: boolean;
}

/**
 * Names a rule lists outright (no `*`) that an earlier rule's glob takes first, when the two disagree on `renew`:
 * `{"match": ["*.com"]}` above `{"match": ["old-brand.com", "legacy.net"], "renew": false}` bought old-brand.com,
 * and the rule was not dead as a whole, so nothing said so (review 2026-12-06, round 9). Groups are known only at run
 * time (match.ts findNamedConflict).
 */
export function findShadowedNames(
  policy: Pick<Policy, 'rules' | 'defaults'>,
  matches: (pattern: string, name: string) => boolean,
): ShadowedName[] {
  const found: ShadowedName[] = [];
  const renews = (r: PolicyRule) => r.renew ?? policy.defaults.renew;
  policy.rules.forEach((rule, index) => {
    (rule.match ?? []).forEach((name, pattern) => {
      if (name.includes('*')) return;
      for (const earlier of policy.rules.slice(0, index)) {
        const q = (earlier.match ?? []).find((p) => coversGlob(p, name, matches));
        if (q === undefined) continue;
        if (renews(earlier) !== renews(rule)) {
          found.push({
            index,
            pattern,
            rule: rule.name,
            name,
            by: earlier.name,
            byPattern: q,
            byRenews: renews(earlier),
          });
        }
        return;
      }
    });
  });
  return found;
}
