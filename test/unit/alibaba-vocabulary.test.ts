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

  test('TaskType ORDER_RENEW is a renewal; of the TaskStatus values, COMPLETE alone is finished', () => {
    expect(['ORDER_RENEW', 'ORDER_TRANSFER', 'order_renew'].map(taskKindOf)).toEqual(['renewal', 'other', 'other']);
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
