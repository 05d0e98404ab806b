import { runCli } from '../../lib/cli';
import type { CliIO } from '../../lib/commands/io';
import { openLedgerFromEnv } from '../../lib/ledger/embedded';
import type { Ledger } from '../../lib/ledger/port';
import { given } from '../helpers/builder';
import { startDynalite } from '../helpers/ledger-dynalite';

/**
 * `autorenew hold` run by a person while a renew run is buying (review 2026-12-05, round 4): the run read the holds
 * once, with the listing, and bought a domain held after that, though the command said "the renew job will not buy
 * them". Now one of the two always sees the other: the run reads the holds again once its claims are durable, just
 * before the submit start, and the command reads the claims after writing its hold. Real DynamoDB adapter on dynalite.
 */
describe('a hold written while a renew run is buying', () => {
  let dynamo: Awaited<ReturnType<typeof startDynalite>>;
  let opened: Awaited<ReturnType<typeof openLedgerFromEnv>>;
  const env = () => ({ AUTORENEW_TABLE: 'ops-ledger', AUTORENEW_DYNAMODB_ENDPOINT: dynamo.endpoint });

  beforeEach(async () => {
    dynamo = await startDynalite();
    opened = await openLedgerFromEnv(env());
  });
  afterEach(async () => {
    await opened.close();
    await dynamo.stop();
  });

  /** Runs `autorenew hold <domain>` against the same table; its output, both streams. */
  async function hold(domain: string): Promise<string> {
    const out: string[] = [];
    const io: CliIO = {
      out: (l) => out.push(l),
      err: (l) => out.push(l),
      isTTY: false,
      env: env(),
      cwd: process.cwd(),
    };
    // The table's first renew run is the one in progress: nothing recorded yet, hence --no-run-check.
    await runCli(['hold', domain, '--reason', 'transferring out', '--no-run-check'], io);
    return out.join('\n');
  }

  /** The run's ledger, on which `autorenew hold <domain>` runs right after the plan's read of the holds. */
  function holdingAfterPlanRead(domain: string): { ledger: Ledger; said: () => string } {
    let said = '';
    const ledger: Ledger = {
      ...opened.ledger,
      listHolds: async () => {
        const holds = await opened.ledger.listHolds();
        if (!said) said = await hold(domain);
        return holds;
      },
    };
    return { ledger, said: () => said };
  }

  test('a hold written after the run read the holds, before its claims: not bought, as the command says', async () => {
    const t = await given({ domains: ['a.com+10d', 'b.com+10d'] });
    const { ledger, said } = holdingAfterPlanRead('a.com');
    const run = await t.renew({ deps: { ledger } });
    expect(said()).toMatch(/the renew job will not buy them/);
    expect(said()).not.toMatch(/in flight/);
    expect(t.registrar.submissions().map((s) => s.domainName)).toEqual(['b.com']);
    expect(run.summary.submitted).toBe(1);
    expect(run.summary.conflicts).toBe(0);
    expect(t.logs.some((l) => /held by a person after this run planned them/.test(l))).toBe(true);
    // Its claim was given back (not an attempt), and the budget it took too: unheld, the next run buys it.
    await hold('b.com'); // unrelated domain, so the holds item changes again
    await runCli(['unhold', 'a.com'], { out: () => {}, err: () => {}, isTTY: false, env: env(), cwd: process.cwd() });
    t.advance('1h');
    await t.renew({ deps: { ledger: opened.ledger } });
    expect(t.registrar.submissions().map((s) => s.domainName)).toEqual(['b.com', 'a.com']);
  });

  test('every domain of a batch held meanwhile: nothing is sent, the batch is closed empty', async () => {
    const t = await given({ domains: ['a.com+10d'] });
    const { ledger, said } = holdingAfterPlanRead('a.com');
    const run = await t.renew({ deps: { ledger } });
    expect(said()).toMatch(/the renew job will not buy them/);
    expect(t.registrar.submissions()).toEqual([]);
    expect(run.summary.submitted).toBe(0);
    expect((await opened.ledger.listOpenBatches()).filter((b) => b.status !== 'CLOSED')).toEqual([]);
  });

  test('a hold written once the submit has started: the command says the order is in flight', async () => {
    const t = await given({ domains: ['a.com+10d'] });
    let said = '';
    const ledger: Ledger = {
      ...opened.ledger,
      saveBatch: async (batch) => {
        const saved = await opened.ledger.saveBatch(batch);
        if (!said && batch.submitStartedAtMs !== undefined) said = await hold('a.com');
        return saved;
      },
    };
    await t.renew({ deps: { ledger } });
    expect(t.registrar.submissions().map((s) => s.domainName)).toEqual(['a.com']);
    expect(said).toMatch(/already in flight/);
  });

  // The run reads a batch's holds while the batch before it is sent (issue 19): a hold written after that read is
  // not seen by the run, and the command, reading the claims after its hold, says so.
  test("a hold written while the batch before is sent, after the next batch's read: bought, and the command says in flight", async () => {
    const t = await given({ domains: ['a.com+10d', 'b.com+11d'], policy: { limits: { maxBatchSize: 1 } } });
    let lastRead: Promise<unknown> = Promise.resolve();
    let holding: Promise<string> | undefined;
    t.registrar.faults.before = (op) => {
      // a.com's paid call: b.com's holds read has started; the command runs once it is answered.
      if (op === 'submitRenewBatch' && !holding) holding = lastRead.then(() => hold('b.com'));
    };
    const ledger: Ledger = {
      ...opened.ledger,
      listHolds: () => {
        const read = opened.ledger.listHolds();
        lastRead = read;
        return read;
      },
    };
    await t.renew({ deps: { ledger } });
    const said = await holding;
    expect(said).toMatch(/b\.com: a renewal of it is already in flight/);
    expect(t.registrar.submissions().map((s) => s.domainName)).toEqual(['a.com', 'b.com']);
  });
});
