import type { Operation } from './context';
import { queryDomainByDomainName, queryDomainList } from './domains';
import { saveBatchRenew, saveSingleRenew } from './renew';
import { queryTaskDetailList, queryTaskList } from './tasks';

/** The Actions the sandbox implements (product Domain, version 2018-01-29). */
export const OPERATIONS: Readonly<Record<string, Operation>> = {
  QueryDomainList: queryDomainList,
  QueryDomainByDomainName: queryDomainByDomainName,
  SaveBatchTaskForCreatingOrderRenew: saveBatchRenew,
  SaveSingleTaskForCreatingOrderRenew: saveSingleRenew,
  QueryTaskList: queryTaskList,
  QueryTaskDetailList: queryTaskDetailList,
};

export type { OpContext, Operation } from './context';
