import { CreateTopicCommand, PublishCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import { CreateQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { AwsServiceError } from '../../lib/aws/client';
import { createHttpSecretReader } from '../../lib/aws/secrets-manager';
import { buildPublishBody, createHttpSnsPublish, type PublishInput, xmlText } from '../../lib/aws/sns';
import { type FakeHttpServer, startFakeHttp } from '../helpers/fake-http';
import { type FakeSecretsManager, startFakeSecretsManager } from '../helpers/fake-secrets-manager';
import { FAUXQS_CLIENT_CONFIG, type FauxqsHandle, startFauxqs } from '../helpers/fauxqs';
import { START_HOOK_TIMEOUT_MS } from '../helpers/timeouts';

/**
 * The functions' own SNS and Secrets Manager clients (lib/aws/) against the stand-ins the handler tests use (fauxqs,
 * the GetSecretValue fake), with the AWS SDK's clients as the reference: same wire body, same delivery.
 */

const AWS = { region: 'us-east-1', credentials: { accessKeyId: 'AKIATESTCLIENTS', secretAccessKey: 'test' } };

/** Text that needs every kind of encoding: reserved characters, newlines, non-ASCII, an emoji. */
const AWKWARD = "Renewed 2 (check) & 'quoted' (!*) 100% done: a+b=c\n例子.中国 — déjà vu 🙂 <tag>";

const input = (topicArn: string): PublishInput => ({
  TopicArn: topicArn,
  MessageStructure: 'json',
  Message: JSON.stringify({ default: AWKWARD, email: `${AWKWARD}\n\nfull`, sms: 'short' }),
  Subject: '[autorenew] 2 renewed (check)',
  MessageAttributes: {
    event: { DataType: 'String', StringValue: 'renewed' },
    severity: { DataType: 'String', StringValue: 'info' },
  },
});

describe('SNS Publish over the own client', () => {
  let fauxqs: FauxqsHandle;
  let sns: SNSClient;
  let sqs: SQSClient;
  let topicArn: string;
  let queueUrl: string;

  beforeAll(async () => {
    fauxqs = await startFauxqs();
    const config = { ...FAUXQS_CLIENT_CONFIG, endpoint: fauxqs.endpoint };
    sns = new SNSClient(config);
    sqs = new SQSClient(config);
    topicArn = (await sns.send(new CreateTopicCommand({ Name: 'own-client' }))).TopicArn ?? '';
    queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: 'own-client' }))).QueueUrl ?? '';
    const { Attributes } = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }),
    );
    await sns.send(new SubscribeCommand({ TopicArn: topicArn, Protocol: 'sqs', Endpoint: Attributes?.QueueArn ?? '' }));
  }, START_HOOK_TIMEOUT_MS);

  afterAll(async () => {
    sns?.destroy();
    sqs?.destroy();
    await fauxqs?.stop();
  });

  async function receiveOne(): Promise<Record<string, unknown>> {
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10 }),
    );
    expect(Messages).toHaveLength(1);
    return JSON.parse(Messages[0]?.Body ?? '{}') as Record<string, unknown>;
  }

  test('delivers what the SDK delivers: subject, message structure and attributes', async () => {
    const publish = createHttpSnsPublish({ ...AWS, endpoint: fauxqs.endpoint });
    const own = await publish(input(topicArn));
    expect(own.messageId).toMatch(/\S/);
    const ownEnvelope = await receiveOne();
    await sns.send(new PublishCommand(input(topicArn)));
    const sdkEnvelope = await receiveOne();
    const comparable = (e: Record<string, unknown>) => ({
      TopicArn: e.TopicArn,
      Subject: e.Subject,
      Message: e.Message,
      MessageAttributes: e.MessageAttributes,
    });
    expect(comparable(ownEnvelope)).toStrictEqual(comparable(sdkEnvelope));
    expect(ownEnvelope.Subject).toBe('[autorenew] 2 renewed (check)');
    expect(ownEnvelope.Message).toContain('例子.中国');
    publish.destroy();
  });

  test('a refusal keeps its query error code, HTTP status and request id', async () => {
    const publish = createHttpSnsPublish({ ...AWS, endpoint: fauxqs.endpoint, sleep: async () => {} });
    const missing = topicArn.replace(/own-client$/, 'no-such-topic');
    const error = await publish(input(missing)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AwsServiceError);
    expect((error as AwsServiceError).name).toMatch(/^NotFound/);
    expect((error as AwsServiceError).$metadata.httpStatusCode).toBe(404);
    publish.destroy();
  });
});

