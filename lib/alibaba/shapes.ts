import { domainToASCII } from 'node:url';
import { en } from 'zod/locales';
import * as z from 'zod/mini';
import { normalizeDomain } from '../registrar/domain-name';
import type { DomainInfo, ListedDomain, SubmitResult, TaskDetail, TaskDetailState, TaskInfo } from '../registrar/port';
import { registrarText } from './errors';
import { standingOf, taskFinished, taskKindOf } from './vocabulary';

/** A 2xx body that does not have the shape we rely on. The caller turns it into an AmbiguousOutcomeError. */
export class ShapeError extends Error {}

/** One page of a paginated Query* answer, mapped to our items. */
export interface Page<T> {
  items: T[];
  totalItems: number;
  totalPages: number;
}

// `z.int()` used as a check is what classic `.int()` does: a non-number still reads "expected number".
const count = z.number().check(z.int(), z.nonnegative());
const nonEmpty = z.string().check(z.minLength(1));
// The int check also bounds to safe integers (classic `.int().safe()` ran it twice).
const epochMs = z.number().check(z.int());

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

// The message names the field (with its path), never the offending value.
const domainName = z
  .string()
  .check(z.refine(isValidDomainName, 'is not a valid domain name (LDH or IDN, at most 253 characters)'));

/**
 * English messages ("Invalid input: expected string, received undefined") for the issues above: zod/mini loads no
 * locale, and a bare "Invalid input" would not say what was wrong. Per parse, so no global config is changed.
 */
const { localeError } = en();

/** Parses `body` with a zod schema; throws ShapeError naming the first bad field (never its value). */
export function parseWith<S extends z.ZodMiniType>(schema: S, body: unknown): z.output<S> {
  const result = schema.safeParse(body, { error: localeError });
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const path = issue?.path.length ? issue.path.join('.') : 'body';
  throw new ShapeError(`${path}: ${issue?.message ?? 'unexpected shape'}`);
}

/**
 * A paged body: totals plus `Data.<itemKey>` (an array). A missing `Data` or item key is read as an empty page
 * (the empty-list shape is UNCONFIRMED); the total check of the pager catches a page that lost its items.
 */
function pagedSchema<I extends z.ZodMiniType>(itemKey: string, item: I) {
  return z.object({
    TotalItemNum: count,
    TotalPageNum: count,
    Data: z.nullable(z.optional(z.object({ [itemKey]: z.optional(z.array(item)) }))),
  });
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

const domainItem = z.object({
  DomainName: domainName,
  InstanceId: z.string(),
  ExpirationDateLong: epochMs,
  DomainStatus: z.string(),
  Premium: z.optional(z.boolean()),
  DomainGroupId: z.optional(z.string()),
  DomainGroupName: z.optional(z.string()),
  DomainType: z.optional(z.string()),
  DomainAuditStatus: z.optional(z.string()),
  AutoRenewEnabled: z.optional(z.boolean()),
});
const domainPage = pagedSchema('Domain', domainItem);

/** QueryDomainList page -> ListedDomain[]. Uses ExpirationDateLong, never the display strings. */
export function parseDomainPage(body: unknown): Page<ListedDomain> {
  const parsed = parseWith(domainPage, body);
  return toPage(
    parsed,
    'Domain',
    (d: z.output<typeof domainItem>): ListedDomain => ({
      domainName: normalizeDomain(d.DomainName),
      instanceId: d.InstanceId,
      expiresAtMs: d.ExpirationDateLong,
      standing: standingOf(d.DomainStatus),
      premium: d.Premium ?? false,
      ...(d.DomainGroupId ? { groupId: d.DomainGroupId } : {}),
      ...(d.DomainGroupName ? { groupName: d.DomainGroupName } : {}),
      ...(d.DomainType ? { domainType: d.DomainType } : {}),
      ...(d.DomainAuditStatus ? { auditStatus: d.DomainAuditStatus } : {}),
      ...(d.AutoRenewEnabled !== undefined ? { autoRenewEnabled: d.AutoRenewEnabled } : {}),
    }),
  );
}

const domainInfo = z.object({
  DomainName: domainName,
  ExpirationDateLong: epochMs,
  // Absent on Domain-intl 2017-12-18 (sites.ts): the look-up is read for the expiry, which every version has.
  DomainStatus: z.optional(z.string()),
  Premium: z.optional(z.boolean()),
});

/** QueryDomainByDomainName (flat body) -> DomainInfo. */
export function parseDomainInfo(body: unknown): DomainInfo {
  const d = parseWith(domainInfo, body);
  return {
    domainName: normalizeDomain(d.DomainName),
    expiresAtMs: d.ExpirationDateLong,
    ...(d.DomainStatus !== undefined ? { standing: standingOf(d.DomainStatus) } : {}),
    premium: d.Premium ?? false,
  };
}

const submitBody = z.object({ RequestId: nonEmpty, TaskNo: nonEmpty });

/** SaveBatchTaskForCreatingOrderRenew -> TaskNo + RequestId; a body without TaskNo is invalid. */
export function parseSubmit(body: unknown): SubmitResult {
  const s = parseWith(submitBody, body);
  return { taskNo: s.TaskNo, requestId: s.RequestId };
}

const taskItem = z.object({
  TaskNo: nonEmpty,
  TaskType: z.string(),
  TaskNum: count,
  TaskStatus: z.string(),
  CreateTime: z.string(),
});
const taskPage = pagedSchema('TaskInfo', taskItem);

function optionalTime(ms: number | undefined): { createdAtMs?: number } {
  return ms === undefined ? {} : { createdAtMs: ms };
}

/** Default zone of registrar display times, minutes east of UTC: Beijing (inferred from the API's examples). */
export const DEFAULT_DISPLAY_TZ_OFFSET_MINUTES = 480;

/** `yyyy-MM-dd HH:mm:ss` in a zone `offsetMinutes` east of UTC -> epoch ms; undefined when it does not parse. */
export function parseDisplayTime(text: string, offsetMinutes = DEFAULT_DISPLAY_TZ_OFFSET_MINUTES): number | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})$/.exec(text.trim());
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s] = m.map(Number) as [number, number, number, number, number, number, number];
  const ms = Date.UTC(y, mo - 1, d, h, mi, s) - offsetMinutes * 60_000;
  return Number.isFinite(ms) ? ms : undefined;
}

