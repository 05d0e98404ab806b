import { closeBatchByHand } from '../../lib/renewal/close-batch';
import { given } from '../helpers/builder';
import { hidingDetailRows } from '../helpers/faulty';

/**
 * One batch, two rowless entries of a task that finished and renewed neither: b.com 10 days out (check says "wait"
 * for 2 days from the finished-task mark) and d.com 2 days out (its act-by moment is inside the wait: check says at
 * once "look in the console, then close the batch (autorenew close-batch) so the next renew run buys it, or renew it
 * by hand"). The person does as d.com's line says and closes the batch: close-batch refuses the whole batch for
 * b.com's wait ("Let the check job settle it ... close once ... 2 days after the task ran"), the refusal names no
 * d.com, and it stands until after d.com's expiry. d.com, which the line said the next renew run would buy, lapses.
 */
test('a person who closes the batch as the act line says has the domain bought before it lapses', async () => {
  const t = await given({ domains: ['b.com+10d', 'd.com+2d'] });
  const dExpiry = t.expiry('d.com') as number;
  // The batch's order renews nothing; a later order would go through.
  const ran = new Set<string>();
  t.registrar.faults.failDomain = (d) => {
    if (ran.has(d)) return undefined;
    ran.add(d);
    return 'registry refused (test)';
  };
  const short = hidingDetailRows(hidingDetailRows(t.registrar, 'b.com'), 'd.com');
  await t.renew({ deps: { registrar: short } });
  expect(
    t.registrar
      .submissions()
      .map((s) => s.domainName)
      .sort(),
  ).toEqual(['b.com', 'd.com']);
  const advice = 'close the batch (autorenew close-batch) so the next renew run buys it';
  const refused: { h: number; message: string }[] = [];
  let told = false;
  for (let h = 1; t.clock.now() < dExpiry; h++) {
    t.advance('1h');
    t.notifier.sent.length = 0;
    await t.check({ deps: { registrar: short } });
    told ||= t.notifier.sent.some((m) => m.email.split('\n').some((l) => l.includes('d.com') && l.includes(advice)));
    const [open] = await t.ledger.listOpenBatches();
    if (told && open?.status === 'SUBMITTED')
      await closeBatchByHand(t.ledger, open.batchId, 'as the alert said', t.clock.now(), true, short).catch(
        (err: Error) => refused.push({ h, message: err.message.slice(0, 160) }),
      );
    if (h % 24 === 2) await t.renew({ deps: { registrar: short } });
  }
  // Either no line sends the person to close this batch, or the close it advises goes through and buys d.com.
  const dRenewedBeforeExpiry = (t.expiry('d.com') as number) > dExpiry;
  expect(told ? { refused: refused.slice(0, 2), dRenewedBeforeExpiry } : 'no line advised closing the batch').toEqual(
    told ? { refused: [], dRenewedBeforeExpiry: true } : 'no line advised closing the batch',
  );
});
