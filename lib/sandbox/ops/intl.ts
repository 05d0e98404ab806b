import { invalidParameter } from '../wire';
import type { Operation } from './context';

/** Domain-intl's API version: the international site's Domain API. */
export const INTL_VERSION = '2017-12-18';

/**
 * How a Domain-intl 2017-12-18 answer differs from the 2018-01-29 one, per Action: the fields its model lacks
 * (top level, or in each item under `items`). From the official TypeScript SDK models of both versions; the rest is
 * the same. QueryDomainRealTimePrice does not exist there.
 */
const ABSENT: Readonly<
  Record<string, { top?: readonly string[]; items?: { path: readonly string[]; keys: readonly string[] } }>
> = {
  QueryDomainList: {
    items: {
      path: ['Data', 'Domain'],
      keys: [
        'AutoRenewEnabled',
        'Ccompany',
        'ChgholderStatus',
        'DnsList',
        'DomainGroupId',
        'DomainGroupName',
        'Registrar',
        'ResourceGroupId',
        'Tag',
      ],
    },
  },
  QueryDomainByDomainName: {
    top: [
      'DomainStatus',
      'ExpirationCurrDateDiff',
      'ExpirationDateStatus',
      'DomainGroupId',
      'DomainGroupName',
      'Remark',
      'ResourceGroupId',
      'Tag',
      'Registrar',
      'PrivacyServiceStatus',
      'CnnicPrivacyServiceStatus',
    ],
  },
  QueryTaskList: { items: { path: ['Data', 'TaskInfo'], keys: ['TaskBizType', 'TaskResult', 'TaskTypeCode'] } },
};

/** Request parameters Domain-intl's model does not have, per Action: the sandbox refuses them, to catch a client sending one. */
const REFUSED_PARAMS: Readonly<Record<string, RegExp>> = {
  SaveBatchTaskForCreatingOrderRenew: /^OrderRenewParam\.\d+\.PermitPremiumRenew$/,
  SaveSingleTaskForCreatingOrderRenew: /^PermitPremiumRenew$/,
  QueryDomainList: /^(?:DomainGroupId|Tag\..*|ResourceGroupId)$/,
};

function strip(action: string, body: Record<string, unknown>): Record<string, unknown> {
  const absent = ABSENT[action];
  if (!absent) return body;
  const out: Record<string, unknown> = { ...body };
  for (const key of absent.top ?? []) delete out[key];
  if (absent.items) {
    const [outer, inner] = absent.items.path as [string, string];
    const container = out[outer] as Record<string, unknown> | undefined;
    const items = container?.[inner];
    if (Array.isArray(items)) {
      out[outer] = {
        ...container,
        [inner]: items.map((item: Record<string, unknown>) => {
          const copy = { ...item };
          for (const key of absent.items?.keys ?? []) delete copy[key];
          return copy;
        }),
      };
    }
  }
  return out;
}

/**
 * CheckDomain on Domain-intl has no StaticPriceInfo: the sandbox answers the renew fee in `Price` instead. That
 * intl's `Price` carries the renew fee of an owned domain is UNCONFIRMED (the client reads it as a last resort).
 */
function checkDomainIntl(body: Record<string, unknown>): Record<string, unknown> {
  const rows =
    (body.StaticPriceInfo as { PriceInfo?: { action?: string; money?: unknown }[] } | undefined)?.PriceInfo ?? [];
  const renew = rows.find((r) => r.action === 'renew');
  const { StaticPriceInfo: _dropped, ...rest } = body;
  return renew ? { ...rest, Price: renew.money } : rest;
}

/** The 2018-01-29 operations served as Domain-intl 2017-12-18: same behaviour, the intl model's fields. */
export function intlOperations(operations: Readonly<Record<string, Operation>>): Record<string, Operation> {
  const out: Record<string, Operation> = {};
  for (const [action, operation] of Object.entries(operations)) {
    if (action === 'QueryDomainRealTimePrice') continue;
    out[action] = (ctx) => {
      const refused = REFUSED_PARAMS[action];
      const bad = refused ? Object.keys(ctx.params).find((k) => refused.test(k)) : undefined;
      if (bad) throw invalidParameter(bad, `Domain-intl ${INTL_VERSION} has no such parameter`);
      const body = operation(ctx);
      return action === 'CheckDomain' ? checkDomainIntl(body) : strip(action, body);
    };
  }
  return out;
}
