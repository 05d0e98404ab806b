import { buildNotifier } from '../../lib/compose/adapters';
import { isTerminalOnStageLedger, withUnrecordedNotices } from '../../lib/compose/local';
import { readConfig } from '../../lib/config';
import { executeRenew } from '../../lib/jobs';
import { given } from '../helpers/builder';

// Review 2026-12-05, round 4, helper H: docs/deploy.md has an operator buy a reviewed plan by hand with
// `AUTORENEW_TABLE=<the stage's table> npx autorenew renew --plan plan.json`. Without AUTORENEW_TOPIC_ARN the CLI
// shows its digest on the terminal, and that run wrote the one-time marks (will-lapse, upcoming, deferred) into the
// stage's ledger: the scheduled run then never sent those lines to the topic. The on-call lost the 7-day will-lapse
// SMS, and the advance notice's veto period started on one terminal.

describe('a CLI renew against the deployed table, then the scheduled job the same day', () => {
  it('the topic still gets the will-lapse line and the upcoming notice', async () => {
    const t = await given({ domains: ['held.com+6d', 'soon.com+10d'], policy: { notify: { advanceDays: 7 } } });
    await t.ledger.putHolds([{ domain: 'held.com', reason: 'sale pending', createdAtMs: t.clock.now() }]);
    const cliConfig = readConfig({ AUTORENEW_TABLE: 'aliyun-domain-autorenew-prod-ledger' });
    expect(isTerminalOnStageLedger(cliConfig)).toBe(true);

    // The operator's hand run, composed as the CLI composes it against the stage's table.
    const terminal: string[] = [];
    const job = withUnrecordedNotices({
      label: 'default',
      account: { name: '' } as never,
      config: cliConfig,
      policy: t.policy,
      deps: t.deps({ notifier: buildNotifier(cliConfig, (l) => terminal.push(l)) }),
    });
    const cli = await executeRenew(job.deps, { policy: t.policy, dryRun: false, runId: 'cli-1' });
    expect(cli.summary.submitted).toBe(0);
    expect(terminal.join('\n')).toMatch(/held\.com/); // shown on the terminal

    // The daily Lambda run an hour later publishes to the topic (t.notifier stands in for SNS).
    t.advance('1h');
    await executeRenew(t.deps(), { policy: t.policy, dryRun: false, runId: 'lambda-1' });
    const topic = t.notifier.sent.map((m) => `${m.email}\nSMS: ${m.sms}`).join('\n----\n');
    expect(topic).toMatch(/held\.com/); // the 7-day will-lapse reaches the on-call
    expect(topic).toMatch(/soon\.com/); // the upcoming notice reaches the people who may veto it
  });

  it('only a terminal on a stage table: the embedded ledger, a table of its own, or a run publishing to the topic, records as before', () => {
    expect(isTerminalOnStageLedger(readConfig({}))).toBe(false);
    // A table of its own (the CLI run from cron on DynamoDB): its own notices, recorded as before.
    expect(isTerminalOnStageLedger(readConfig({ AUTORENEW_TABLE: 'ops-ledger' }))).toBe(false);
    expect(
      isTerminalOnStageLedger(
        readConfig({ AUTORENEW_TABLE: 't', AUTORENEW_TOPIC_ARN: 'arn:aws:sns:us-east-1:123456789012:alerts' }),
      ),
    ).toBe(false);
  });
});
