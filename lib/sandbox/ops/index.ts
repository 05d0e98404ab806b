import { queryAccountBalance } from './balance';
import type { Operation } from './context';
import { queryDomainByDomainName, queryDomainList } from './domains';
import { INTL_VERSION, intlOperations } from './intl';
import { checkDomain, queryDomainRealTimePrice } from './prices';
import { saveBatchRenew, saveSingleRenew } from './renew';
import { queryTaskDetailList, queryTaskList } from './tasks';

/** Domain API version. */
export const DOMAIN_VERSION = '2018-01-29';
/** BSS OpenAPI (billing) version. */
export const BSS_VERSION = '2017-12-14';

/** The Actions the sandbox implements for product Domain, version 2018-01-29. */
export const OPERATIONS: Readonly<Record<string, Operation>> = {
  QueryDomainList: queryDomainList,
  QueryDomainByDomainName: queryDomainByDomainName,
  SaveBatchTaskForCreatingOrderRenew: saveBatchRenew,
  SaveSingleTaskForCreatingOrderRenew: saveSingleRenew,
  QueryTaskList: queryTaskList,
  QueryTaskDetailList: queryTaskDetailList,
  QueryDomainRealTimePrice: queryDomainRealTimePrice,
  CheckDomain: checkDomain,
};

/** The Actions of BSS OpenAPI, version 2017-12-14 (served on the same port). */
export const BSS_OPERATIONS: Readonly<Record<string, Operation>> = {
  QueryAccountBalance: queryAccountBalance,
};

/** Operations by API version: the request's `Version` picks the product. */
export const OPERATIONS_BY_VERSION: Readonly<Record<string, Readonly<Record<string, Operation>>>> = {
  [DOMAIN_VERSION]: OPERATIONS,
  [INTL_VERSION]: intlOperations(OPERATIONS),
  [BSS_VERSION]: BSS_OPERATIONS,
};

export type { OpContext, Operation } from './context';
export { INTL_VERSION } from './intl';
