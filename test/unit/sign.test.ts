import { canonicalRequestV3, sha256Hex, signV1, signV3, stringToSignV1 } from '../../lib/alibaba/sign';

const common = {
  AccessKeyId: 'testid',
  Format: 'JSON',
  SignatureMethod: 'HMAC-SHA1',
  SignatureNonce: '3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf',
  SignatureVersion: '1.0',
};

describe('V1 signature (HMAC-SHA1) known-answer vectors', () => {
  const officialEcs = {
    ...common,
    Action: 'DescribeRegions',
    Format: 'XML',
    Timestamp: '2016-02-23T12:46:24Z',
    Version: '2014-05-26',
  };
  it.each([
    ['documented ECS example, GET', 'GET', officialEcs, 'testsecret', 'OLeaidS1JvxuMvnyHOwuJ+uX5qY='],
    ['documented ECS example, POST', 'POST', officialEcs, 'testsecret', 'MxbnVAM4w6sft9xjVpe/GCKueuk='],
    [
      'Domain-shaped, GET',
      'GET',
      {
        ...common,
        Action: 'QueryDomainList',
        PageNum: '1',
        PageSize: '10',
        Timestamp: '2026-01-01T00:00:00Z',
        Version: '2018-01-29',
      },
      'testsecret',
      'hzr+mXDn5VK1lJbeA1jhCu8aiVc=',
    ],
    [
      'Domain-shaped, POST',
      'POST',
      {
        ...common,
        Action: 'QueryDomainList',
        PageNum: '1',
        PageSize: '10',
        Timestamp: '2026-01-01T00:00:00Z',
        Version: '2018-01-29',
      },
      'testsecret',
      'k+gYhG7/nCvnAFdgNlAeZUK5L/0=',
    ],
    [
      'pop-core vector with a special-character secret',
      'GET',
      {
        AccessKeyId: 'LTAI5tTESTKEYID',
        Action: 'QueryDomainList',
        Format: 'JSON',
        PageNum: '1',
        PageSize: '50',
        QueryType: '1',
        SignatureMethod: 'HMAC-SHA1',
        SignatureNonce: '35596691652ad487ad224fa9dba7131c',
        SignatureVersion: '1.0',
        Timestamp: '2026-11-29T05:45:30Z',
        Version: '2018-01-29',
      },
      'testSecret/with+special=chars',
      '6qpsrTnPEMs6tsEnEBQ6+CxphSA=',
    ],
  ])('%s', (_name, method, params, secret, expected) => {
    expect(signV1(method, params as Record<string, string>, secret)).toBe(expected);
  });

  it('builds the documented StringToSign', () => {
    const params = {
      ...common,
      Action: 'QueryDomainList',
      PageNum: '1',
      PageSize: '10',
      Timestamp: '2026-01-01T00:00:00Z',
      Version: '2018-01-29',
    };
    expect(stringToSignV1('GET', params)).toBe(
      'GET&%2F&AccessKeyId%3Dtestid%26Action%3DQueryDomainList%26Format%3DJSON%26PageNum%3D1%26PageSize%3D10%26SignatureMethod%3DHMAC-SHA1%26SignatureNonce%3D3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf%26SignatureVersion%3D1.0%26Timestamp%3D2026-01-01T00%253A00%253A00Z%26Version%3D2018-01-29',
    );
  });
});

describe('V3 signature (ACS3-HMAC-SHA256) known-answer vector', () => {
  const req = {
    method: 'POST',
    query: { PageNum: '1', PageSize: '10' },
    headers: {
      host: 'domain.aliyuncs.com',
      'x-acs-action': 'QueryDomainList',
      'x-acs-version': '2018-01-29',
      'x-acs-date': '2026-01-01T00:00:00Z',
      'x-acs-signature-nonce': '3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf',
      'x-acs-content-sha256': sha256Hex(''),
    },
    hashedPayload: sha256Hex(''),
  };
  it('hashes the canonical request as documented', () => {
    const { canonicalRequest, signedHeaders } = canonicalRequestV3(req);
    expect(signedHeaders).toBe('host;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-signature-nonce;x-acs-version');
    expect(sha256Hex(canonicalRequest)).toBe('d0fca5fea5307368cadfe01d1bf7b4a506eb0a595356eba5ad49d3a12a9d5949');
  });
  it('signs as documented', () => {
    expect(signV3(req, 'testsecret').signature).toBe(
      '145f65a4e90f63d699eb268878f8649a37c09ee0d87f2f4015421a8ffba92f4f',
    );
  });
});
