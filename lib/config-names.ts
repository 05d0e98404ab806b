/**
 * The AUTORENEW_ settings by name only, for the functions' cold start (config.ts refuses any other): the meanings
 * stay in config-reference.ts, out of the handler bundles; test/unit/config-reference.test.ts keeps the two lists
 * equal.
 */
export const SETTING_NAMES: readonly string[] = [
  'AUTORENEW_POLICY',
  'AUTORENEW_ACCOUNTS',
  'AUTORENEW_GLOBAL_MAX_DOMAINS',
  'AUTORENEW_SITE',
  'AUTORENEW_ENDPOINT',
  'AUTORENEW_API_VERSION',
  'AUTORENEW_BSS_ENDPOINT',
  'AUTORENEW_SECRET_ID',
  'AUTORENEW_READONLY_SECRET_ID',
  'AUTORENEW_TABLE',
  'AUTORENEW_DYNAMODB_ENDPOINT',
  'AUTORENEW_LEDGER_DIR',
  'AUTORENEW_TOPIC_ARN',
  'AUTORENEW_DRY_RUN',
  'AUTORENEW_QPS',
  'AUTORENEW_PAGE_SIZE',
  'AUTORENEW_CLIENT_IP',
  'AUTORENEW_QUOTE_CHUNK',
];
