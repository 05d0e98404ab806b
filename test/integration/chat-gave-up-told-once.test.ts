import { fixedClock } from '../../lib/clock';
import type { Batch, Ledger } from '../../lib/ledger/port';
import { createLogger } from '../../lib/log';
import { createEnvTargetCredentials } from '../../lib/notify/chat/credentials';
import { createFanoutNotifier, type FanoutTarget } from '../../lib/notify/fanout';
import type { Notifier, RenderedMessage } from '../../lib/notify/port';
import { parsePolicyText } from '../../lib/policy/load';
import { targetEnvStem } from '../../lib/policy/schema';
import { deliverNotices } from '../../lib/renewal/notices';
import { type StandIn, startStandIn } from '../helpers/chat-standins';
import { createMemoryMarks } from '../helpers/memory-marks';

/**
 * Review 2026-12-07 (thirty-first session) of that session's told marks. Two chat targets: "ops" refused for good (its token revoked: gives up at once), "team" down (passing
 * failures, retried). Run 1's email carries the report "ops ... not retried". Team's failure keeps the stuck notice
 * pending, so each following hour re-renders it; every line was told to SNS (the told marks), so the fan-out takes the
 * new `!fresh` branch, tries ops again (it is not retried, said the email), ops gives up again, and a fresh
 * "1 chat target did not get a digest" email goes out: the same give-up of the same digest reported every hour
 * until team stops holding it back.
 */
const NOW = Date.UTC(2025, 2, 1, 6, 0, 0);
const HOUR = 3_600_000;
const POLICY = parsePolicyText('{"version": 1}', 'p.json');

function stuckBatch(): Batch {
  return {
    batchId: 'b-1',
    runId: 'r',
    attemptId: 'a',
    status: 'SUBMITTED',
    taskNo: 'T-1',
    createdAtMs: NOW - 30 * HOUR,
    updatedAtMs: NOW - HOUR,
    submitStartedAtMs: NOW - 30 * HOUR,
    entries: [{ domain: 'stuck.com', expiryMs: NOW + 20 * HOUR, years: 1, permitPremium: false }],
    pendingNotices: ['stuck'],
    sentNotices: [],
    version: 1,
  };
}

let ops: StandIn;
let team: StandIn;
beforeAll(async () => {
  ops = await startStandIn('dingtalk');
  team = await startStandIn('dingtalk');
});
afterAll(async () => {
  await ops.close();
  await team.close();
});

describe('a chat target that gave up, while another keeps the digest pending', () => {
  it('is reported once for that digest, not every hour', async () => {
    const clock = fixedClock(NOW);
    const marks = createMemoryMarks();
    const batches = new Map<string, Batch>([['b-1', stuckBatch()]]);
    const ledger = {
      ...marks,
      getBatch: async (id: string) => batches.get(id),
      saveBatch: async (b: Batch) => {
        batches.set(b.batchId, { ...b, version: b.version + 1 });
      },
      getClaims: async () => [],
    } as unknown as Ledger;
    const sent: RenderedMessage[] = [];
    const primary: Notifier = {
      publish: async (m) => {
        sent.push(m);
        return {};
      },
    };
    const log = createLogger({ level: 'error', sink: () => {} });
    const targets: FanoutTarget[] = [
      { name: 'ops', kind: 'dingtalk', events: ['stuck'], minSeverity: 'info' },
      { name: 'team', kind: 'dingtalk', events: ['stuck'], minSeverity: 'info' },
    ];
    const revoked = ops.url.replace(/access_token=[^&]+/, 'access_token=revoked000000000000000000');
    const run = () =>
      deliverNotices(
        {
          ledger,
          notifier: createFanoutNotifier({
            primary,
            targets,
            credentials: createEnvTargetCredentials({
              [`${targetEnvStem('ops')}_URL`]: revoked,
              [`${targetEnvStem('team')}_URL`]: team.url,
            }),
            notify: POLICY.notify,
            marks,
            clock,
            log,
          }),
          log,
          clock,
        },
        POLICY,
        { job: 'check', runId: `r-${clock.now()}`, batches: [...batches.values()] },
      ).catch(() => undefined);

    team.mode = 'down';
    await run(); // 06:00: SNS gets the stuck line with the report (ops not retried, team retried)
    expect(sent).toHaveLength(1);
    expect(sent[0]?.email).toMatch(/"ops" did not get this digest.*not retried/);
    clock.advance(HOUR);
    await run(); // 07:00: team down again, still pending
    expect(batches.get('b-1')?.pendingNotices).toEqual(['stuck']);
    const opsReports = sent.filter((m) => /"ops" did not get/.test(m.email));
    // ops's give-up of this digest was told at 06:00; now told again at 07:00 (ops was tried again: 2 refusals).
    expect({ reports: opsReports.length, opsTried: ops.refused.length }).toEqual({ reports: 1, opsTried: 1 });
  });
});