describe('the Publish request, against the SDK as reference', () => {
  let server: FakeHttpServer;
  const ok = {
    status: 200,
    headers: { 'content-type': 'text/xml' },
    body: '<PublishResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><PublishResult><MessageId>m-1</MessageId></PublishResult><ResponseMetadata><RequestId>r-1</RequestId></ResponseMetadata></PublishResponse>',
  };

  beforeEach(async () => {
    server = await startFakeHttp();
  });
  afterEach(async () => {
    await server.close();
  });

  test('the form body carries the same fields as the SDK, value for value', async () => {
    server.enqueue(ok, ok);
    const arn = 'arn:aws:sns:us-east-1:000000000000:t';
    const sdk = new SNSClient({ ...AWS, endpoint: server.url, maxAttempts: 1 });
    await sdk.send(new PublishCommand(input(arn)));
    sdk.destroy();
    const publish = createHttpSnsPublish({ ...AWS, endpoint: server.url });
    expect(await publish(input(arn))).toStrictEqual({ messageId: 'm-1' });
    publish.destroy();
    const [fromSdk, fromOwn] = server.requests;
    const fields = (body: string) => [...new URLSearchParams(body)].sort(([a], [b]) => a.localeCompare(b));
    expect(fields(fromOwn?.body ?? '')).toStrictEqual(fields(fromSdk?.body ?? ''));
    expect(fromOwn?.body).toBe(buildPublishBody(input(arn)));
    // Signed for SNS in the region, with the role's key.
    expect(fromOwn?.headers.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIATESTCLIENTS\/\d{8}\/us-east-1\/sns\//,
    );
  });

  test('a 200 that is not a PublishResponse is retried, then thrown: never taken as published', async () => {
    const garbled = { status: 200, body: '<html>gateway</html>' };
    server.enqueue(garbled, garbled, garbled);
    const publish = createHttpSnsPublish({ ...AWS, endpoint: server.url, sleep: async () => {} });
    const error = await publish(input('arn:aws:sns:us-east-1:000000000000:t')).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'InvalidResponse' });
    expect(server.requests).toHaveLength(3);
    publish.destroy();
  });

  test('throttling is retried; a 4xx refusal is not', async () => {
    const throttled = {
      status: 400,
      body: '<ErrorResponse><Error><Type>Sender</Type><Code>Throttled</Code><Message>Rate exceeded</Message></Error><RequestId>r-t</RequestId></ErrorResponse>',
    };
    const denied = {
      status: 403,
      body: '<ErrorResponse><Error><Type>Sender</Type><Code>AuthorizationError</Code><Message>User: arn:aws:sts::1:assumed-role/x is not authorized to perform: SNS:Publish &amp; more</Message></Error><RequestId>r-d</RequestId></ErrorResponse>',
    };
    server.enqueue(throttled, ok, denied);
    const publish = createHttpSnsPublish({ ...AWS, endpoint: server.url, sleep: async () => {} });
    expect(await publish(input('arn:aws:sns:us-east-1:000000000000:t'))).toStrictEqual({ messageId: 'm-1' });
    const error = await publish(input('arn:aws:sns:us-east-1:000000000000:t')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AwsServiceError);
    expect(error).toMatchObject({ name: 'AuthorizationError', $metadata: { httpStatusCode: 403, requestId: 'r-d' } });
    expect((error as Error).message).toMatch(/not authorized to perform: SNS:Publish & more$/);
    expect(server.requests).toHaveLength(3);
    publish.destroy();
  });

  test('KMS throttling of an encrypted topic is retried as throttling (SNS: KMSThrottling, HTTP 400)', async () => {
    const kms = {
      status: 400,
      body: '<ErrorResponse><Error><Type>Sender</Type><Code>KMSThrottling</Code><Message>Rate exceeded</Message></Error><RequestId>r-k</RequestId></ErrorResponse>',
    };
    server.enqueue(kms, kms, ok);
    const publish = createHttpSnsPublish({ ...AWS, endpoint: server.url, sleep: async () => {} });
    expect(await publish(input('arn:aws:sns:us-east-1:000000000000:t'))).toStrictEqual({ messageId: 'm-1' });
    expect(server.requests).toHaveLength(3);
    publish.destroy();
  });

  test('XML text is read with its entities decoded', () => {
    expect(
      xmlText('<a><Code>x</Code><Message>1 &lt; 2 &amp;&amp; &#233;&#x4F8B; &quot;q&quot;</Message></a>', 'Message'),
    ).toBe('1 < 2 && é例 "q"');
    expect(xmlText('<a></a>', 'Code')).toBeUndefined();
  });
});

describe('GetSecretValue over the own client', () => {
  let sm: FakeSecretsManager;
  beforeAll(async () => {
    sm = await startFakeSecretsManager({ 'autorenew/alibaba': '{"accessKeyId":"LTAI5tX","accessKeySecret":"s"}' });
  });
  afterAll(async () => {
    await sm?.stop();
  });

  test('reads the SecretString; a missing secret is refused under its AWS name', async () => {
    const read = createHttpSecretReader({ ...AWS, endpoint: sm.endpoint });
    expect(await read('autorenew/alibaba')).toBe('{"accessKeyId":"LTAI5tX","accessKeySecret":"s"}');
    const error = await read('missing').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AwsServiceError);
    expect(error).toMatchObject({ name: 'ResourceNotFoundException', $metadata: { httpStatusCode: 400 } });
    expect(sm.requests).toEqual(['autorenew/alibaba', 'missing']);
    read.destroy();
  });
});
