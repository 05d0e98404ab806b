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

  test('TaskType ORDER_RENEW is a renewal; TaskStatus COMPLETE alone is finished', () => {
    expect(['ORDER_RENEW', 'ORDER_TRANSFER', 'order_renew'].map(taskKindOf)).toEqual(['renewal', 'other', 'other']);
    expect(['WAITING_EXECUTE', 'EXECUTING', 'COMPLETE'].map(taskFinished)).toEqual([false, false, true]);
  });
});
