import { RejectedRetryableError } from '../../lib/errors';
import { given } from '../helpers/builder';
import { hidingDetailRows } from '../helpers/faulty';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/**
 * Review 2026-12-07, twenty-ninth session (of 0888110). Check's "wait" note (FINISHED_WITHOUT_ROW_RECENTLY) is put when the task list shows
 * the task finished; a later run whose task-list read fails (throttled, or skipped near the run's time limit:
 * readFinishedWithoutRows reads it as "not finished", silently) has no finding for the entry, and `pending` keeps the
 * last note. The wait's end (2 days from the finished-task mark, or the act-by moment) is only ever judged on a run
 * that read the task list finished: with QueryTaskList failing from the day after the first sight, every stuck line
 * up to the expiry (and past it) says "wait (buying it now or closing the batch may pay for it twice); check says
 * when nothing more can show it was bought", and check never says it. The domain, not renewed, lapses told "wait".
 * (Before fe6bf09 the note was "close the batch, or renew it by hand" from the first sight, and stuck the same way.)
 * The mark already dates the finish: a task list that showed the task finished once needs no second read to end the
 * wait.
 */
test('a task list that fails after the first finished sight: the person is still told to act before the expiry', async () => {
  const t = await given({ domains: ['b.com+5d'] });
  const t0 = t.clock.now();
  const oldExpiry = t.expiry('b.com') as number;
  t.registrar.faults.failDomain = (d) => (d === 'b.com' ? 'registry refused (test)' : undefined);
  const short = hidingDetailRows(t.registrar, 'b.com');
  await t.renew({ deps: { registrar: short } });
  expect(t.registrar.submissions().map((s) => s.domainName)).toEqual(['b.com']);
  const stuck: { h: number; says: string }[] = [];
  const other: string[] = [];
  for (let h = 1; t.clock.now() < oldExpiry; h++) {
    t.advance('1h');
    // From 30 h on, QueryTaskList is throttled at every call (listings, look-ups and details still answer).
    if (t.clock.now() - t0 >= 30 * HOUR)
      t.registrar.faults.before = (op) => {
        if (op === 'listTasks')
          throw new RejectedRetryableError('Throttling.User: QueryTaskList (test)', { code: 'Throttling.User' });
      };
    t.notifier.sent.length = 0;
    await t.check({ deps: { registrar: short } }).catch(() => undefined);
    if (h % 24 === 0) await t.renew({ deps: { registrar: short } }).catch(() => undefined);
    for (const m of t.notifier.sent)
      if (!m.digest?.outcomes.some((o) => o.event === 'stuck')) other.push(`${h}: ${m.email.slice(0, 300)}`);
    for (const m of t.notifier.sent)
      for (const o of m.digest?.outcomes ?? [])
        if (o.domain === 'b.com' && o.event === 'stuck')
          stuck.push({
            h,
            says: /nothing shows it was bought/.test(o.reason ?? '')
              ? 'act'
              : /so wait/.test(o.reason ?? '')
                ? 'wait'
                : (o.reason ?? '').slice(0, 40),
          });
  }
  expect(t.expiry('b.com')).toBe(oldExpiry); // nothing renewed it
  expect(oldExpiry - t0).toBe(5 * DAY);
  expect({ toldToAct: stuck.some((s) => s.says === 'act'), stuck }).toMatchObject({ toldToAct: true });
});
