import { readFile } from 'node:fs/promises';
import { type InputIssue, ValidationError } from '../errors';
import type { Issue } from '../validate/issue';
import { safeParse } from '../validate/parse';
import type { Schema } from '../validate/schema';
import { suggestKey } from './describe';
import { JsonSyntaxError, type LocatedJson, parseJsonWithPositions, type SourcePosition } from './json-locate';
import { matchesGlob } from './match';
import { formatPath, type PathSegments } from './path';
import { type Policy, policySchema } from './schema';
import { findShadowedNames, findShadowedRules } from './shadow';

/**
 * Parses and validates a policy file's text. Every problem is reported at once, each with its JSON path
 * (`rules[2].years`) and the line and column of that spot in `text`.
 * @param file shown in messages (as the operator gave it)
 * @throws ValidationError listing every issue
 * @returns the policy with defaults filled in, deep-frozen
 */
export function parsePolicyText(text: string, file: string): Policy {
  let located: LocatedJson;
  try {
    located = parseJsonWithPositions(text);
  } catch (err) {
    if (err instanceof JsonSyntaxError) {
      const message = looksLikeYaml(text)
        ? 'policies are JSON; this looks like YAML: write it as JSON, e.g. {"version": 1, "rules": []}'
        : `invalid JSON: ${err.message}`;
      throw new ValidationError([{ file, path: '', message, ...err.position }], { file });
    }
    throw err;
  }
  const issues: InputIssue[] = located.duplicates.map((d) => ({
    file,
    path: d.path,
    message: 'duplicate key: JSON keeps only the last one; remove the other',
    ...d.position,
  }));
  const result = safeParse(policySchema, located.value);
  if (!result.success) issues.push(...result.issues.flatMap((issue) => toInputIssues(issue, file, located)));
  else {
    const deadRules = findShadowedRules(result.data as Policy, matchesGlob);
    for (const hidden of findShadowedNames(result.data as Policy, matchesGlob)) {
      if (deadRules.some((d) => d.index === hidden.index)) continue;
      const path = `rules[${hidden.index}].match[${hidden.pattern}]`;
      issues.push({
        file,
        path,
        message: `"${hidden.name}" can never reach rule "${hidden.rule}": earlier rule "${hidden.by}" takes it first (by "${hidden.byPattern}") and ${hidden.byRenews ? 'renews' : 'does not renew'} it; move rule "${hidden.rule}" above "${hidden.by}", or take the name out of one of them`,
        ...locate(located, ['rules', hidden.index, 'match', hidden.pattern]),
      });
    }
    for (const dead of deadRules) {
      const path = `rules[${dead.index}]`;
      issues.push({
        file,
        path,
        message: `rule "${dead.rule}" can never match: earlier rule${dead.by.length > 1 ? 's' : ''} ${dead.by.map((n) => `"${n}"`).join(', ')} match${dead.by.length > 1 ? '' : 'es'} every domain it would; move it above, or remove it`,
        ...locate(located, ['rules', dead.index]),
      });
    }
  }
  if (issues.length > 0 || !result.success) throw new ValidationError(sortIssues(issues), { file });
  return deepFreeze(result.data as Policy);
}

/**
 * Reads and validates a policy file.
 * @throws ValidationError when the file is missing, unreadable or invalid
 */
export async function loadPolicyFile(path: string): Promise<Policy> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const what =
      code === 'ENOENT' ? 'policy file not found' : `cannot read the policy file (${code ?? 'unknown error'})`;
    throw new ValidationError(
      [{ file: path, path: '', message: `${what}; check the path or set AUTORENEW_POLICY to your policy file` }],
      { file: path },
    );
  }
  return parsePolicyText(text, path);
}

/** A YAML document rather than JSON: a `---` start, or a first meaningful line like `key: value` or `- item`. */
function looksLikeYaml(text: string): boolean {
  const first = text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .find((l) => l !== '' && !l.startsWith('#'));
  if (first === undefined) return false;
  return first === '---' || /^[A-Za-z_$][\w$-]*\s*:(\s|$)/.test(first) || /^- /.test(first);
}

/** `file:line:col path: message` (line and column left out when unknown, path when it is the whole document). */
export function formatIssue(issue: InputIssue): string {
  const where = issue.line === undefined ? issue.file : `${issue.file}:${issue.line}:${issue.column ?? 1}`;
  return issue.path === '' ? `${where}: ${issue.message}` : `${where} ${issue.path}: ${issue.message}`;
}

function toInputIssues(issue: Issue, file: string, located: LocatedJson): InputIssue[] {
  if (issue.code === 'unrecognized_keys') {
    const allowed = allowedKeysAt(issue.path);
    return (issue.keys ?? []).map((key) => {
      const path = formatPath([...issue.path, key]);
      const hint = suggestKey(key, allowed);
      const message = hint
        ? `unknown key "${key}"; did you mean "${hint}"?`
        : `unknown key "${key}"; allowed keys: ${allowed.join(', ')}`;
      return { file, path, message, ...(located.keys.get(path) ?? locate(located, issue.path)) };
    });
  }
  return [{ file, path: formatPath(issue.path), message: issue.message, ...locate(located, issue.path) }];
}

/** Position of the node at `path`, or of its nearest ancestor present in the source (for missing keys). */
function locate(located: LocatedJson, path: PathSegments): SourcePosition | Record<string, never> {
  for (let n = path.length; n >= 0; n--) {
    const found = located.values.get(formatPath(path.slice(0, n)));
    if (found) return found;
  }
  return {};
}

/** Keys the schema accepts for the object at `path`. */
function allowedKeysAt(path: PathSegments): string[] {
  let schema: Schema | undefined = unwrap(policySchema);
  for (const seg of path) {
    if (schema?.kind === 'object') schema = schema.shape![String(seg)];
    else if (schema?.kind === 'array') schema = schema.inner;
    else return [];
    schema = unwrap(schema);
  }
  return schema?.kind === 'object' ? Object.keys(schema.shape!) : [];
}

/** The schema under optional/default/prefault wrappers. */
function unwrap(schema: Schema | undefined): Schema | undefined {
  let s = schema;
  while (s?.kind === 'optional' || s?.kind === 'default' || s?.kind === 'prefault') s = s.inner;
  return s;
}

function sortIssues(issues: InputIssue[]): InputIssue[] {
  return [...issues].sort(
    (a, b) =>
      (a.line ?? 0) - (b.line ?? 0) ||
      (a.column ?? 0) - (b.column ?? 0) ||
      (a.path < b.path ? -1 : a.path > b.path ? 1 : 0),
  );
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