/** QueryTaskList page -> TaskInfo[]. */
export function parseTaskPage(body: unknown, offsetMinutes = DEFAULT_DISPLAY_TZ_OFFSET_MINUTES): Page<TaskInfo> {
  return toPage(
    parseWith(taskPage, body),
    'TaskInfo',
    (t: z.output<typeof taskItem>): TaskInfo => ({
      taskNo: t.TaskNo,
      kind: taskKindOf(t.TaskType),
      taskNum: t.TaskNum,
      finished: taskFinished(t.TaskStatus),
      createTime: t.CreateTime,
      ...optionalTime(parseDisplayTime(t.CreateTime, offsetMinutes)),
    }),
  );
}

const DETAIL_STATES: readonly TaskDetailState[] = ['waiting', 'executing', 'success', 'failure'];

const detailItem = z.object({
  TaskNo: nonEmpty,
  TaskDetailNo: nonEmpty,
  DomainName: domainName,
  TaskStatusCode: z.union([z.literal(0), z.literal(1), z.literal(2), z.literal(3)]),
  ErrorMsg: z.optional(z.string()),
  FailReason: z.optional(z.string()),
  TryCount: z.optional(count),
});
const detailPage = pagedSchema('TaskDetail', detailItem);

/** QueryTaskDetailList page -> TaskDetail[] (TaskStatusCode 0/1/2/3 -> waiting/executing/success/failure). */
export function parseDetailPage(body: unknown): Page<TaskDetail> {
  return toPage(
    parseWith(detailPage, body),
    'TaskDetail',
    (d: z.output<typeof detailItem>): TaskDetail => ({
      taskNo: d.TaskNo,
      taskDetailNo: d.TaskDetailNo,
      domainName: normalizeDomain(d.DomainName),
      state: DETAIL_STATES[d.TaskStatusCode] ?? 'failure',
      // Free text from the registrar: made safe and bounded here, before it can reach the ledger, logs or emails.
      ...(d.ErrorMsg !== undefined ? { errorMsg: registrarText(d.ErrorMsg) } : {}),
      ...(d.FailReason !== undefined ? { failReason: registrarText(d.FailReason) } : {}),
      ...(d.TryCount !== undefined ? { tryCount: d.TryCount } : {}),
    }),
  );
}
