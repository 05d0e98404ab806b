import { formatCents } from '../model';
import type { OpContext } from './context';

/**
 * QueryAccountBalance (BSS OpenAPI 2017-12-14; no parameters): the account's balance as two-decimal STRINGS (may be
 * negative), `Code` "200". No credit line: AvailableAmount equals AvailableCashAmount. Renew tasks debit it.
 */
export function queryAccountBalance(ctx: OpContext): Record<string, unknown> {
  const cash = formatCents(ctx.model.balanceCents);
  return {
    RequestId: ctx.requestId,
    Code: '200',
    Message: 'Successful!',
    Success: true,
    Data: {
      AvailableAmount: cash,
      AvailableCashAmount: cash,
      CreditAmount: '0.00',
      MybankCreditAmount: '0.00',
      QuotaLimit: '0.00',
      Currency: ctx.model.currency,
    },
  };
}
