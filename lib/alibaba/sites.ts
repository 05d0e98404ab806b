import { InputError } from '../errors';

/**
 * Alibaba Cloud's two sites and the Domain API versions they serve: every difference between them sits in these two
 * tables, never in `if (intl)` branches. Facts and what is UNCONFIRMED: docs/design.md, "The international site".
 */
export type Site = 'cn' | 'intl';

export const SITES = ['cn', 'intl'] as const satisfies readonly Site[];

/** What a site's endpoints and default API version are. */
export interface SiteProfile {
  /** Domain API endpoint. */
  endpoint: string;
  /** BSS OpenAPI endpoint (the balance). */
  bssEndpoint: string;
  /** The Domain API version sent by default (AUTORENEW_API_VERSION overrides it). */
  apiVersion: string;
}

export const SITE_PROFILES: Readonly<Record<Site, SiteProfile>> = {
  cn: {
    endpoint: 'https://domain.aliyuncs.com',
    bssEndpoint: 'https://business.aliyuncs.com',
    apiVersion: '2018-01-29',
  },
  // Domain-intl is version 2017-12-18 at domain-intl.aliyuncs.com. Alibaba's endpoint list also names 2018-01-29
  // there; that every 2018 operation works for an intl account is UNCONFIRMED, so 2017-12-18 is the default.
  intl: {
    endpoint: 'https://domain-intl.aliyuncs.com',
    bssEndpoint: 'https://business.ap-southeast-1.aliyuncs.com',
    apiVersion: '2017-12-18',
  },
};

/** What one Domain API version can say: the fields and operations the adapter may use. */
export interface Dialect {
  version: string;
  /** The renew operations take `OrderRenewParam.N.PermitPremiumRenew`. */
  permitPremiumRenew: boolean;
  /** `QueryDomainRealTimePrice` exists (else prices come from CheckDomain or the policy's price table). */
  realTimePrice: boolean;
  /** `QueryDomainByDomainName` answers carry `DomainStatus` (else the standing is derived from the expiry). */
  lookupHasStatus: boolean;
  /** `QueryDomainList` rows carry the domain's group (`DomainGroupName`); Domain-intl's have no group field. */
  listsGroups: boolean;
}

export const DIALECTS: Readonly<Record<string, Dialect>> = {
  '2018-01-29': {
    version: '2018-01-29',
    permitPremiumRenew: true,
    realTimePrice: true,
    lookupHasStatus: true,
    listsGroups: true,
  },
  '2017-12-18': {
    version: '2017-12-18',
    permitPremiumRenew: false,
    realTimePrice: false,
    lookupHasStatus: false,
    listsGroups: false,
  },
};

/** The dialect of an API version; InputError naming the variable for a version this adapter does not speak. */
export function dialectOf(version: string, name = 'AUTORENEW_API_VERSION'): Dialect {
  const dialect = Object.hasOwn(DIALECTS, version) ? DIALECTS[version] : undefined;
  if (!dialect) {
    throw new InputError(
      `${name}=${JSON.stringify(version)} is not a Domain API version this tool speaks; use ${Object.keys(DIALECTS).join(' or ')}`,
      { path: name },
    );
  }
  return dialect;
}
