import { standingOf, taskFinished, taskKindOf } from '../../lib/alibaba/vocabulary';

describe("Alibaba's codes in the registrar port's words", () => {
  test("DomainStatus: '1' renewal-due, '2' redemption, '3' normal, anything else other", () => {
    expect(['1', '2', '3', '4', '', ' 2'].map(standingOf)).toEqual([
      'renewal-due',
      'redemption',
      'normal',
      'other',
      'other',
      'other',
    ]);
  });

  test('TaskType: the documented non-renewal types are other, anything else may be a renewal; COMPLETE alone is finished', () => {
    // An undocumented type was 'other', so our lost submit's queued task under it was invisible, the batch was
    // released and bought again (review 2026-12-05, round 4, helper E).
    expect(
      ['ORDER_RENEW', 'order_renew', ' ORDER_RENEW ', 'ORDER_BATCH_RENEW', 'ORDER_TRANSFER', ''].map(taskKindOf),
    ).toEqual(['renewal', 'renewal', 'renewal', 'renewal', 'renewal', 'renewal']);
    expect(
      ['CHG_DNS', 'ORDER_ACTIVATE', 'ORDER_REDEEM', 'update_tech_contact', 'DELETE_DOMAIN'].map(taskKindOf),
    ).toEqual(['other', 'other', 'other', 'other', 'other']);
    expect(['WAITING_EXECUTE', 'EXECUTING', 'COMPLETE'].map((s) => taskFinished(s))).toEqual([false, false, true]);
  });

  test('a task whose cancel has completed is finished too, whatever its TaskStatus (nothing more of it runs)', () => {
    // Review 2026-12-04: close-batch says "cancel the task in the console first, then close"; a cancelled task
    // left WAITING_EXECUTE read as running for good, so the close was refused and a failed row held for ever.
    expect(taskFinished('WAITING_EXECUTE', 'COMPLETE')).toBe(true);
    expect(taskFinished('EXECUTING', 'CANCELLING')).toBe(false);
    expect(taskFinished('EXECUTING', 'INIT')).toBe(false);
    expect(taskFinished('WAITING_EXECUTE', undefined)).toBe(false);
  });
});
