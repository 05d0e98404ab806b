import { registrarAnswering } from '../helpers/scripted-registrar';

/**
 * CheckDomain prices one domain per request. The Domain API documents `QueryRegistryFailed` (HTTP 400, "Query
 * registry failed.", retry: yes) and `InvaildParameter` (sic, HTTP 400) for CheckDomain
 * (../shared/alibaba-domain-api.md §7.3, alibaba-preflight-apis.md §A.3). Neither says the OPERATION is unavailable:
 * one is a transient registry failure for that name, the other a refusal of that name. The sandbox never answers
 * either, so the suite never saw that the client reads any 4xx of one domain's CheckDomain as a refusal of the whole
 * source: every domain after it in the run goes unpriced (or falls to the policy's price table), and the operator is
 * told to "fix the parameters or the RAM permissions".
 */

/** QueryDomainRealTimePrice not offered (it is absent from the published API), CheckDomain prices 69 CNY a year. */
function answers(failFor: string, code: string, message: string, failures = { left: Number.POSITIVE_INFINITY }) {
  return (params: Record<string, string>) => {
    if (params.Action === 'QueryDomainRealTimePrice') {
      return {
        status: 404,
        body: { RequestId: 'R0', Code: 'InvalidAction.NotFound', Message: 'Specified api is not found' },
      };
    }
    if (params.DomainName === failFor && failures.left-- > 0) {
      return { status: 400, body: { RequestId: 'R1', HostId: 'domain.aliyuncs.com', Code: code, Message: message } };
    }
    return {
      body: {
        RequestId: 'R2',
        DomainName: params.DomainName,
        Avail: '0',
        Premium: 'false',
        Reason: 'In use',
        StaticPriceInfo: { PriceInfo: [{ action: 'renew', money: 69, period: 12 }] },
      },
    };
  };
}

const items = [
  { domainName: 'a.com', premium: false },
  { domainName: 'b.com', premium: false },
  { domainName: 'c.com', premium: false },
];

describe("one domain's CheckDomain failure is that domain's, not the source's", () => {
  it('QueryRegistryFailed (documented: retry) for a.com: b.com and c.com are still asked and priced', async () => {
    const { registrar, asked } = registrarAnswering(answers('a.com', 'QueryRegistryFailed', 'Query registry failed.'));
    const answer = await registrar.quoteRenewals!(items, 'CNY');
    expect(asked).toEqual(expect.arrayContaining(['CheckDomain b.com', 'CheckDomain c.com']));
    expect(answer.quotes.map((q) => q.domainName).sort()).toEqual(['b.com', 'c.com']);
    expect(answer.unavailable.map((u) => u.source)).not.toContain('checkdomain');
  });

  it('QueryRegistryFailed once, then an answer: a.com is retried and priced like the others', async () => {
    const { registrar } = registrarAnswering(
      answers('a.com', 'QueryRegistryFailed', 'Query registry failed.', { left: 1 }),
    );
    const answer = await registrar.quoteRenewals!(items, 'CNY');
    expect(answer.quotes.map((q) => q.domainName).sort()).toEqual(['a.com', 'b.com', 'c.com']);
  });

  it('InvaildParameter (sic) for one name: the other names are still priced', async () => {
    const { registrar } = registrarAnswering(answers('a.com', 'InvaildParameter', 'The parameter is invaild.'));
    const answer = await registrar.quoteRenewals!(items, 'CNY');
    expect(answer.quotes.map((q) => q.domainName).sort()).toEqual(['b.com', 'c.com']);
  });

  it("the same refusal for three names in a row is the source's: the rest are not asked", async () => {
    const five = ['a', 'b', 'c', 'd', 'e'].map((n) => ({ domainName: `${n}.com`, premium: false }));
    const { registrar, asked } = registrarAnswering((params) =>
      params.Action === 'QueryDomainRealTimePrice'
        ? { status: 404, body: { RequestId: 'R0', Code: 'InvalidAction.NotFound', Message: 'not found' } }
        : { status: 400, body: { RequestId: 'R1', Code: 'InvaildParameter', Message: 'The parameter is invaild.' } },
    );
    const answer = await registrar.quoteRenewals!(five, 'CNY');
    expect(asked.filter((a) => a.startsWith('CheckDomain'))).toEqual([
      'CheckDomain a.com',
      'CheckDomain b.com',
      'CheckDomain c.com',
    ]);
    expect(answer.unavailable.map((u) => u.source)).toContain('checkdomain');
    expect(answer.quotes).toEqual([]);
  });
});
