import { domainToASCII } from 'node:url';
import { normalizeDomain } from '../registrar/domain-name';
import type { DomainInfo, ListedDomain, SubmitResult, TaskDetail, TaskDetailState, TaskInfo } from '../registrar/port';
import { min, minLength, refine, withChecks } from '../validate/checks';
import { array, object, union } from '../validate/containers';
import { safeParse } from '../validate/parse';
import { boolean, int, literal, string } from '../validate/scalars';
import type { Output, Schema } from '../validate/schema';
import { maybe, nullable, optional } from '../validate/wrappers';
import { registrarText } from './errors';
import { standingOf, taskCancelled, taskFinished, taskKindOf } from './vocabulary';

/** A 2xx body that does not have the shape we rely on. The caller turns it into an AmbiguousOutcomeError. */
export class ShapeError extends Error {}

/** One page of a paginated Query* answer, mapped to our items. */
export interface Page<T> {
  items: T[];
  totalItems: number;
  totalPages: number;
  /** `NextPage: true`: the registrar says a next page exists (paginate.ts reads it on the last page by the totals). */
  nextPage?: true;
}

// A non-number reads "expected number", a fraction "expected int"; the int check also bounds to safe integers.
const count = withChecks(int(), min(0));
const EPOCH_MS_MIN = Date.UTC(2000, 0, 1);
const EPOCH_MS_MAX = Date.UTC(2200, 0, 1);
const nonEmpty = withChecks(string(), minLength(1));
// Epoch milliseconds between 2000 and 2200: a listing answering seconds, microseconds or a 0 placeholder read as
// 1970 or the year 58000, planned as redemption or not-due, and a domain 2 days from its expiry lapsed with nobody
// told (review 2026-12-07). Such a row now fails its page, as an unreadable expiry does.
const epochMs = withChecks(
  int(),
  refine(
    (v: number) => v >= EPOCH_MS_MIN && v < EPOCH_MS_MAX,
    'must be epoch milliseconds between 2000 and 2200 (seconds, microseconds or 0 are not a date this tool trusts)',
  ),
);

/** Characters no domain name has, in any form: controls, format characters, separators, whitespace. */
const NOT_IN_NAMES = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\s]/u;
const LDH_LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/**
 * A registrar domain name we accept: LDH, or an IDN whose ASCII (punycode) form is LDH; at least two labels, at most
 * 253 characters in ASCII form. Anything else (escapes, newlines, bidi or zero-width characters, 300 characters) is
 * a shape error, so it never reaches the ledger, a log line, a notification or a terminal.
 */
export function isValidDomainName(name: string): boolean {
  if (NOT_IN_NAMES.test(name)) return false;
  const ascii = domainToASCII(name.toLowerCase());
  if (!ascii || ascii.length > 253) return false;
  const labels = ascii.split('.');
  return labels.length >= 2 && labels.every((label) => LDH_LABEL.test(label));
}

/**
 * A name as a registrar answer may write it: a valid name with white space at its ends or one root dot after it.
 * Read as normalizeDomain reads it; refused, one such row failed the whole listing and every run bought nothing
 * (review 2026-12-07).
 */
export function isValidRegistrarName(name: string): boolean {
  const bare = name.trim();
  return isValidDomainName(bare.endsWith('.') ? bare.slice(0, -1) : bare);
}

// The message names the field (with its path), never the offending value.
const domainName = withChecks(
  string(),
  refine(isValidRegistrarName, 'is not a valid domain name (LDH or IDN, at most 253 characters)'),
);

/**
 * Parses `body` with a schema; throws ShapeError naming the first bad field (never its value). The messages are the
 * kit's English defaults ("Invalid input: expected string, received undefined"), worded as zod's were.
 */
export function parseWith<S extends Schema>(schema: S, body: unknown): Output<S> {
  const result = safeParse(schema, body);
  if (result.success) return result.data;
  const issue = result.issues[0];
  const path = issue?.path.length ? issue.path.join('.') : 'body';
  throw new ShapeError(`${path}: ${issue?.message ?? 'unexpected shape'}`);
}

