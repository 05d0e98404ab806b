import { parseAccountBalance } from '../../lib/alibaba/balance-shapes';
import { ShapeError } from '../../lib/alibaba/shapes';

// Review 2026-12-07, UNCONFIRMED against the official docs (which show Code "200", Message "success", amounts
// "10000.00"): several independent third-party QueryAccountBalance clients parse live answers with `Code` "Success"
// and thousands separators ("1,234.56"). Read as they were, either form left the balance unreadable, and with
// money.balanceUnreadable "stop" (the default) nothing was ever bought.
const live = {
  RequestId: '8B62AB2F-0000-0000-0000-000000000000',
  Code: 'Success',
  Message: 'Successful!',
  Success: true,
  Data: { AvailableAmount: '1,234.56', AvailableCashAmount: '1,234.56', CreditAmount: '0.00', Currency: 'CNY' },
};

test('a successful answer with Code "Success" is read as the balance, not as a refusal', () => {
  expect(parseAccountBalance({ ...live, Data: { ...live.Data, AvailableCashAmount: '87.28' } })).toEqual({
    availableCash: { minor: 8728, currency: 'CNY' },
  });
});

test('an amount with thousands separators is read exactly', () => {
  expect(parseAccountBalance({ ...live, Code: '200' })).toEqual({ availableCash: { minor: 123456, currency: 'CNY' } });
  expect(parseAccountBalance({ ...live, Data: { ...live.Data, AvailableCashAmount: '-12,345,678.90' } })).toEqual({
    availableCash: { minor: -1234567890, currency: 'CNY' },
  });
});

test.each(['1,23.45', '12,3456.00', '1,234,56', ',123.00', '1,234'])(
  'a badly grouped amount %s is still refused',
  (amount) => {
    expect(() => parseAccountBalance({ ...live, Data: { ...live.Data, AvailableCashAmount: amount } })).toThrow(
      ShapeError,
    );
  },
);

test('Code "Success" without Success:true, or another code, is still a refusal', () => {
  expect(parseAccountBalance({ ...live, Success: undefined })).toMatchObject({ refused: { code: 'Success' } });
  expect(parseAccountBalance({ ...live, Code: 'NotAuthorized', Success: true })).toMatchObject({
    refused: { code: 'NotAuthorized' },
  });
});
