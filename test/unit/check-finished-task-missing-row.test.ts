import { given } from '../helpers/builder';
import { hidingDetailRows } from '../helpers/faulty';

/**
 * Our task has finished (the task list shows it COMPLETE) but its details never list b.com, whose expiry has not
 * moved: the registrar dropped it from the order, and nothing more of that task will run. The entry stays open by
 * design (close-batch is the way out), but its daily stuck line said "task not finished in time" beside the advice
 * "the check job keeps watching them and reminds you daily until they finish": a person who looks sees the task
 * finished and is told to wait, while the domain, held in-flight by the open batch, gets no will-lapse line
 * (review 2026-12-07, twenty-fifth session).
 */
describe('a finished task whose details never list one of our domains', () => {
  test('its stuck line says the task finished without a row for it, not "task not finished in time"', async () => {
    const t = await given({ domains: ['a.com+10d', 'b.com+12d'] });
    // The registrar does not renew b.com, and never lists a row for it.
    t.registrar.faults.failDomain = (name) => (name === 'b.com' ? 'dropped' : undefined);
    const short = hidingDetailRows(t.registrar, 'b.com');
    await t.renew();
    t.advance('1h');
    await t.check({ deps: { registrar: short } });
    // The task has run and is finished; a.com is renewed and recorded.
    expect((await t.registrar.listTasks({ fromMs: 0, toMs: Date.UTC(2030, 0) })).map((x) => x.finished)).toEqual([
      true,
    ]);
    const [a] = await t.ledger.listClaimsForDomain('a.com');
    expect(a?.status).toBe('RENEWED');
    // A day later: stuck, every day from now on.
    t.advance('24h');
    t.notifier.sent.length = 0;
    await t.check({ deps: { registrar: short } });
    const line =
      t.notifier.sent
        .at(-1)
        ?.email.split('\n')
        .find((l) => l.startsWith('- b.com')) ?? '';
    expect(line).toMatch(/reason: /); // a stuck line for b.com went out
    expect(line).not.toMatch(/task not finished in time/);
    expect(line).toMatch(/task finished without a row for it/);
  });
});
