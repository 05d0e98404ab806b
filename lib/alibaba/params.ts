import type { Credentials, ListQuery, RenewBatchRequest } from '../registrar/port';
import { formatTimestamp } from './sign';
import type { Dialect } from './sites';

/** Domain API version this client speaks. */
export const API_VERSION = '2018-01-29';

/** BSS OpenAPI (billing) version of QueryAccountBalance. */
export const BSS_API_VERSION = '2017-12-14';

/** Request parameters as sent on the wire: every scalar already a string. */
export type WireParams = Record<string, string>;

/** Options that go into every request (besides the signature fields). */
export interface CallerParams {
  lang: 'en' | 'zh';
  userClientIp?: string;
}

/**
 * The V1 common parameters of one attempt (without `Signature`). Nonce and timestamp are per attempt, so a resent
 * request is a new request for the gateway's replay and skew checks. `version` is the product's API version
 * (default the Domain API's).
 */
export function buildCommonParams(
  action: string,
  credentials: Credentials,
  nonce: string,
  nowMs: number,
  version: string = API_VERSION,
): WireParams {
  return {
    Action: action,
    Version: version,
    Format: 'JSON',
    AccessKeyId: credentials.accessKeyId,
    SignatureMethod: 'HMAC-SHA1',
    SignatureVersion: '1.0',
    SignatureNonce: nonce,
    Timestamp: formatTimestamp(nowMs),
    ...(credentials.securityToken ? { SecurityToken: credentials.securityToken } : {}),
  };
}

/** `Lang` and, when configured, `UserClientIp`: accepted by every Domain operation. */
export function buildCallerParams(caller: CallerParams): WireParams {
  return { Lang: caller.lang, ...(caller.userClientIp ? { UserClientIp: caller.userClientIp } : {}) };
}

/** Paging parameters (PageNum is 1-based). */
export function buildPageParams(pageNum: number, pageSize: number): WireParams {
  return { PageNum: String(pageNum), PageSize: String(pageSize) };
}

/** QueryDomainList expiry range, epoch ms (the registrar filters by day). */
export function buildListQueryParams(query: ListQuery): WireParams {
  return {
    // A stable order (by expiry, oldest first), so pages do not reshuffle between requests.
    OrderKeyType: 'ExpirationDate',
    OrderByType: 'ASC',
    ...(query.expiringFromMs !== undefined ? { StartExpirationDate: String(query.expiringFromMs) } : {}),
    ...(query.expiringToMs !== undefined ? { EndExpirationDate: String(query.expiringToMs) } : {}),
  };
}

/** QueryTaskList creation-time range, epoch ms. */
export function buildTaskRangeParams(range: { fromMs: number; toMs: number }): WireParams {
  return { BeginCreateTime: String(range.fromMs), EndCreateTime: String(range.toMs) };
}

/**
 * SaveBatchTaskForCreatingOrderRenew parameters: `OrderRenewParam.N.*` flattened 1-based; `PermitPremiumRenew` only
 * in a version that has it (the client refuses a premium permit it cannot send); coupon and promotion only when set
 * (with their `Use*` switch).
 */
export function buildRenewParams(request: RenewBatchRequest, dialect: Dialect): WireParams {
  const params: WireParams = {};
  request.items.forEach((item, index) => {
    const prefix = `OrderRenewParam.${index + 1}`;
    params[`${prefix}.DomainName`] = item.domainName;
    params[`${prefix}.SubscriptionDuration`] = String(item.years);
    params[`${prefix}.CurrentExpirationDate`] = String(item.currentExpiryMs);
    if (dialect.permitPremiumRenew) params[`${prefix}.PermitPremiumRenew`] = String(item.permitPremium);
  });
  if (request.couponNo !== undefined) {
    params.UseCoupon = 'true';
    params.CouponNo = request.couponNo;
  }
  if (request.promotionNo !== undefined) {
    params.UsePromotion = 'true';
    params.PromotionNo = request.promotionNo;
  }
  return params;
}

/**
 * QueryDomainRealTimePrice parameters: `Currency` and `DomainItem` as ONE JSON string (the SDK's "json" array style,
 * PascalCase keys), never flattened. Always `Action` renew and `Period` 1: the port asks one-year prices.
 */
export function buildRealtimePriceParams(domainNames: readonly string[], currency: string): WireParams {
  const items = domainNames.map((DomainName) => ({ Action: 'renew', DomainName, Period: 1 }));
  return { Currency: currency, DomainItem: JSON.stringify(items) };
}

/** CheckDomain parameters asking the one-year renew fee in `currency`. */
export function buildCheckDomainFeeParams(domainName: string, currency: string): WireParams {
  return { DomainName: domainName, FeeCommand: 'renew', FeePeriod: '1', FeeCurrency: currency };
}
