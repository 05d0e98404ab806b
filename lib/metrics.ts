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

/** Dimension set used by every metric: the job name only (one stack per account keeps names unique). */
export const METRIC_DIMENSION = 'Job';

/** One EMF document for `values` (Count unit), timestamped `nowMs`. */
export function formatEmf(job: string, values: Partial<Record<MetricName, number>>, nowMs: number): string {
  const names = Object.keys(values) as MetricName[];
  return JSON.stringify({
    _aws: {
      Timestamp: nowMs,
      CloudWatchMetrics: [
        {
          Namespace: METRIC_NAMESPACE,
          Dimensions: [[METRIC_DIMENSION]],
          Metrics: names.map((Name) => ({ Name, Unit: 'Count' })),
        },
      ],
    },
    [METRIC_DIMENSION]: job,
    ...values,
  });
}
