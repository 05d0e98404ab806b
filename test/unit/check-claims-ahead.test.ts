import type { Ledger } from '../../lib/ledger/port';
import type { Registrar } from '../../lib/registrar/port';
import { given } from '../helpers/builder';

/**
 * Check reads the claims of the batches already sent while their task details are read (lib/renewal/check.ts,
 * readClaimsAhead), not after: the confirmations start as soon as the expiries show, and nothing is read twice.
 */

/** Three due domains bought in two batches; two hours on, both tasks have run. */
async function twoBatchesRun() {
  const t = await given({
    domains: ['a.com+10d', 'b.com+12d', 'c.com+14d'],
    policy: { limits: { maxBatchSize: 2 } },
  });
  await t.renew();
  t.advance('2h');
  return t;
}

/** The registrar with its task-detail reads recorded, each taking a few turns of the event loop. */
function slowDetails(inner: Registrar, events: string[]): Registrar {
  const registrar = Object.create(inner) as Registrar;
  registrar.listTaskDetails = async (taskNo) => {
    events.push('details');
    for (let turn = 0; turn < 5; turn++) await new Promise((resolve) => setImmediate(resolve));
    return inner.listTaskDetails(taskNo);
  };
  return registrar;
}

/** The ledger with its claim reads recorded (the first `failReads` of them failing). */
function watchedClaims(inner: Ledger, events: string[], failReads = 0): Ledger {
  let calls = 0;
  const ledger = Object.create(inner) as Ledger;
  ledger.getClaims = async (keys) => {
    calls += 1;
    events.push(`getClaims ${keys.map((k) => k.domain).join(',')}`);
    if (calls <= failReads) throw new Error('DynamoDB throttled (test)');
    return inner.getClaims(keys);
  };
  return ledger;
}

const statuses = async (t: Awaited<ReturnType<typeof twoBatchesRun>>) =>
  (await t.ledger.listLiveClaims()).map((c) => `${c.domain} ${c.status}`);

describe('check reads the claims of sent batches beside their task details', () => {
  test('one read of every sent claim, made before the first task-detail read; all three confirmed', async () => {
    const t = await twoBatchesRun();
    const events: string[] = [];
    const summary = await t.check({
      deps: { registrar: slowDetails(t.registrar, events), ledger: watchedClaims(t.ledger, events) },
    });
    expect(events).toEqual(['getClaims a.com,b.com,c.com', 'details', 'details']);
    expect(summary.renewed).toBe(3);
    expect(await statuses(t)).toEqual([]);
  });

  test('a read ahead that fails costs nothing: the claims are read after the details, all confirmed', async () => {
    const t = await twoBatchesRun();
    const events: string[] = [];
    const summary = await t.check({
      deps: { registrar: slowDetails(t.registrar, events), ledger: watchedClaims(t.ledger, events, 1) },
    });
    expect(events).toEqual(['getClaims a.com,b.com,c.com', 'details', 'details', 'getClaims a.com,b.com,c.com']);
    expect(t.logs.some((l) => l.includes('claims not read ahead of the task details'))).toBe(true);
    expect(summary).toMatchObject({ renewed: 3, errors: 0 });
    expect(await statuses(t)).toEqual([]);
  });
});
