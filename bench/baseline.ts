import type { Caller } from '../lib/alibaba/call';
import { parseDetailPage, parseDomainPage, parseSubmit } from '../lib/alibaba/shapes';
import type { Policy } from '../lib/policy/schema';
import type { ListedDomain } from '../lib/registrar/port';
import { listingWindow, planRenewals } from '../lib/renewal/plan';
import { DETAIL, LIST, SUBMIT_SINGLE } from './minimum';

/** What the naive renew step produced: one TaskNo per renewed domain. */
export interface NaiveRenewResult {
  listed: number;
  taskNos: string[];
}

/**
 * The naive renew: pages one after another, the same planner (free, no ledger), then one
 * SaveSingleTaskForCreatingOrderRenew per domain. No claims, no intents: it only shows what the call pattern costs.
 */
export async function runNaiveRenew(
  caller: Caller,
  policy: Policy,
  pageSize: number,
  nowMs: number,
): Promise<NaiveRenewResult> {
  const window = listingWindow(policy, nowMs);
  const domains: ListedDomain[] = [];
  for (let pageNum = 1, totalPages = 1; pageNum <= totalPages; pageNum++) {
    const page = await caller.call({
      action: LIST,
      params: {
        StartExpirationDate: String(window.fromMs),
        EndExpirationDate: String(window.toMs),
        PageNum: String(pageNum),
        PageSize: String(pageSize),
      },
      parse: parseDomainPage,
      paid: false,
    });
    totalPages = page.totalPages;
    domains.push(...page.items);
  }
  const plan = planRenewals({ domains, policy, inFlight: new Map(), nowMs });
  const taskNos: string[] = [];
  for (const d of plan.decisions) {
    if (d.action !== 'renew') continue;
    const submitted = await caller.call({
      action: SUBMIT_SINGLE,
      params: {
        DomainName: d.domain.domainName,
        SubscriptionDuration: String(d.years ?? 1),
        CurrentExpirationDate: String(d.domain.expiresAtMs),
        PermitPremiumRenew: String(d.permitPremium === true),
        ...(d.couponNo !== undefined ? { UseCoupon: 'true', CouponNo: d.couponNo } : {}),
        ...(d.promotionNo !== undefined ? { UsePromotion: 'true', PromotionNo: d.promotionNo } : {}),
      },
      parse: parseSubmit,
      paid: true,
    });
    taskNos.push(submitted.taskNo);
  }
  return { listed: domains.length, taskNos };
}

/** The naive check: one QueryTaskDetailList per renewed domain (each single task holds one detail). */
export async function runNaiveCheck(
  caller: Caller,
  taskNos: readonly string[],
): Promise<{ renewed: number; failed: number; pending: number }> {
  const tally = { renewed: 0, failed: 0, pending: 0 };
  for (const taskNo of taskNos) {
    const page = await caller.call({
      action: DETAIL,
      params: { TaskNo: taskNo, PageNum: '1', PageSize: '1000' },
      parse: parseDetailPage,
      paid: false,
      context: { taskNo },
    });
    for (const d of page.items) {
      if (d.state === 'success') tally.renewed++;
      else if (d.state === 'failure') tally.failed++;
      else tally.pending++;
    }
  }
  return tally;
}
