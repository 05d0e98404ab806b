import { createHash, createHmac } from 'node:crypto';
import { SignatureV4 } from '@smithy/signature-v4';
import { type AwsCredentials, signRequest } from '../../lib/aws/sigv4';

function toBytes(data: string | ArrayBuffer | ArrayBufferView): string | Uint8Array {
  if (typeof data === 'string') return data;
  return data instanceof ArrayBuffer
    ? new Uint8Array(data)
    : new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

/** The hash constructor the SDK's signer takes, over node:crypto. */
class NodeSha256 {
  private readonly hash;
  constructor(secret?: string | ArrayBuffer | ArrayBufferView) {
    this.hash = secret ? createHmac('sha256', toBytes(secret)) : createHash('sha256');
  }
  update(data: string | ArrayBuffer | ArrayBufferView): void {
    this.hash.update(toBytes(data));
  }
  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.hash.digest());
  }
}

describe('signRequest (AWS Signature Version 4)', () => {
  test("reproduces AWS's published example (IAM ListUsers, 2015-08-30)", () => {
    const headers = signRequest({
      method: 'GET',
      host: 'iam.amazonaws.com',
      path: '/',
      query: 'Action=ListUsers&Version=2010-05-08',
      headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
      body: '',
      region: 'us-east-1',
      service: 'iam',
      credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' },
      nowMs: Date.UTC(2015, 7, 30, 12, 36, 0),
    });
    expect(headers['x-amz-date']).toBe('20150830T123600Z');
    expect(headers.authorization).toBe(
      'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/iam/aws4_request, ' +
        'SignedHeaders=content-type;host;x-amz-date, ' +
        'Signature=5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7',
    );
  });

  // The AWS SDK's own signer is the reference: same request, same headers, same time, same Authorization.
  const cases: { name: string; credentials: AwsCredentials; region: string; host: string; body: string; at: number }[] =
    [
      {
        name: 'a DynamoDB request on a local endpoint with a port',
        credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' },
        region: 'us-east-1',
        host: '127.0.0.1:8000',
        body: JSON.stringify({ TableName: 'ledger', Key: { pk: { S: 'DOMAIN#example.com' } }, ConsistentRead: true }),
        at: Date.UTC(2026, 11, 3, 14, 5, 6),
      },
      {
        name: 'a session token (Lambda role), non-ASCII body, another region and day',
        credentials: { accessKeyId: 'ASIAEXAMPLE', secretAccessKey: 'se/cr+et', sessionToken: 'FwoGZX  token/=' },
        region: 'cn-north-1',
        host: 'dynamodb.cn-north-1.amazonaws.com.cn',
        body: JSON.stringify({ Item: { message: { S: 'échec: 域名 «x»' } } }),
        at: Date.UTC(2027, 0, 1, 0, 0, 0),
      },
      {
        name: 'an empty body',
        credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'k' },
        region: 'eu-west-1',
        host: 'dynamodb.eu-west-1.amazonaws.com',
        body: '',
        at: Date.UTC(2026, 5, 30, 23, 59, 59),
      },
    ];

  test.each(cases)('signs as the AWS SDK does: $name', async ({ credentials, region, host, body, at }) => {
    const given = {
      'content-type': 'application/x-amz-json-1.0',
      'x-amz-target': 'DynamoDB_20120810.GetItem',
      // The SDK's signer adds this header itself; ours signs what it is given, so both sign the same set.
      'x-amz-content-sha256': createHash('sha256').update(body, 'utf8').digest('hex'),
    };
    const [hostname, port] = host.split(':');
    const reference = await new SignatureV4({ credentials, region, service: 'dynamodb', sha256: NodeSha256 }).sign(
      {
        method: 'POST',
        protocol: port ? 'http:' : 'https:',
        hostname: hostname as string,
        ...(port ? { port: Number(port) } : {}),
        path: '/',
        query: {},
        headers: { ...given, host },
        body,
      },
      { signingDate: new Date(at) },
    );
    const ours = signRequest({
      method: 'POST',
      host,
      path: '/',
      query: '',
      headers: given,
      body,
      region,
      service: 'dynamodb',
      credentials,
      nowMs: at,
    });
    expect(ours.authorization).toBe(reference.headers.authorization);
    expect(ours['x-amz-date']).toBe(reference.headers['x-amz-date']);
    expect(ours['x-amz-security-token']).toBe(reference.headers['x-amz-security-token']);
  });

  test('a changed body, time or secret changes the signature (the key cache is keyed by all of them)', () => {
    const base = {
      method: 'POST',
      host: 'h',
      path: '/',
      query: '',
      headers: {},
      body: '{}',
      region: 'us-east-1',
      service: 'dynamodb',
      credentials: { accessKeyId: 'A', secretAccessKey: 'one' },
      nowMs: Date.UTC(2026, 0, 1),
    };
    const sig = (over: Partial<typeof base>) => signRequest({ ...base, ...over }).authorization;
    const first = sig({});
    expect(sig({ body: '{ }' })).not.toBe(first);
    expect(sig({ nowMs: Date.UTC(2026, 0, 2) })).not.toBe(first);
    expect(sig({ credentials: { accessKeyId: 'A', secretAccessKey: 'two' } })).not.toBe(first);
    expect(sig({})).toBe(first);
  });
});