/**
 * A paged body: totals plus `Data.<itemKey>` (an array). A missing `Data` or item key is read as an empty page
 * (the empty-list shape is UNCONFIRMED); the total check of the pager catches a page that lost its items.
 */
function pagedSchema<I extends Schema>(itemKey: string, item: I) {
  return object({
    // A 200 that says Success:false did not run: with totals of 0 it read as an empty account, and every due domain
    // went unmentioned that day (review 2026-12-07). Only `true` or absent is an answer.
    Success: maybe(literal(true, () => 'the answer says Success:false (the registrar did not run the query)')),
    TotalItemNum: count,
    TotalPageNum: count,
    Data: optional(nullable(object({ [itemKey]: maybe(array(item)) }))),
  });
}

/**
 * `body` with a lone row (`Data.<itemKey>` an object, not an array) as a list of one. The API wraps lists as arrays
 * (SDK models), but one QueryTaskDetailList doc example shows a single object, the form an XML-to-JSON gateway gives
 * one element: read as an invalid answer, a task's only row was never read and its batch only ever alerted stuck.
 */
function withLoneRowListed(body: unknown, itemKey: string): unknown {
  const data = (body as { Data?: unknown } | null)?.Data;
  if (typeof data !== 'object' || data === null) return body;
  const rows = (data as Record<string, unknown>)[itemKey];
  if (typeof rows !== 'object' || rows === null || Array.isArray(rows)) return body;
  return { ...(body as object), Data: { ...data, [itemKey]: [rows] } };
}

function toPage<T>(
  body: { TotalItemNum: number; TotalPageNum: number; Data?: unknown },
  itemKey: string,
  map: (raw: never) => T,
): Page<T> {
  const data = body.Data as Record<string, unknown[] | undefined> | null | undefined;
  const raw = data?.[itemKey] ?? [];
  return { items: raw.map((r) => map(r as never)), totalItems: body.TotalItemNum, totalPages: body.TotalPageNum };
}

/**
 * `page` marked when the answer says `NextPage: true` (or "true"). Read loosely, never an invalid answer: only a
 * `true` makes the pager look further; anything else leaves the totals to decide, as before.
 */
function withNextPage<T>(body: unknown, page: Page<T>): Page<T> {
  const next = (body as { NextPage?: unknown } | null)?.NextPage;
  return next === true || next === 'true' ? { ...page, nextPage: true } : page;
}

/**
 * An identifier or code the API documents as a string in one answer and an integer in another (DomainGroupId):
 * read either way, as text. One such field sent as a number made its whole page an invalid answer (review).
 */
const textOrInt = union([string(), int()]);

const domainItem = object({
  DomainName: domainName,
  InstanceId: string(),
  ExpirationDateLong: epochMs,
  DomainStatus: textOrInt,
  Premium: maybe(boolean()),
  DomainGroupId: maybe(textOrInt),
  DomainGroupName: maybe(string()),
  DomainType: maybe(string()),
  DomainAuditStatus: maybe(string()),
  AutoRenewEnabled: maybe(boolean()),
});
/** The page's rows are checked one by one (parseDomainRow): here only that they are objects. */
const domainPage = pagedSchema('Domain', object({}));
/** What a row must have to be named and placed in time, even when another of its fields is unreadable. */
const domainKey = object({ DomainName: domainName, ExpirationDateLong: epochMs });

/**
 * QueryDomainList page -> ListedDomain[]. Uses ExpirationDateLong, never the display strings. A row with a readable
 * name and expiry but another field this tool cannot read is listed as `unreadable` (never bought, named by the
 * plan); one answer's odd field used to fail every run before planning (review). A row without a readable name or
 * expiry still makes the page an invalid answer: it cannot be named, nor told whether it is due.
 */
export function parseDomainPage(answer: unknown): Page<ListedDomain> {
  const body = withLoneRowListed(answer, 'Domain');
  const parsed = parseWith(domainPage, body);
  const rows = (body as { Data?: { Domain?: unknown[] } | null }).Data?.Domain ?? [];
  return withNextPage(body, {
    items: rows.map(parseDomainRow),
    totalItems: parsed.TotalItemNum,
    totalPages: parsed.TotalPageNum,
  });
}

