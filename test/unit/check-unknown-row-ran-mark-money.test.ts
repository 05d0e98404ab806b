import type { Billing } from '../../lib/billing/port';
import { ranTaskMark } from '../../lib/renewal/foreign-tasks';
import { type Given, given } from '../helpers/builder';
import { rewritingRows } from '../helpers/faulty';

/**
 * Our task a.com+b.com has finished in the task list; a.com's row failed, b.com's row has a TaskStatusCode nobody
 * documented (read as "no row" by check). The design treats an unknown row as one that may still run (rowsByDomain
 * ranks it with waiting, close-batch refuses for it, the foreign-task guard holds it). But ranRows read it as no row
 * and put the ran-task mark at the first check past stuckAfterHours, so from day 7 on the renew job's committed spend
 * (readStillQueued) stopped counting b.com's price although its row may not have run yet: the balance was spent again
 * and, once b.com's row executed and was charged, the account was below minBalanceAfter (review 2026-12-07,
 * twenty-sixth session).
 */
const YEAR = 6900;

function billingOf(t: Given, start: number, original: Map<string, number>, bChargedFromMs: number): Billing {
  return {
    async readBalance() {
      let charged = 0;
      for (const [name, was] of original) {
        const now = t.expiry(name) ?? was;
        if (now > was + 300 * 86_400_000) charged += YEAR;
      }
      if (t.clock.now() >= bChargedFromMs) charged += YEAR; // b.com's odd row finally executes and is charged
      return { availableCash: { minor: start - charged, currency: 'CNY' } };
    },
  };
}

describe('an unknown-status row beside a failed row in a finished task', () => {
  test('does not let the renew job stop counting its money after 7 days (ran-task mark put too early)', async () => {
    const t = await given({
      domains: ['a.com+20d', 'b.com+21d', 'c.com+22d', 'd.com+23d'],
      policy: { limits: { minBalanceAfter: '20', maxAttempts: 1 } },
    });
    const original = new Map(['a.com', 'b.com', 'c.com', 'd.com'].map((n) => [n, t.expiry(n) as number]));
    const bChargedFromMs = t.clock.now() + 12 * 86_400_000;
    const billing = billingOf(t, 2 * YEAR + 2000, original, bChargedFromMs);
    // The registrar does not renew a.com (row failed) nor b.com (its row is not run: it reads an undocumented status).
    t.registrar.faults.failDomain = (name) =>
      name === 'a.com' || name === 'b.com' ? 'registry busy (test)' : undefined;
    const odd = rewritingRows(t.registrar, (row) =>
      row.domainName === 'b.com' ? { ...row, state: 'unknown', statusCode: 7 } : row,
    );
    await t.renew({ deps: { billing, registrar: odd } });
    const first = t.registrar
      .submissions()
      .map((s) => s.domainName)
      .sort();
    expect(first).toEqual(['a.com', 'b.com']);
    const batch = (await t.ledger.listOpenBatches())[0];
    for (let day = 1; day <= 9; day++) {
      t.advance('1d');
      await t.check({ deps: { billing, registrar: odd } });
      await t.renew({ deps: { billing, registrar: odd } });
    }
    // a.com's failure (not charged, maxAttempts 1) may free its money for c.com (rightly); d.com must not be bought.
    // The symptom's cause: the mark says our task ran, though b.com's row's state is unknown.
    const marks = await t.ledger.getMarks([ranTaskMark(batch?.taskNo ?? '')]);
    t.advance('4d'); // b.com's row executes: charged
    const cash = (await billing.readBalance()).availableCash.minor;
    // Never below the reserve (minBalanceAfter 20 CNY), and no mark saying the task ran while b.com's row is unknown.
    expect({ belowReserve: cash < 2000, cash, marked: marks.size }).toEqual({
      belowReserve: false,
      cash: expect.any(Number),
      marked: 0,
    });
  });
});
