import { invalidParameter, missingParameter, parameterIllegal } from './wire';

/** Request parameters as received (strings); V1 query and form body merged, or V3 query. */
export type Params = Readonly<Record<string, string>>;

/** A present, non-empty string parameter, or `MissingParameter`. */
export function requireString(params: Params, name: string): string {
  const v = params[name];
  if (v === undefined || v === '') throw missingParameter(name);
  return v;
}

/** An optional string parameter ('' counts as absent). */
export function optionalString(params: Params, name: string): string | undefined {
  const v = params[name];
  return v === undefined || v === '' ? undefined : v;
}

/** An optional decimal integer (Integer/Long on the wire), or `InvalidParameter` when malformed. */
export function optionalInt(params: Params, name: string): number | undefined {
  const v = optionalString(params, name);
  if (v === undefined) return undefined;
  if (!/^-?\d{1,17}$/.test(v)) throw invalidParameter(name, `expected an integer, got "${v}"`);
  const n = Number(v);
  if (!Number.isSafeInteger(n)) throw invalidParameter(name, `integer out of range: "${v}"`);
  return n;
}

/** A required decimal integer. */
export function requireInt(params: Params, name: string): number {
  const n = optionalInt(params, name);
  if (n === undefined) throw missingParameter(name);
  return n;
}

/** An optional boolean (`true`/`false`, any case), or `InvalidParameter`. */
export function optionalBool(params: Params, name: string): boolean | undefined {
  const v = optionalString(params, name);
  if (v === undefined) return undefined;
  const lower = v.toLowerCase();
  if (lower === 'true') return true;
  if (lower === 'false') return false;
  throw invalidParameter(name, `expected true or false, got "${v}"`);
}

/** PageNum (>= 1) and PageSize (1..maxPageSize), both required. */
export function requirePaging(params: Params, maxPageSize: number): { pageNum: number; pageSize: number } {
  const pageNum = requireInt(params, 'PageNum');
  const pageSize = requireInt(params, 'PageSize');
  if (pageNum < 1) throw parameterIllegal('PageNum', `must be 1 or more, got ${pageNum}`);
  if (pageSize < 1 || pageSize > maxPageSize) {
    throw parameterIllegal('PageSize', `must be between 1 and ${maxPageSize}, got ${pageSize}`);
  }
  return { pageNum, pageSize };
}

/** One page of `items` plus the paging keys every list answer carries at top level. */
export function paginate<T>(
  items: readonly T[],
  pageNum: number,
  pageSize: number,
): {
  page: T[];
  meta: {
    TotalItemNum: number;
    CurrentPageNum: number;
    PageSize: number;
    TotalPageNum: number;
    PrePage: boolean;
    NextPage: boolean;
  };
} {
  const total = items.length;
  const totalPages = Math.ceil(total / pageSize);
  const start = (pageNum - 1) * pageSize;
  return {
    page: items.slice(start, start + pageSize),
    meta: {
      TotalItemNum: total,
      CurrentPageNum: pageNum,
      PageSize: pageSize,
      TotalPageNum: totalPages,
      PrePage: pageNum > 1,
      NextPage: pageNum < totalPages,
    },
  };
}