/** Fields of an unreadable row named in its `unreadable` text (paths and messages, never values). */
const UNREADABLE_FIELDS_NAMED = 3;

function parseDomainRow(row: unknown, index: number): ListedDomain {
  const result = safeParse(domainItem, row);
  if (result.success) return toListedDomain(result.data);
  const key = safeParse(domainKey, row);
  if (!key.success) {
    const issue = key.issues[0];
    throw new ShapeError(
      `Data.Domain.${index}.${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'unexpected shape'}`,
    );
  }
  const instanceId = (row as { InstanceId?: unknown }).InstanceId;
  return {
    domainName: normalizeDomain(key.data.DomainName),
    instanceId: typeof instanceId === 'string' ? instanceId : '',
    expiresAtMs: key.data.ExpirationDateLong,
    standing: 'other',
    premium: false,
    premiumUnstated: true,
    unreadable: result.issues
      .slice(0, UNREADABLE_FIELDS_NAMED)
      .map((i) => `${i.path.join('.')}: ${i.message}`)
      .join('; '),
  };
}

function toListedDomain(d: Output<typeof domainItem>): ListedDomain {
  return {
    domainName: normalizeDomain(d.DomainName),
    instanceId: d.InstanceId,
    expiresAtMs: d.ExpirationDateLong,
    standing: standingOf(String(d.DomainStatus)),
    premium: d.Premium ?? false,
    ...(d.Premium == null ? { premiumUnstated: true as const } : {}),
    ...(d.DomainGroupId != null && d.DomainGroupId !== '' ? { groupId: String(d.DomainGroupId) } : {}),
    ...(d.DomainGroupName ? { groupName: d.DomainGroupName } : {}),
    ...(d.DomainType ? { domainType: d.DomainType } : {}),
    ...(d.DomainAuditStatus ? { auditStatus: d.DomainAuditStatus } : {}),
    ...(d.AutoRenewEnabled != null ? { autoRenewEnabled: d.AutoRenewEnabled } : {}),
  };
}

const domainInfo = object({
  DomainName: domainName,
  ExpirationDateLong: epochMs,
  // Absent on Domain-intl 2017-12-18 (sites.ts): the look-up is read for the expiry, which every version has.
  DomainStatus: maybe(textOrInt),
  Premium: maybe(boolean()),
});

/** QueryDomainByDomainName (flat body) -> DomainInfo. */
export function parseDomainInfo(body: unknown): DomainInfo {
  const d = parseWith(domainInfo, body);
  return {
    domainName: normalizeDomain(d.DomainName),
    expiresAtMs: d.ExpirationDateLong,
    ...(d.DomainStatus != null ? { standing: standingOf(String(d.DomainStatus)) } : {}),
    premium: d.Premium ?? false,
    ...(d.Premium == null ? { premiumUnstated: true as const } : {}),
  };
}

/**
 * A TaskNo, in every answer that carries one (submit, task list, task details), read as text: one sent as a number
 * (at least 1) is the task all the same, read as its digits (thrown away, the batch went UNKNOWN with none), and
 * surrounding spaces go; a blank one or 0, as a number or as text, is none (recorded, check would wait on a task it
 * can never read). Review 2026-12-04; "0" as text 2026-12-07.
 */
const taskNoField = union([
  withChecks(
    string(),
    refine((v: string) => v.trim() !== '', 'must not be blank'),
    refine((v: string) => v.trim() !== '0', 'must not be 0'),
  ),
  withChecks(int(), min(1)),
]);
const taskNoText = (value: string | number): string => String(value).trim();

/** A TaskNo as any answer may carry it (an error answer too: transport.ts), by the same rules; else undefined. */
export function readTaskNo(value: unknown): string | undefined {
  const result = safeParse(taskNoField, value);
  return result.success ? taskNoText(result.data) : undefined;
}

