/**
 * Every environment variable the tool reads, with its meaning: the one list the CLI help is built from and the
 * README's configuration table is checked against (test/unit/config-reference.test.ts), so they cannot drift.
 */
export const ENV_VARS: readonly { names: readonly string[]; meaning: string }[] = [
  { names: ['AUTORENEW_POLICY'], meaning: 'policy file; default policies/default.json' },
  {
    names: ['AUTORENEW_ACCOUNTS'],
    meaning: 'several accounts, as a JSON array or a file (README, Several accounts)',
  },
  {
    names: ['AUTORENEW_GLOBAL_MAX_DOMAINS'],
    meaning: 'optional cap on domains bought per UTC day across all accounts, shared fairly',
  },
  {
    names: ['AUTORENEW_SITE'],
    meaning: "the account's Alibaba Cloud site: cn (default) or intl; picks the defaults of the next three",
  },
  {
    names: ['AUTORENEW_ENDPOINT'],
    meaning: 'Domain API endpoint; default https://domain.aliyuncs.com (intl: https://domain-intl.aliyuncs.com)',
  },
  {
    names: ['AUTORENEW_API_VERSION'],
    meaning: 'Domain API version sent; default 2018-01-29 (intl: 2017-12-18)',
  },
  {
    names: ['AUTORENEW_BSS_ENDPOINT'],
    meaning:
      'BSS OpenAPI endpoint (balance); default https://business.aliyuncs.com (intl: https://business.ap-southeast-1.aliyuncs.com), or the sandbox',
  },
  {
    names: ['ALIBABA_CLOUD_ACCESS_KEY_ID', 'ALIBABA_CLOUD_ACCESS_KEY_SECRET', 'ALIBABA_CLOUD_SECURITY_TOKEN'],
    meaning: 'credentials (local runs)',
  },
  { names: ['AUTORENEW_SECRET_ID'], meaning: 'Secrets Manager secret with the AccessKey (Lambda)' },
  { names: ['AUTORENEW_READONLY_SECRET_ID'], meaning: 'optional read-only secret for check and plan' },
  { names: ['AUTORENEW_TABLE', 'AUTORENEW_DYNAMODB_ENDPOINT'], meaning: 'DynamoDB ledger; absent: embedded ledger' },
  { names: ['AUTORENEW_LEDGER_DIR'], meaning: 'embedded ledger directory; default .autorenew' },
  { names: ['AUTORENEW_TOPIC_ARN'], meaning: 'SNS topic; absent: notifications are printed' },
  { names: ['AUTORENEW_TARGET_<NAME>_URL', 'AUTORENEW_TARGET_<NAME>_SECRET'], meaning: 'chat target URL and secret' },
  { names: ['AUTORENEW_DRY_RUN'], meaning: 'true: plan and report, never submit' },
  {
    names: ['AUTORENEW_QPS', 'AUTORENEW_PAGE_SIZE', 'AUTORENEW_CLIENT_IP'],
    meaning: 'call budget, page size, UserClientIp',
  },
  { names: ['AUTORENEW_QUOTE_CHUNK'], meaning: 'domains per QueryDomainRealTimePrice request; default 20' },
];

/** The help's environment section: every variable, wrapped at about 110 columns. */
export function describeEnvironment(): string {
  const words = ENV_VARS.flatMap((v) => v.names);
  const lines: string[] = [];
  let line = 'environment:';
  for (const [i, word] of words.entries()) {
    const piece = `${word}${i < words.length - 1 ? ',' : ''}`;
    if (line.length + piece.length + 1 > 110) {
      lines.push(line);
      line = ` ${piece}`;
    } else line = `${line} ${piece}`;
  }
  lines.push(line);
  return lines.join('\n');
}
