import type { Registrar } from '../registrar/port';
import { type AlibabaClientOptions, createAlibabaClient } from './client';
import { quoteRenewals } from './quotes';

/** The Alibaba Domain API adapter of the Registrar port, prices included (QueryDomainRealTimePrice, CheckDomain). */
export function createAlibabaRegistrar(options: AlibabaClientOptions): Registrar {
  return createAlibabaClient(options, { quoteRenewals });
}
