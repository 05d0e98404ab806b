import type { RenewItemInput } from '../model';
import { optionalBool, optionalString, type Params, requireInt, requireString } from '../params';
import { invalidParameter, missingParameter, parameterIllegal } from '../wire';
import type { OpContext } from './context';

const MAX_YEARS = 10;
const ENTRY_RE = /^OrderRenewParam\.(\d+)\.(.+)$/;

/** Reads one renew item whose fields are `<prefix>DomainName`, `<prefix>SubscriptionDuration`, ... */
function readItem(params: Params, prefix: string): RenewItemInput {
  const domainName = requireString(params, `${prefix}DomainName`);
  const years = requireInt(params, `${prefix}SubscriptionDuration`);
  if (years < 1 || years > MAX_YEARS) {
    throw parameterIllegal(`${prefix}SubscriptionDuration`, `must be between 1 and ${MAX_YEARS} years, got ${years}`);
  }
  const currentExpirationDate = requireInt(params, `${prefix}CurrentExpirationDate`);
  if (currentExpirationDate <= 0) {
    throw invalidParameter(`${prefix}CurrentExpirationDate`, 'expected epoch milliseconds');
  }
  return {
    domainName,
    years,
    currentExpirationDate,
    permitPremiumRenew: optionalBool(params, `${prefix}PermitPremiumRenew`) ?? false,
  };
}

/** `OrderRenewParam.N.*` (1-based) grouped by N, in N order. */
function readBatchItems(params: Params, maxBatch: number): RenewItemInput[] {
  const indexes = new Set<number>();
  for (const name of Object.keys(params)) {
    const m = ENTRY_RE.exec(name);
    if (!m) continue;
    const n = Number(m[1]);
    if (n < 1) throw invalidParameter(name, 'OrderRenewParam entries are numbered from 1');
    indexes.add(n);
  }
  if (indexes.size === 0) throw missingParameter('OrderRenewParam');
  if (indexes.size > maxBatch) {
    throw parameterIllegal('OrderRenewParam', `at most ${maxBatch} entries per call, got ${indexes.size}`);
  }
  return [...indexes].sort((a, b) => a - b).map((n) => readItem(params, `OrderRenewParam.${n}.`));
}

/** Batch-wide voucher/promotion: kept when given (UseCoupon/UsePromotion must be booleans if present). */
function readDiscounts(params: Params): { couponNo?: string; promotionNo?: string } {
  const useCoupon = optionalBool(params, 'UseCoupon');
  const usePromotion = optionalBool(params, 'UsePromotion');
  const couponNo = optionalString(params, 'CouponNo');
  const promotionNo = optionalString(params, 'PromotionNo');
  return {
    ...(couponNo !== undefined && useCoupon !== false ? { couponNo } : {}),
    ...(promotionNo !== undefined && usePromotion !== false ? { promotionNo } : {}),
  };
}

function submit(ctx: OpContext, action: string, items: RenewItemInput[]): Record<string, unknown> {
  const task = ctx.model.createTask({
    action,
    requestId: ctx.requestId,
    clientIp: ctx.clientIp,
    items,
    ...readDiscounts(ctx.params),
    delayMs: ctx.effects.taskDelayMs,
    listLagMs: ctx.effects.taskListLagMs,
    acceptDayExpiry: ctx.effects.acceptDayExpiry,
  });
  return { RequestId: ctx.requestId, TaskNo: task.taskNo };
}

/**
 * SaveBatchTaskForCreatingOrderRenew: validates synchronously (400s), then enqueues one task; business failures
 * (stale expiry, term cap, premium, balance, unknown domain, redemption) show up later as failed details.
 */
export function saveBatchRenew(ctx: OpContext): Record<string, unknown> {
  const items = readBatchItems(ctx.params, ctx.maxBatch);
  return submit(ctx, 'SaveBatchTaskForCreatingOrderRenew', items);
}

/** SaveSingleTaskForCreatingOrderRenew: the same for one domain given by top-level parameters. */
export function saveSingleRenew(ctx: OpContext): Record<string, unknown> {
  const item = readItem(ctx.params, '');
  return submit(ctx, 'SaveSingleTaskForCreatingOrderRenew', [item]);
}
