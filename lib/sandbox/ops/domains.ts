import { domainToASCII, domainToUnicode } from 'node:url';
import { addYearsUtc, daysUntil, formatDisplayDate } from '../dates';
import { type DomainRecord, domainStatusOf, startOfUtcDay } from '../model';
import { optionalInt, optionalString, paginate, requirePaging, requireString } from '../params';
import { domainKey, domainTypeOf } from '../tld';
import { invalidParameter, SandboxApiError } from '../wire';
import type { OpContext } from './context';

const DNS = ['dns1.hichina.com', 'dns2.hichina.com'];

/**
 * The expiry fields. Under expiryTruncation "day" the reported expiry (ExpirationDate, ExpirationDateLong,
 * ExpirationCurrDateDiff) is 00:00:00Z of its UTC day; the statuses are the registrar's own, from the exact expiry.
 */
function describeExpiry(d: DomainRecord, nowMs: number, truncate: boolean) {
  const reported = truncate ? startOfUtcDay(d.expiresAtMs) : d.expiresAtMs;
  return {
    ExpirationDate: formatDisplayDate(reported),
    ExpirationDateLong: reported,
    ExpirationCurrDateDiff: daysUntil(reported, nowMs),
    ExpirationDateStatus: d.expiresAtMs < nowMs ? '2' : '1',
    DomainStatus: domainStatusOf(d, nowMs),
  };
}

/** An IDN in its other spelling (Unicode <-> punycode, via node:url); other names unchanged. */
export function otherNameForm(name: string): string {
  const ascii = domainToASCII(name);
  if (!ascii) return name;
  if (ascii !== name.toLowerCase()) return ascii;
  if (!ascii.split('.').some((label) => label.startsWith('xn--'))) return name;
  return domainToUnicode(ascii) || name;
}

/** One `Data.Domain[]` item of QueryDomainList. */
function toListItem(d: DomainRecord, nowMs: number, ctx: OpContext): Record<string, unknown> {
  return {
    DomainName: ctx.effects.flipNames ? otherNameForm(d.domainName) : d.domainName,
    InstanceId: d.instanceId,
    ...describeExpiry(d, nowMs, ctx.effects.truncateExpiry),
    DomainAuditStatus: 'SUCCEED',
    RegistrationDate: formatDisplayDate(d.registeredAtMs),
    RegistrationDateLong: d.registeredAtMs,
    DomainType: domainTypeOf(d.domainName),
    Premium: d.premium,
    ProductId: '2',
    RegistrantType: '2',
    Remark: '',
    ...(d.groupId !== undefined ? { DomainGroupId: d.groupId } : {}),
    ...(d.groupName !== undefined ? { DomainGroupName: d.groupName } : {}),
    // Only when the fixture sets it: the field is in the SDK model, not in the published metadata.
    ...(d.autoRenewEnabled !== undefined ? { AutoRenewEnabled: d.autoRenewEnabled } : {}),
    ResourceGroupId: 'rg-sandbox',
    Ccompany: 'Sandbox Holder Co., Ltd.',
    ChgholderStatus: '0',
    DnsList: { DnsList: DNS },
    Tag: { Tag: [] },
  };
}

type Comparator = (a: DomainRecord, b: DomainRecord) => number;

function readOrder(ctx: OpContext): Comparator {
  const key = optionalString(ctx.params, 'OrderKeyType');
  const by = (optionalString(ctx.params, 'OrderByType') ?? 'DESC').toUpperCase();
  if (by !== 'ASC' && by !== 'DESC') throw invalidParameter('OrderByType', 'expected ASC or DESC');
  const sign = by === 'ASC' ? 1 : -1;
  const field = (d: DomainRecord): number => {
    if (key === 'ExpirationDate') return d.expiresAtMs;
    if (key === 'RegistrationDate') return d.registeredAtMs;
    return d.seq;
  };
  if (key !== undefined && key !== 'ExpirationDate' && key !== 'RegistrationDate') {
    throw invalidParameter('OrderKeyType', 'expected RegistrationDate or ExpirationDate');
  }
  // seq breaks ties so that paging is stable.
  return (a, b) => sign * (field(a) - field(b)) || a.seq - b.seq;
}

function inRange(v: number, from: number | undefined, to: number | undefined): boolean {
  return (from === undefined || v >= from) && (to === undefined || v <= to);
}

function clamp(v: number, from: number | undefined, to: number | undefined): number {
  const low = from === undefined ? v : Math.max(v, from);
  return to === undefined ? low : Math.min(low, to);
}

/**
 * pageShiftRate: someone registers a domain while the client pages. `page-shift-N.com`, registered now and
 * expiring a year later, each clamped into the request's registration/expiry ranges so that the listing includes
 * it: with the default order (newest first) it lands at the front and every later item slides one place.
 */
function insertShiftDomain(
  ctx: OpContext,
  nowMs: number,
  range: Record<'startExp' | 'endExp' | 'startReg' | 'endReg', number | undefined>,
): void {
  const registeredAtMs = clamp(nowMs, range.startReg, range.endReg);
  const expiresAtMs = clamp(addYearsUtc(registeredAtMs, 1), range.startExp, range.endExp);
  let n = 1;
  while (ctx.model.findDomain(`page-shift-${n}.com`)) n++;
  ctx.model.addDomain({ domainName: `page-shift-${n}.com`, expiresAtMs, registeredAtMs });
}

