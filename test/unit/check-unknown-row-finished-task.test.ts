import { given } from '../helpers/builder';
import { rewritingRows } from '../helpers/faulty';

/**
 * Our task has finished, and its row for b.com carries a TaskStatusCode nobody documented (4, say). Check reads such
 * a row as no row for the outcome, and an entry of a finished task "without a row" whose expiry has not moved was
 * told "nothing shows it was bought ... close the batch so the next renew run buys it, or renew it by hand". The row
 * is there: the design holds an unknown row as one that may still run (close-batch refuses for it). Its stuck line
 * must not send a person to renew by hand (review 2026-12-07, twenty-fifth session).
 */
describe('a finished task whose row for a domain has an unknown status', () => {
  test('its stuck line says the row is unknown and to look first, not that nothing shows it was bought', async () => {
    const t = await given({ domains: ['a.com+10d', 'b.com+12d'] });
    t.registrar.faults.failDomain = (name) => (name === 'b.com' ? 'pending at the registry (test)' : undefined);
    const odd = rewritingRows(t.registrar, (row) =>
      row.domainName === 'b.com' ? { ...row, state: 'unknown', statusCode: 4 } : row,
    );
    await t.renew();
    t.advance('1h');
    await t.check({ deps: { registrar: odd } });
    expect((await t.registrar.listTasks({ fromMs: 0, toMs: Date.UTC(2030, 0) })).map((x) => x.finished)).toEqual([
      true,
    ]);
    t.advance('24h');
    t.notifier.sent.length = 0;
    await t.check({ deps: { registrar: odd } });
    const email = t.notifier.sent.at(-1)?.email ?? '';
    const line = email.split('\n').find((l) => l.startsWith('- b.com')) ?? '';
    expect(line).toMatch(/reason: /); // a stuck line for b.com went out
    expect(line).not.toMatch(/nothing shows it was bought/);
    expect(line).not.toMatch(/renew it by hand/);
    expect(line).toMatch(/status this tool does not know \(TaskStatusCode 4\)/);
  });
});
