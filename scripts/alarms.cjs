// osls variable resolver: `${file(./scripts/alarms.cjs)}` in serverless.yml's `resources` list returns the alarms
// on the custom EMF metrics, with names taken from dist/metrics.json (generated from lib/metrics.ts).
// Each alarm sums the metric over both jobs (either job may emit it): one failed renewal, unknown outcome,
// unrecorded TaskNo or job error is already something a human must look at.
'use strict';
const { readFileSync } = require('node:fs');
const { join } = require('node:path');

const JOBS = ['renew', 'check'];

/** Metric key in lib/metrics.ts METRICS -> what the alarm tells the reader. */
const WATCHED = {
  renewalsFailed: 'A renewal failed at the registrar (balance, price, domain state); the email digest names it.',
  outcomesUnknown: 'A renewal submission has an unknown outcome; it is reconciled, never resubmitted. Check it.',
  taskNoNotRecorded: 'A TaskNo could not be written to the ledger; it is in the renew logs. Record it by hand.',
  jobErrors: 'A renew or check run stopped with an error (config, secret, policy, registrar); see its logs.',
};

function readMetrics(root) {
  const file = join(root, 'dist', 'metrics.json');
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new Error(`cannot read ${file} (${err.code ?? err.message}): run "npm run package", which generates it`);
  }
}

/** `OutcomesUnknown` -> `OutcomesUnknownAlarm`, one alarm per watched metric. */
function buildAlarms(metrics) {
  const Resources = {};
  for (const [key, description] of Object.entries(WATCHED)) {
    const name = metrics.names[key];
    if (typeof name !== 'string') throw new Error(`lib/metrics.ts METRICS has no "${key}": update scripts/alarms.cjs`);
    const series = JOBS.map((job, i) => ({
      Id: `m${i}`,
      ReturnData: false,
      MetricStat: {
        Metric: {
          Namespace: metrics.namespace,
          MetricName: name,
          Dimensions: [{ Name: metrics.dimension, Value: job }],
        },
        Period: 300,
        Stat: 'Sum',
      },
    }));
    Resources[`${name}Alarm`] = {
      Type: 'AWS::CloudWatch::Alarm',
      Properties: {
        AlarmDescription: description,
        Metrics: [
          ...series,
          { Id: 'total', Label: name, ReturnData: true, Expression: series.map((s) => `FILL(${s.Id}, 0)`).join(' + ') },
        ],
        EvaluationPeriods: 1,
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        TreatMissingData: 'notBreaching',
        AlarmActions: [{ Ref: 'AlertTopic' }],
      },
    };
  }
  // Money: the renew run reports what the balance lacks for everything due and announced (TopUpNeeded, in minor
  // units); any amount above 0 means domains are being deferred and will lapse without a top-up.
  const topUp = metrics.names.topUpNeeded;
  if (typeof topUp !== 'string')
    throw new Error('lib/metrics.ts METRICS has no "topUpNeeded": update scripts/alarms.cjs');
  Resources[`${topUp}Alarm`] = {
    Type: 'AWS::CloudWatch::Alarm',
    Properties: {
      AlarmDescription:
        'The account balance does not cover the renewals due now and announced as upcoming (37 days by default); domains are or will be deferred. Top up: the renew digest says how much.',
      Namespace: metrics.namespace,
      MetricName: topUp,
      Dimensions: [{ Name: metrics.dimension, Value: 'renew' }],
      Statistic: 'Maximum',
      Period: 86400,
      EvaluationPeriods: 1,
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
      TreatMissingData: 'notBreaching',
      AlarmActions: [{ Ref: 'AlertTopic' }],
    },
  };
  return { Resources };
}

/** osls entry point; this file lives in <root>/scripts. */
module.exports = async () => buildAlarms(readMetrics(join(__dirname, '..')));
module.exports.buildAlarms = buildAlarms;
module.exports.readMetrics = readMetrics;