/**
 * QueryDomainList. Filters: Start/EndExpirationDate and Start/EndRegistrationDate (inclusive, epoch ms),
 * DomainName (case-insensitive substring: UNCONFIRMED upstream), QueryType (1 = DomainStatus 1, 2 = DomainStatus 2),
 * DomainGroupId, ProductDomainType. Sort: OrderKeyType/OrderByType (default: order added, DESC).
 */
export function queryDomainList(ctx: OpContext): Record<string, unknown> {
  const { pageNum, pageSize } = requirePaging(ctx.params, ctx.maxPageSize);
  const p = ctx.params;
  const startExp = optionalInt(p, 'StartExpirationDate');
  const endExp = optionalInt(p, 'EndExpirationDate');
  const startReg = optionalInt(p, 'StartRegistrationDate');
  const endReg = optionalInt(p, 'EndRegistrationDate');
  const queryType = optionalString(p, 'QueryType');
  if (queryType !== undefined && queryType !== '1' && queryType !== '2') {
    throw invalidParameter('QueryType', 'expected 1 (urgent renewal) or 2 (urgent redemption)');
  }
  const nameFilter = optionalString(p, 'DomainName');
  const nameNeedles = nameFilter ? [nameFilter.toLowerCase(), domainKey(nameFilter)] : [];
  const groupId = optionalString(p, 'DomainGroupId');
  const productType = optionalString(p, 'ProductDomainType');
  const order = readOrder(ctx);
  const nowMs = ctx.model.now();
  if (ctx.effects.shiftDomains) insertShiftDomain(ctx, nowMs, { startExp, endExp, startReg, endReg });
  // Every parameter but the page picks the result; the time only through QueryType (a domain's status).
  const queryKey = JSON.stringify([
    startExp,
    endExp,
    startReg,
    endReg,
    queryType,
    queryType === undefined ? undefined : nowMs,
    nameFilter,
    groupId,
    productType,
    optionalString(p, 'OrderKeyType'),
    optionalString(p, 'OrderByType'),
  ]);
  const matches = ctx.model.memoDomains(queryKey, () =>
    ctx.model
      .listDomains()
      .filter(
        (d) =>
          inRange(d.expiresAtMs, startExp, endExp) &&
          inRange(d.registeredAtMs, startReg, endReg) &&
          (queryType === undefined || domainStatusOf(d, nowMs) === queryType) &&
          (nameNeedles.length === 0 ||
            nameNeedles.some((n) => d.domainName.toLowerCase().includes(n) || domainKey(d.domainName).includes(n))) &&
          (groupId === undefined || d.groupId === groupId) &&
          (productType === undefined || domainTypeOf(d.domainName) === productType),
      )
      .sort(order),
  );
  const { page, meta } = paginate(matches, pageNum, pageSize);
  return { RequestId: ctx.requestId, ...meta, Data: { Domain: page.map((d) => toListItem(d, nowMs, ctx)) } };
}

/** QueryDomainByDomainName: a flat object; unknown domain -> 400 DomainNotExist. */
export function queryDomainByDomainName(ctx: OpContext): Record<string, unknown> {
  const name = requireString(ctx.params, 'DomainName');
  const d = ctx.model.findDomain(name);
  if (!d) throw new SandboxApiError(400, 'DomainNotExist', 'The domain name does not exist.');
  const nowMs = ctx.model.now();
  const numericGroup = d.groupId !== undefined && /^\d+$/.test(d.groupId) ? Number(d.groupId) : undefined;
  return {
    RequestId: ctx.requestId,
    DomainName: d.domainName,
    InstanceId: d.instanceId,
    UserId: '1234567890123456',
    ...describeExpiry(d, nowMs, ctx.effects.truncateExpiry),
    RegistrationDate: formatDisplayDate(d.registeredAtMs),
    RegistrationDateLong: d.registeredAtMs,
    DomainType: domainTypeOf(d.domainName),
    Premium: d.premium,
    ...(numericGroup !== undefined ? { DomainGroupId: numericGroup } : {}),
    ...(d.groupName !== undefined ? { DomainGroupName: d.groupName } : {}),
    Remark: '',
    ResourceGroupId: 'rg-sandbox',
    Email: 'hostmaster@example.com',
    Registrar: 'Alibaba Cloud Computing (Beijing) Co., Ltd.',
    RegistrantType: '2',
    RegistrantName: 'Sandbox Holder',
    RegistrantOrganization: 'Sandbox Holder Co., Ltd.',
    RegistrantUpdatingStatus: 'NORMAL',
    RealNameStatus: 'SUCCEED',
    DomainNameVerificationStatus: 'SUCCEED',
    TransferOutStatus: 'NORMAL',
    TransferProhibitionLock: 'NONE_SETTING',
    UpdateProhibitionLock: 'NONE_SETTING',
    DomainNameProxyService: false,
    PrivacyServiceStatus: 'UN_SUPPORT',
    EmailVerificationStatus: 1,
    EmailVerificationClientHold: false,
    DnsList: { Dns: DNS },
    Tag: { Tag: [] },
  };
}
