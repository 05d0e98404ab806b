import type { Money } from '../money';

/**
 * The billing port: what the renew job reads from Alibaba's billing API (BSS OpenAPI 2017-12-14) before it spends.
 * Read-only: nothing here can charge. The Alibaba adapter is lib/alibaba/billing.ts; the sandbox serves it too.
 */

/** QueryAccountBalance, the figures we use. */
export interface Balance {
  /**
   * Data.AvailableCashAmount: the cash balance, which may be negative. Renewals are compared against cash only,
   * not the credit line (whether API renewals may use credit is UNCONFIRMED, so the safe side is assumed).
   */
  availableCash: Money;
  requestId?: string;
}

export interface Billing {
  /** Reads the account's balance. Throws a RegistrarError subclass when it cannot be read. */
  readBalance(): Promise<Balance>;
}
