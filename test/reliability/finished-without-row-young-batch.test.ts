import { followActNote } from '../helpers/act-note';
import { given } from '../helpers/builder';
import { hidingDetailRows } from '../helpers/faulty';

/**
 * round6. A domain expiring 20 h after its submit: check's stuck time for its batch is an hour (EARLY_STUCK_MS), its
 * act-by moment (the expiry) is less than a day away, so there is no "wait" (mayExpiryStillShow), and with
 * window.daysAfterExpiry 5 the renew job still buys it after the expiry (not pastWindow): the note says "close the
 * batch (autorenew close-batch) so the next renew run buys it" an hour after the submit. close-batch refuses every
 * batch less than a day old (MIN_CLOSE_AGE_MS: "the check job settles it by itself"), which this one is until after
 * its act-by moment; check never settles it. The person told to close before the expiry cannot.
 */
describe('told to close the batch of a domain expiring within a day of its submit', () => {
  test('a close the note advises is accepted (or the note says to renew by hand)', async () => {
    const t = await given({
      domains: ['b.com+20h'],
      policy: { window: { daysBeforeExpiry: 30, daysAfterExpiry: 5 } },
    });
    t.registrar.faults.failDomain = () => 'registry refused (test)';
    const short = hidingDetailRows(t.registrar, 'b.com');
    await t.renew({ deps: { registrar: short } });
    expect(t.registrar.submissions().map((s) => s.domainName)).toEqual(['b.com']);
    const { told, refusal } = await followActNote(t, short, 'b.com', 48);
    expect(told).toBeDefined();
    expect({ told, refusal }).toEqual({ told, refusal: undefined });
  });
});
