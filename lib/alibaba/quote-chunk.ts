/** Domains per QueryDomainRealTimePrice request by default (the API's limit is undocumented). */
export const DEFAULT_QUOTE_CHUNK = 20;