/** A TaskNo in a body that is not JSON (cut short): the first whole `"TaskNo": "..."` or `"TaskNo": 123,`, any case. */
const TASK_NO_IN_TEXT = /"taskno"\s*:\s*(?:"([^"\\]{1,200})"|(\d{1,30})\s*[,}])/i;

/**
 * The TaskNo an answer names, however it is spelled: the `TaskNo` field, a key of any case (`taskNo` in older doc
 * examples), or, in a body that is not a JSON object, the text; undefined when it names none this tool can read.
 */
export function findTaskNo(record: Record<string, unknown> | undefined, text: string): string | undefined {
  if (record) {
    const key = 'TaskNo' in record ? 'TaskNo' : Object.keys(record).find((k) => k.toLowerCase() === 'taskno');
    return key === undefined ? undefined : readTaskNo(record[key]);
  }
  const m = TASK_NO_IN_TEXT.exec(text);
  return m ? readTaskNo(m[1] ?? m[2]) : undefined;
}

const submitBody = object({ RequestId: nonEmpty, TaskNo: taskNoField });

/** SaveBatchTaskForCreatingOrderRenew -> TaskNo + RequestId; a body without a TaskNo is invalid. */
export function parseSubmit(body: unknown): SubmitResult {
  const s = parseWith(submitBody, body);
  return { taskNo: taskNoText(s.TaskNo), requestId: s.RequestId };
}

const taskItem = object({
  TaskNo: taskNoField,
  TaskType: string(),
  TaskNum: count,
  TaskStatus: string(),
  TaskCancelStatus: optional(nullable(string())),
  CreateTime: string(),
});
const taskPage = pagedSchema('TaskInfo', taskItem);

function optionalTime(ms: number | undefined): { createdAtMs?: number } {
  return ms === undefined ? {} : { createdAtMs: ms };
}

function optionalUpdated(ms: number | undefined): { updatedAtMs?: number } {
  return ms === undefined ? {} : { updatedAtMs: ms };
}

/** Default zone of registrar display times, minutes east of UTC: Beijing (inferred from the API's examples). */
export const DEFAULT_DISPLAY_TZ_OFFSET_MINUTES = 480;

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

/**
 * A display time in a zone `offsetMinutes` east of UTC -> epoch ms; undefined when it does not parse or names no
 * real date. Both documented forms: `yyyy-MM-dd HH:mm:ss` (current SDK examples) and `MMM dd,yyyy HH:mm:ss` (older
 * pages; a time the parser missed hid a console renewal from the "just renewed elsewhere" guard: review 2026-12-04),
 * and the first with fractional seconds and/or a zone of its own (`Z`, `+08:00`, `+0800`), which then wins over
 * `offsetMinutes` (the format is UNCONFIRMED: an unread time took a finished task as old, review 2026-12-05).
 */
export function parseDisplayTime(text: string, offsetMinutes = DEFAULT_DISPLAY_TZ_OFFSET_MINUTES): number | undefined {
  const t = text.trim();
  const iso = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:?\d{2})?$/.exec(t);
  const old = iso ? undefined : /^([A-Za-z]{3}) (\d{1,2}), ?(\d{4}) (\d{2}):(\d{2}):(\d{2})$/.exec(t);
  let parts: number[] | undefined;
  let fractionMs = 0;
  let zone: number | undefined = offsetMinutes;
  if (iso) {
    parts = iso.slice(1, 7).map(Number);
    fractionMs = iso[7] ? Number(iso[7].padEnd(3, '0').slice(0, 3)) : 0;
    if (iso[8] !== undefined) zone = zoneMinutes(iso[8]);
  } else if (old) {
    const [, month, day, year, ...clock] = old as unknown as [string, string, string, string, string, string, string];
    parts = [Number(year), MONTHS.indexOf(month.toLowerCase()) + 1, Number(day), ...clock.map(Number)];
  }
  if (!parts || zone === undefined) return undefined;
  const [y, mo, d, h, mi, s] = parts as [number, number, number, number, number, number];
  // Date.UTC reads years 0-99 as 1900-1999; a placeholder such as 0001-01-01 is no time at all.
  if (y < 2000) return undefined;
  const date = new Date(Date.UTC(y, mo - 1, d, h, mi, s));
  // Date.UTC rolls month 13 or day 32 over into a real date: refuse instead.
  if (mo < 1 || date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d || h > 23 || mi > 59 || s > 59)
    return undefined;
  return date.getTime() + fractionMs - zone * 60_000;
}

