import { given } from '../helpers/builder';
import { hidingDetailRows } from '../helpers/faulty';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/**
 * Review 2026-12-07, twenty-ninth session (of fe6bf09). A renewal whose last buying moment falls inside check's new 2-day "wait" (fe6bf09). Its task runs and finishes
 * without a row for the domain, and the registrar did NOT renew it (a real failure, no row to say so). At the
 * stuck-old check (24 h after the submit) the task list shows the task finished: check puts the ran-task mark and
 * says "wait" for 2 days (FINISHED_WITHOUT_ROW_RECENTLY: "buying it now ... may pay for it twice"). Every line a
 * person gets before the last moment says wait; the renew run holds the domain (in flight, no will-lapse line).
 * Before fe6bf09 the same stuck line said "... or renew it by hand" with a day or more left.
 * - late in grace (window daysAfterExpiry 30): the domain falls into redemption (this tool never buys it back);
 * - 2 days before the expiry (default window): it expires, past the policy's last buying moment, told only "wait".
 * Now the wait ends at the moment a person must act by (the expiry while ahead, else the grace end).
 */
const CASES: [string, { domain: string; policy: Record<string, unknown>; lastMs: (expiryMs: number) => number }][] = [
  [
    'bought on grace day 27.5',
    {
      domain: 'b.com-27.5d',
      policy: { window: { daysBeforeExpiry: 30, daysAfterExpiry: 30 } },
      lastMs: (e) => e + 30 * DAY,
    },
  ],
  ['bought 2 days before its expiry', { domain: 'b.com+2d', policy: {}, lastMs: (e) => e }],
];

describe('finished without a row, the last buying moment inside the 2-day wait', () => {
  test.each(CASES)('%s: someone is told to act (renew by hand) before it lapses', async (_name, c) => {
    const t = await given({ domains: [c.domain], policy: c.policy });
    const oldExpiry = t.expiry('b.com') as number;
    const lastMs = c.lastMs(oldExpiry);
    // The order runs and renews nothing; its details never list b.com.
    t.registrar.faults.failDomain = (d) => (d === 'b.com' ? 'registry refused (test)' : undefined);
    const short = hidingDetailRows(t.registrar, 'b.com');
    await t.renew({ deps: { registrar: short } });
    expect(t.registrar.submissions().map((s) => s.domainName)).toEqual(['b.com']);
    const lines: { atMs: number; line: string }[] = [];
    for (let h = 1; t.clock.now() < lastMs; h++) {
      t.advance('1h');
      t.notifier.sent.length = 0;
      await t.check({ deps: { registrar: short } });
      if (h % 24 === 0) await t.renew({ deps: { registrar: short } });
      for (const m of t.notifier.sent)
        for (const line of m.email.split('\n')) if (line.includes('b.com')) lines.push({ atMs: t.clock.now(), line });
    }
    // Still the old expiry: nothing renewed it.
    expect(t.expiry('b.com')).toBe(oldExpiry);
    const beforeLapse = lines.filter((l) => l.atMs < lastMs).map((l) => l.line);
    expect(beforeLapse.length).toBeGreaterThan(0);
    // What a person was told before the last moment: only "wait".
    expect({ toldToAct: beforeLapse.some((l) => /by hand/.test(l)), lines: beforeLapse }).toMatchObject({
      toldToAct: true,
    });
  });
});
