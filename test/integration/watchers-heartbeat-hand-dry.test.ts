import { coldHandler } from '../helpers/lambda';
import { START_HOOK_TIMEOUT_MS } from '../helpers/timeouts';
import { startTwoAccounts, TWO_ACCOUNTS_NOW, type TwoAccounts } from '../helpers/two-accounts';

const DUE = TWO_ACCOUNTS_NOW + 5 * 86_400_000;

/**
 * Review 2026-12-07. RenewHeartbeatAlarm (serverless.yml) watches the EMF metric RenewRuns, dimension Job=renew. A
 * person's hand dry invoke of a live stage (`aws lambda invoke --payload '{"dryRun": true}'`, docs/deploy.md) is no
 * scheduled run: the ledger already left it unrecorded so check's "renew has not run" alert is not hidden (round 9),
 * but it still emitted RenewRuns, hiding a stopped schedule from the heartbeat alarm for up to two days.
 */
describe('a hand dry invoke of a live stage and the renew heartbeat', () => {
  let world: TwoAccounts;
  const lines: string[] = [];
  let spy: jest.SpyInstance;

  beforeEach(async () => {
    world = await startTwoAccounts({
      main: [{ domainName: 'due-main.com', expiresAtMs: DUE }],
      second: [{ domainName: 'due-second.com', expiresAtMs: DUE }],
    });
    lines.length = 0;
    spy = jest.spyOn(console, 'log').mockImplementation((line: unknown) => {
      lines.push(String(line));
    });
  }, START_HOOK_TIMEOUT_MS);
  afterEach(async () => {
    spy?.mockRestore();
    await world?.stop();
  });

  const ctx = (id: string) => ({ awsRequestId: id, getRemainingTimeInMillis: () => 600_000 });
  const heartbeats = () =>
    lines
      .filter((l) => l.includes('"_aws"'))
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .filter((m) => m.Job === 'renew' && typeof m.RenewRuns === 'number');

  it('emits no RenewRuns heartbeat (it is no scheduled run), as it records no renew run', async () => {
    expect(process.env.AUTORENEW_DRY_RUN).toBeUndefined(); // a live stage
    const result = await coldHandler('renew')({ dryRun: true }, ctx('hand-dry'));
    expect((result as { dryRun?: boolean }).dryRun).toBe(true);
    expect(heartbeats()).toEqual([]);
  });

  it('control: the scheduled run emits it, per account', async () => {
    await coldHandler('renew')({}, ctx('scheduled'));
    expect(heartbeats().map((m) => m.RenewRuns)).toEqual([1, 1]);
  });
});
