/**
 * CloudWatch metrics as Embedded Metric Format (EMF) log lines: Lambda's log agent turns them into metrics,
 * so no PutMetricData call (and no IAM permission) is needed. The alarms in serverless.yml use these names.
 */
export const METRIC_NAMESPACE = 'Autorenew';

export const METRICS = {
  /** Every finished renew run (the heartbeat alarm fires when this is missing for 2 days). */
  renewRuns: 'RenewRuns',
  checkRuns: 'CheckRuns',
  renewalsSubmitted: 'RenewalsSubmitted',
  renewalsConfirmed: 'RenewalsConfirmed',
  renewalsFailed: 'RenewalsFailed',
  outcomesUnknown: 'OutcomesUnknown',
  taskNoNotRecorded: 'TaskNoNotRecorded',
  jobErrors: 'JobErrors',
  /** Money, in integer minor units of the policy's currency (fen for CNY): planned, sent, balance, shortfall. */
  spendQuoted: 'SpendQuoted',
  spendSubmitted: 'SpendSubmitted',
  balance: 'Balance',
  topUpNeeded: 'TopUpNeeded',
} as const;

export type MetricName = (typeof METRICS)[keyof typeof METRICS];

/** The dimension every metric has: the job. The alarms watch this one, so they cover every account. */
export const METRIC_DIMENSION = 'Job';
/** The second dimension of a named account's metrics (AUTORENEW_ACCOUNTS), for per-account graphs. */
export const ACCOUNT_DIMENSION = 'Account';

/**
 * One EMF document for `values` (Count unit), timestamped `nowMs`. A named account's values are emitted under two
 * dimension sets, `[Job]` and `[Job, Account]`: the per-job metric (the alarms') sums all accounts, the other
 * tells them apart. The unnamed account (`account` '' or absent) emits `[Job]` only, as a single-account stack did.
 */
export function formatEmf(
  job: string,
  values: Partial<Record<MetricName, number>>,
  nowMs: number,
  account = '',
): string {
  const names = Object.keys(values) as MetricName[];
  return JSON.stringify({
    _aws: {
      Timestamp: nowMs,
      CloudWatchMetrics: [
        {
          Namespace: METRIC_NAMESPACE,
          Dimensions: account ? [[METRIC_DIMENSION], [METRIC_DIMENSION, ACCOUNT_DIMENSION]] : [[METRIC_DIMENSION]],
          Metrics: names.map((Name) => ({ Name, Unit: 'Count' })),
        },
      ],
    },
    [METRIC_DIMENSION]: job,
    ...(account ? { [ACCOUNT_DIMENSION]: account } : {}),
    ...values,
  });
}