/** `Z`, `+08:00` or `-0500` -> minutes east of UTC; undefined past ±14:00 or 59 minutes. */
function zoneMinutes(zone: string): number | undefined {
  if (zone === 'Z') return 0;
  const hours = Number(zone.slice(1, 3));
  const minutes = Number(zone.slice(-2));
  if (hours > 14 || minutes > 59) return undefined;
  return (zone.startsWith('-') ? -1 : 1) * (hours * 60 + minutes);
}

/** QueryTaskList page -> TaskInfo[]. */
export function parseTaskPage(body: unknown, offsetMinutes = DEFAULT_DISPLAY_TZ_OFFSET_MINUTES): Page<TaskInfo> {
  const page = toPage(
    parseWith(taskPage, withLoneRowListed(body, 'TaskInfo')),
    'TaskInfo',
    (t: Output<typeof taskItem>): TaskInfo => ({
      taskNo: taskNoText(t.TaskNo),
      kind: taskKindOf(t.TaskType),
      taskNum: t.TaskNum,
      finished: taskFinished(t.TaskStatus, t.TaskCancelStatus ?? undefined),
      ...(taskCancelled(t.TaskCancelStatus ?? undefined) ? { cancelled: true as const } : {}),
      createTime: t.CreateTime,
      ...optionalTime(parseDisplayTime(t.CreateTime, offsetMinutes)),
    }),
  );
  return withNextPage(body, page);
}

const DETAIL_STATES: readonly TaskDetailState[] = ['waiting', 'executing', 'success', 'failure'];

const detailItem = object({
  TaskNo: taskNoField,
  TaskDetailNo: nonEmpty,
  DomainName: domainName,
  TaskStatusCode: count,
  ErrorMsg: maybe(string()),
  FailReason: maybe(string()),
  TryCount: maybe(count),
  UpdateTime: maybe(string()),
});
const detailPage = pagedSchema('TaskDetail', detailItem);

/**
 * QueryTaskDetailList page -> TaskDetail[] (TaskStatusCode 0/1/2/3 -> waiting/executing/success/failure, any other
 * -> unknown);
 * `UpdateTime` read in the display zone (`offsetMinutes` east of UTC, as for task creation times).
 */
export function parseDetailPage(body: unknown, offsetMinutes = DEFAULT_DISPLAY_TZ_OFFSET_MINUTES): Page<TaskDetail> {
  const page = toPage(
    parseWith(detailPage, withLoneRowListed(body, 'TaskDetail')),
    'TaskDetail',
    (d: Output<typeof detailItem>): TaskDetail => ({
      taskNo: taskNoText(d.TaskNo),
      taskDetailNo: d.TaskDetailNo,
      domainName: normalizeDomain(d.DomainName),
      // A code outside 0-3 failed the whole page: every row of the task unread, a batch-mate's failure never
      // recorded (review 2026-12-07). Now that row alone is `unknown`.
      ...(DETAIL_STATES[d.TaskStatusCode] !== undefined
        ? { state: DETAIL_STATES[d.TaskStatusCode] as TaskDetailState }
        : { state: 'unknown' as const, statusCode: d.TaskStatusCode }),
      // Free text from the registrar: made safe and bounded here, before it can reach the ledger, logs or emails.
      ...(d.ErrorMsg != null ? { errorMsg: registrarText(d.ErrorMsg) } : {}),
      ...(d.FailReason != null ? { failReason: registrarText(d.FailReason) } : {}),
      ...(d.TryCount != null ? { tryCount: d.TryCount } : {}),
      ...optionalUpdated(d.UpdateTime == null ? undefined : parseDisplayTime(d.UpdateTime, offsetMinutes)),
    }),
  );
  return withNextPage(body, page);
}
