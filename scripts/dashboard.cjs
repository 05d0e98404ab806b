// osls variable resolver: `${file(./scripts/dashboard.cjs)}` in serverless.yml's `resources` list returns a
// CloudWatch dashboard of renewals, failures, spend and balance over time, with metric names taken from
// dist/metrics.json (generated from lib/metrics.ts), so the dashboard cannot name a metric the jobs never emit.
// Money metrics are integer minor units of the policy's currency (fen for CNY): divide by 100 to read yuan.
'use strict';
const { join } = require('node:path');
const { readMetrics } = require('./alarms.cjs');

/** Widget title -> [metric key in lib/metrics.ts METRICS, job, statistic][] */
const WIDGETS = [
  [
    'Renewals',
    [
      ['renewalsSubmitted', 'renew', 'Sum'],
      ['renewalsConfirmed', 'check', 'Sum'],
    ],
  ],
  [
    'Failures and unknown outcomes',
    [
      ['renewalsFailed', 'check', 'Sum'],
      ['outcomesUnknown', 'renew', 'Sum'],
      ['jobErrors', 'renew', 'Sum'],
      ['jobErrors', 'check', 'Sum'],
    ],
  ],
  [
    'Spend (minor units, e.g. fen)',
    [
      ['spendQuoted', 'renew', 'Sum'],
      ['spendSubmitted', 'renew', 'Sum'],
    ],
  ],
  [
    'Balance and top-up needed (minor units)',
    [
      ['balance', 'renew', 'Minimum'],
      ['topUpNeeded', 'renew', 'Maximum'],
    ],
  ],
];

/** The dashboard body (CloudWatch's JSON): one time-series widget per WIDGETS entry, daily points. */
function buildDashboardBody(metrics) {
  const widgets = WIDGETS.map(([title, series], i) => ({
    type: 'metric',
    x: (i % 2) * 12,
    y: Math.floor(i / 2) * 6,
    width: 12,
    height: 6,
    properties: {
      title,
      view: 'timeSeries',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a CloudFormation Fn::Sub placeholder
      region: '${AWS::Region}',
      period: 86400,
      metrics: series.map(([key, job, stat]) => {
        const name = metrics.names[key];
        if (typeof name !== 'string')
          throw new Error(`lib/metrics.ts METRICS has no "${key}": update scripts/dashboard.cjs`);
        return [metrics.namespace, name, metrics.dimension, job, { stat, label: `${name} (${job})` }];
      }),
    },
  }));
  return { widgets };
}

function buildDashboard(metrics) {
  return {
    Resources: {
      RenewalsDashboard: {
        Type: 'AWS::CloudWatch::Dashboard',
        Properties: {
          // biome-ignore lint/suspicious/noTemplateCurlyInString: a CloudFormation Fn::Sub placeholder
          DashboardName: { 'Fn::Sub': '${AWS::StackName}-renewals' },
          DashboardBody: { 'Fn::Sub': JSON.stringify(buildDashboardBody(metrics)) },
        },
      },
    },
  };
}

/** osls entry point; this file lives in <root>/scripts. */
module.exports = async () => buildDashboard(readMetrics(join(__dirname, '..')));
module.exports.buildDashboard = buildDashboard;
module.exports.buildDashboardBody = buildDashboardBody;
