import { openLedgerFromEnv } from '../../lib/ledger/embedded';
import type { Sandbox } from '../../lib/sandbox';
import { coldHandler } from '../helpers/lambda';
import { START_HOOK_TIMEOUT_MS } from '../helpers/timeouts';
import { startTwoAccounts, TWO_ACCOUNTS_NOW, type TwoAccounts } from '../helpers/two-accounts';

const DUE = TWO_ACCOUNTS_NOW + 5 * 86_400_000;

/**
 * Review 2026-12-06, round 8 (inputs). A person invokes the deployed renew function by hand to see what it would do,
 * with the tool's own word in the payload (`aws lambda invoke --payload '{"dryRun": true}'`, or the console's test
 * event). The handler ignored its event: the run bought every due domain in both accounts. It now honours
 * `{"dryRun": true}` (a payload can only ask for less buying) and refuses any other payload before anything is read.
 */
describe('the renew function and its event', () => {
  let world: TwoAccounts;
  let sandbox: Sandbox;

  beforeEach(async () => {
    world = await startTwoAccounts({
      main: [{ domainName: 'due-main.com', expiresAtMs: DUE }],
      second: [{ domainName: 'due-second.com', expiresAtMs: DUE }],
    });
    sandbox = world.sandbox;
  }, START_HOOK_TIMEOUT_MS);
  afterEach(async () => {
    await world?.stop();
  });

  /** Each account's last recorded renew run, from the functions' table. */
  async function lastRenewRuns() {
    const opened = await openLedgerFromEnv({
      AUTORENEW_TABLE: process.env.AUTORENEW_TABLE as string,
      AUTORENEW_DYNAMODB_ENDPOINT: world.aws.endpoints.dynamodb,
    });
    try {
      return await Promise.all(['main', 'second'].map((a) => opened.forAccount(a).lastRun('renew')));
    } finally {
      await opened.close();
    }
  }
  const ctx = (id: string) => ({ awsRequestId: id, getRemainingTimeInMillis: () => 600_000 });
  const paid = () =>
    [...sandbox.state().submissions, ...sandbox.state('second').submissions].map((s) => s.domainName).sort();

  it('{"dryRun": true}: a dry run, nothing bought, no renew run recorded (it is no scheduled run)', async () => {
    const result = await coldHandler('renew')({ dryRun: true }, ctx('event-dry'));
    expect({ dryRun: (result as { dryRun?: boolean }).dryRun, paid: paid() }).toEqual({ dryRun: true, paid: [] });
    expect(await lastRenewRuns()).toEqual([undefined, undefined]);
  });

  it.each([
    [{ dryRun: 'true' }],
    [{ dryRun: false }],
    [{ domains: ['due-main.com'] }],
    [{ dryRun: true, account: 'main' }],
    [['renew']],
    ['renew'],
  ])('%j: refused before anything is read, nothing bought', async (event) => {
    await expect(coldHandler('renew')(event, ctx('event-bad'))).rejects.toThrow(
      /^the renew function was invoked with .*: it takes no input \(its schedule's event, or an invoke with no payload or \{\}\), or \{"dryRun": true\} for a dry run; nothing was bought$/,
    );
    expect(paid()).toEqual([]);
  });

  it.each([[undefined], [null], ['']])('no payload (%j): a real run', async (event) => {
    const result = await coldHandler('renew')(event, ctx('event-none'));
    expect({ dryRun: (result as { dryRun?: boolean }).dryRun, paid: paid() }).toEqual({
      dryRun: false,
      paid: ['due-main.com', 'due-second.com'],
    });
    // Each run record names the deployment's accounts, for a CLI shell that configures fewer (review 2026-12-07).
    expect((await lastRenewRuns()).map((r) => r?.accounts)).toEqual([
      ['main', 'second'],
      ['main', 'second'],
    ]);
  });

  const envelope = {
    version: '0',
    id: 'cdc73f9d-aea9-11e3-9d5a-835b769c0d9c',
    'detail-type': 'Scheduled Event',
    source: 'aws.events',
    account: '123456789012',
    time: '1970-01-01T00:00:00Z',
    region: 'us-east-1',
    resources: ['arn:aws:events:us-east-1:123456789012:rule/ExampleRule'],
    detail: {},
  };

  // Review 2026-12-07: any object with the envelope's source and detail-type was the schedule's event, whatever else
  // it carried; the console's "Scheduled Event" test template with the tool's own `"dryRun": true` added bought
  // every due domain.
  it.each([
    ['"dryRun": true beside the envelope', { ...envelope, dryRun: true }],
    ['"dryRun": true in detail', { ...envelope, detail: { dryRun: true } }],
  ])('the scheduled envelope with %s: a dry run, nothing bought', async (_what, event) => {
    const result = await coldHandler('renew')(event, ctx('event-scheduled-dry'));
    expect({ dryRun: (result as { dryRun?: boolean }).dryRun, paid: paid() }).toEqual({ dryRun: true, paid: [] });
  });

  it.each([
    ['"dryRun": false beside it', { ...envelope, dryRun: false }],
    ['another key beside it', { ...envelope, buy: 'all' }],
    ['a detail with other keys', { ...envelope, detail: { dryRun: true, years: 5 } }],
    ['a detail that is not an object', { ...envelope, detail: 'dryRun' }],
    ['a detail that is a list', { ...envelope, detail: ['dryRun'] }],
    ['a null detail', { ...envelope, detail: null }],
  ])('the scheduled envelope with %s: refused, nothing bought', async (_what, event) => {
    await expect(coldHandler('renew')(event, ctx('event-scheduled-bad'))).rejects.toThrow(/nothing was bought$/);
    expect(paid()).toEqual([]);
  });

  it("its schedule's EventBridge event: a real run", async () => {
    const scheduled = {
      version: '0',
      id: '53dc4d37-cffa-4f76-80c9-8b7d4a4d2eaa',
      'detail-type': 'Scheduled Event',
      source: 'aws.events',
      account: '123456789012',
      time: '2026-12-03T06:00:00Z',
      region: 'us-east-1',
      resources: ['arn:aws:events:us-east-1:123456789012:rule/aliyun-domain-autorenew-prod-renew-schedule'],
      detail: {},
    };
    const result = await coldHandler('renew')(scheduled, ctx('event-scheduled'));
    expect({ dryRun: (result as { dryRun?: boolean }).dryRun, paid: paid() }).toEqual({
      dryRun: false,
      paid: ['due-main.com', 'due-second.com'],
    });
    expect((await lastRenewRuns()).map((r) => r?.runId)).toEqual(['event-scheduled', 'event-scheduled']);
  });
});
