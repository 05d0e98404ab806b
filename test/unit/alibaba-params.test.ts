import {
  buildCallerParams,
  buildCommonParams,
  buildListQueryParams,
  buildRenewParams,
  buildTaskRangeParams,
} from '../../lib/alibaba/params';
import { dialectOf } from '../../lib/alibaba/sites';

const CN = dialectOf('2018-01-29');

describe('request parameters', () => {
  it('flattens renew items 1-based with scalars as strings', () => {
    const params = buildRenewParams(
      {
        items: [
          { domainName: 'a.com', years: 1, currentExpiryMs: 1767225600000, permitPremium: false },
          { domainName: 'b.cn', years: 10, currentExpiryMs: 1767312000000, permitPremium: true },
        ],
      },
      CN,
    );
    expect(params).toEqual({
      'OrderRenewParam.1.DomainName': 'a.com',
      'OrderRenewParam.1.SubscriptionDuration': '1',
      'OrderRenewParam.1.CurrentExpirationDate': '1767225600000',
      'OrderRenewParam.1.PermitPremiumRenew': 'false',
      'OrderRenewParam.2.DomainName': 'b.cn',
      'OrderRenewParam.2.SubscriptionDuration': '10',
      'OrderRenewParam.2.CurrentExpirationDate': '1767312000000',
      'OrderRenewParam.2.PermitPremiumRenew': 'true',
    });
  });

  it('sends no PermitPremiumRenew in a version that lacks it (Domain-intl 2017-12-18)', () => {
    const item = { domainName: 'a.com', years: 1, currentExpiryMs: 1, permitPremium: false };
    const params = buildRenewParams({ items: [item] }, dialectOf('2017-12-18'));
    expect(Object.keys(params).some((k) => k.includes('PermitPremiumRenew'))).toBe(false);
    expect(params['OrderRenewParam.1.DomainName']).toBe('a.com');
  });

  it('sends coupon and promotion only when set', () => {
    const item = { domainName: 'a.com', years: 1, currentExpiryMs: 1, permitPremium: false };
    expect(buildRenewParams({ items: [item] }, CN)).not.toHaveProperty('UseCoupon');
    expect(buildRenewParams({ items: [item] }, CN)).not.toHaveProperty('UsePromotion');
    expect(buildRenewParams({ items: [item], couponNo: 'C1', promotionNo: 'P2' }, CN)).toMatchObject({
      UseCoupon: 'true',
      CouponNo: 'C1',
      UsePromotion: 'true',
      PromotionNo: 'P2',
    });
  });

  it('builds the V1 common parameters, SecurityToken only when present', () => {
    const common = buildCommonParams(
      'QueryDomainList',
      { accessKeyId: 'id', accessKeySecret: 's' },
      'n1',
      Date.UTC(2026, 0, 1, 0, 0, 0, 123),
    );
    expect(common).toEqual({
      Action: 'QueryDomainList',
      Version: '2018-01-29',
      Format: 'JSON',
      AccessKeyId: 'id',
      SignatureMethod: 'HMAC-SHA1',
      SignatureVersion: '1.0',
      SignatureNonce: 'n1',
      Timestamp: '2026-01-01T00:00:00Z',
    });
    expect(
      buildCommonParams('X', { accessKeyId: 'id', accessKeySecret: 's', securityToken: 'tok' }, 'n', 0),
    ).toHaveProperty('SecurityToken', 'tok');
  });

  it('maps list and task ranges and caller options', () => {
    expect(buildListQueryParams({})).toEqual({ OrderKeyType: 'ExpirationDate', OrderByType: 'ASC' });
    expect(buildListQueryParams({ expiringFromMs: 10, expiringToMs: 20 })).toEqual({
      OrderKeyType: 'ExpirationDate',
      OrderByType: 'ASC',
      StartExpirationDate: '10',
      EndExpirationDate: '20',
    });
    expect(buildTaskRangeParams({ fromMs: 1, toMs: 2 })).toEqual({ BeginCreateTime: '1', EndCreateTime: '2' });
    expect(buildCallerParams({ lang: 'en' })).toEqual({ Lang: 'en' });
    expect(buildCallerParams({ lang: 'zh', userClientIp: '127.0.0.1' })).toEqual({
      Lang: 'zh',
      UserClientIp: '127.0.0.1',
    });
  });
});
