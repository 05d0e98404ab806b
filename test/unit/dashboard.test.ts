import { METRIC_DIMENSION, METRIC_NAMESPACE, METRICS } from '../../lib/metrics';

const { buildDashboard, buildDashboardBody } = require('../../scripts/dashboard.cjs') as {
  buildDashboard(metrics: object): {
    Resources: Record<string, { Properties: { DashboardBody: { 'Fn::Sub': string } } }>;
  };
  buildDashboardBody(metrics: object): { widgets: { properties: { title: string; metrics: unknown[][] } }[] };
};
const metrics = { namespace: METRIC_NAMESPACE, dimension: METRIC_DIMENSION, names: METRICS };

describe('the CloudWatch dashboard (scripts/dashboard.cjs)', () => {
  test('shows renewals, failures, spend and balance, naming only metrics the jobs emit', () => {
    const body = buildDashboardBody(metrics);
    expect(body.widgets.map((w) => w.properties.title)).toEqual([
      'Renewals',
      'Failures and unknown outcomes',
      'Spend (minor units, e.g. fen)',
      'Balance and top-up needed (minor units)',
    ]);
    const emitted = new Set<string>(Object.values(METRICS));
    for (const w of body.widgets)
      for (const m of w.properties.metrics) {
        expect(m[0]).toBe(METRIC_NAMESPACE);
        expect(emitted.has(String(m[1]))).toBe(true);
        expect(m[2]).toBe(METRIC_DIMENSION);
        expect(['renew', 'check']).toContain(m[3]);
      }
  });

  test('the body is valid JSON once CloudFormation substitutes the region', () => {
    const sub = buildDashboard(metrics).Resources.RenewalsDashboard?.Properties.DashboardBody['Fn::Sub'] ?? '';
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a CloudFormation Fn::Sub placeholder
    expect(JSON.parse(sub.replace('${AWS::Region}', 'ap-southeast-1')).widgets).toHaveLength(4);
  });

  test('a metric missing from lib/metrics.ts is an error, not a blank widget', () => {
    expect(() => buildDashboardBody({ ...metrics, names: { ...METRICS, balance: undefined } })).toThrow(
      /METRICS has no "balance"/,
    );
  });
});
