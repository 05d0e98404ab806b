/** The Alibaba Domain API adapter of the Registrar port. */

export { type AlibabaBillingOptions, createAlibabaBilling, DEFAULT_BSS_ENDPOINT, INTL_BSS_ENDPOINT } from './billing';
export type { CallEvent } from './call';
export { type AttemptFailure, classifyFailure, type FailureClass } from './classify';
export { type AlibabaClientOptions, createAlibabaClient } from './client';
export { createAlibabaRegistrar } from './registrar';
