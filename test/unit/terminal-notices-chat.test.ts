import { withChatTargets } from '../../lib/compose/adapters';
import { buildLocalPrimary, isTerminalOnStageLedger, withUnrecordedNotices } from '../../lib/compose/local';
import { readConfig } from '../../lib/config';
import { executeCheck, executeRenew } from '../../lib/jobs';
import { createEnvTargetCredentials } from '../../lib/notify/chat/credentials';
import type { Notifier } from '../../lib/notify/port';
import { given } from '../helpers/builder';

// Review j (notice delivery under partial faults). The fix of review 2026-12-05, round 4, helper H makes a CLI run
// against the stage's table without AUTORENEW_TOPIC_ARN show its notices on the terminal and leave them pending
// (recordsDelivery: false), "so the stage's next scheduled run sends them". With a chat target in the policy the
// CLI's notifier is the chat fan-out over the console, and the fan-out writes its own sent mark for the primary
// (`notify#sent#primary#<UTC day>-<content hash>`) into the stage's ledger after the console "publish". The
// scheduled job's fan-out, the same UTC day and with the same content, reads that mark and skips SNS as
// "already-sent"; deliverNotices then marks everything delivered. The topic (email and SMS) never gets it.

const TARGETS = [{ name: 'ops', kind: 'webhook' as const }];

/** What the CLI composes against the stage's table: console primary, the policy's chat targets, unrecorded. */
function cliNotifier(t: Awaited<ReturnType<typeof given>>, terminal: string[]): Notifier {
  const cliConfig = readConfig({ AUTORENEW_TABLE: 'aliyun-domain-autorenew-prod-ledger' });
  expect(isTerminalOnStageLedger(cliConfig)).toBe(true);
  const notifier = withChatTargets(
    buildLocalPrimary(cliConfig, (l) => terminal.push(l)),
    t.policy,
    {
      // The operator's shell has no target URL: the target cannot be reached from here (any outcome does).
      credentials: createEnvTargetCredentials({}),
      marks: t.ledger,
      clock: t.clock,
      log: t.deps().log,
    },
  );
  return withUnrecordedNotices({
    label: 'default',
    account: { name: '' } as never,
    config: cliConfig,
    policy: t.policy,
    deps: t.deps({ notifier }),
  }).deps.notifier;
}

/** What the Lambda composes: SNS (t.notifier stands in) inside the same fan-out. */
function stageNotifier(t: Awaited<ReturnType<typeof given>>): Notifier {
  return withChatTargets(t.notifier, t.policy, {
    credentials: createEnvTargetCredentials({}),
    marks: t.ledger,
    clock: t.clock,
    log: t.deps().log,
  });
}

describe('a CLI run on the stage table (no topic) with a chat target, then the scheduled job the same day', () => {
  it('renew: the topic still gets the will-lapse line and the upcoming notice', async () => {
    const t = await given({
      domains: ['held.com+6.5d', 'soon.com+10.5d'],
      policy: { notify: { advanceDays: 7, targets: TARGETS } },
    });
    await t.ledger.putHolds([{ domain: 'held.com', reason: 'sale pending', createdAtMs: t.clock.now() }]);

    const terminal: string[] = [];
    await executeRenew(t.deps({ notifier: cliNotifier(t, terminal) }), {
      policy: t.policy,
      dryRun: false,
      runId: 'cli-1',
    }).catch(() => undefined); // the unreachable target may fail the hand run; it does not matter here
    expect(terminal.join('\n')).toMatch(/held\.com/); // shown on the terminal only

    t.advance('1h');
    await executeRenew(t.deps({ notifier: stageNotifier(t) }), {
      policy: t.policy,
      dryRun: false,
      runId: 'lambda-1',
    }).catch(() => undefined);
    const topic = t.notifier.sent.map((m) => `${m.email}\nSMS: ${m.sms}`).join('\n----\n');
    expect(topic).toMatch(/held\.com/); // the 7-day will-lapse reaches the on-call
    expect(topic).toMatch(/soon\.com/); // the upcoming notice reaches the people who may veto it
  });

  it('check: a batch notice shown on the terminal still reaches the topic at the next scheduled check', async () => {
    const t = await given({ domains: ['a.com+20d'], policy: { notify: { targets: TARGETS } } });
    // A renewal the scheduled renew job bought (its digest went out: nothing pending from it).
    t.registrar.faults.failDomain = () => 'The domain is locked by the registry';
    await executeRenew(t.deps({ notifier: stageNotifier(t) }), { policy: t.policy, dryRun: false, runId: 'r-1' });
    t.notifier.sent.length = 0;
    // The task then fails at the registrar: the next check records it (a `failed` line, said once).
    t.advance('10m');

    const terminal: string[] = [];
    await executeCheck(t.deps({ notifier: cliNotifier(t, terminal) }), { policy: t.policy, runId: 'cli-check' }).catch(
      () => undefined,
    );
    const shown = terminal.join('\n');
    expect(shown).toMatch(/a\.com/);

    t.advance('20m');
    await executeCheck(t.deps({ notifier: stageNotifier(t) }), { policy: t.policy, runId: 'lambda-check' }).catch(
      () => undefined,
    );
    const topic = t.notifier.sent.map((m) => m.email).join('\n----\n');
    expect(topic).toMatch(/a\.com/); // what the terminal showed is owed to the stage's audience
  });
});
