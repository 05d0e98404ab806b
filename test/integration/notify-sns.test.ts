import { CreateTopicCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import { CreateQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { NotifyError } from '../../lib/errors';
import type { Digest, RenderedMessage } from '../../lib/notify/port';
import { createSnsNotifier } from '../../lib/notify/sns';
import { renderDigest } from '../../lib/renewal/digest';
import { FAUXQS_CLIENT_CONFIG, type FauxqsHandle, startFauxqs } from '../helpers/fauxqs';
import { START_HOOK_TIMEOUT_MS } from '../helpers/timeouts';

/** The SNS envelope an SQS subscriber receives when raw delivery is off. */
interface Envelope {
  Type: string;
  MessageId: string;
  TopicArn: string;
  Subject: string | null;
  Message: string;
  MessageAttributes: Record<string, { Type: string; Value: string }>;
}

const POLICY = {
  events: ['submitted', 'renewed', 'failed', 'unknown', 'stuck', 'error'],
  smsEvents: ['failed', 'unknown', 'stuck', 'error'],
} as const;
const NOW = Date.UTC(2025, 2, 1, 6, 0);

function render(d: Digest): RenderedMessage {
  const message = renderDigest(d, POLICY);
  if (!message) throw new Error('expected a message');
  return message;
}

let fauxqs: FauxqsHandle;
let sns: SNSClient;
let sqs: SQSClient;
let topicArn: string;
let allQueueUrl: string;
let alertQueueUrl: string;

async function createQueue(name: string): Promise<{ url: string; arn: string }> {
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: name }));
  if (!QueueUrl) throw new Error('no queue url');
  const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }));
  return { url: QueueUrl, arn: Attributes?.QueueArn ?? '' };
}

async function receiveAll(queueUrl: string): Promise<Envelope[]> {
  const { Messages = [] } = await sqs.send(
    new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }),
  );
  return Messages.map((m) => JSON.parse(m.Body ?? '{}') as Envelope);
}

beforeAll(async () => {
  fauxqs = await startFauxqs();
  const config = { ...FAUXQS_CLIENT_CONFIG, endpoint: fauxqs.endpoint };
  sns = new SNSClient(config);
  sqs = new SQSClient(config);
  topicArn = (await sns.send(new CreateTopicCommand({ Name: 'autorenew-notify' }))).TopicArn ?? '';
  // Like the deployed stack: email gets everything, SMS filters on severity=alert.
  const all = await createQueue('all-events');
  const alerts = await createQueue('alerts-only');
  allQueueUrl = all.url;
  alertQueueUrl = alerts.url;
  await sns.send(new SubscribeCommand({ TopicArn: topicArn, Protocol: 'sqs', Endpoint: all.arn }));
  await sns.send(
    new SubscribeCommand({
      TopicArn: topicArn,
      Protocol: 'sqs',
      Endpoint: alerts.arn,
      Attributes: { FilterPolicy: JSON.stringify({ severity: ['alert'] }) },
    }),
  );
}, START_HOOK_TIMEOUT_MS);

afterAll(async () => {
  sns?.destroy();
  sqs?.destroy();
  await fauxqs?.stop();
});

describe('SNS notifier against fauxqs', () => {
  it('binds the emulator to loopback', () => {
    expect(fauxqs.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(topicArn).toMatch(/^arn:aws:sns:us-east-1:\d+:autorenew-notify$/);
  });

  it('delivers an alert digest with subject, structure and attributes to both subscribers', async () => {
    const message = render({
      job: 'check',
      runId: 'run-7',
      nowMs: NOW,
      outcomes: [
        {
          domain: 'bücher.de',
          event: 'failed',
          batchId: 'b-1',
          oldExpiryMs: Date.UTC(2025, 2, 10),
          years: 1,
          taskNo: 'T-1',
          reason: 'Insufficient balance',
        },
      ],
    });
    const notifier = createSnsNotifier({
      topicArn,
      clientConfig: { ...FAUXQS_CLIENT_CONFIG, endpoint: fauxqs.endpoint },
    });
    const { messageId } = await notifier.publish(message);
    expect(messageId).toEqual(expect.any(String));

    for (const queueUrl of [allQueueUrl, alertQueueUrl]) {
      const [envelope, ...rest] = await receiveAll(queueUrl);
      expect(rest).toHaveLength(0);
      expect(envelope).toMatchObject({ Type: 'Notification', MessageId: messageId, TopicArn: topicArn });
      expect(envelope?.Subject).toBe('[autorenew] 1 failed (check)');
      expect(envelope?.MessageAttributes).toEqual({
        event: { Type: 'String', Value: 'failed' },
        severity: { Type: 'String', Value: 'alert' },
      });
      // fauxqs ignores MessageStructure and delivers the whole JSON document; real SNS would deliver the
      // `default` text to an SQS subscriber (there is no `sqs` key). Either way the structure is what we sent.
      const structure = JSON.parse(envelope?.Message ?? '{}') as Record<string, unknown>;
      expect(Object.keys(structure).sort()).toEqual(['default', 'email', 'sms']);
      expect(structure).toEqual({ default: message.default, email: message.email, sms: message.sms });
      expect(structure.sms).toBe('autorenew: 1 failed. First: xn--bcher-kva.de insufficient balance. See email.');
      expect(structure.email).toContain('- bücher.de: expiry 2025-03-10 -> unchanged, 1 year, TaskNo T-1, batch b-1');
    }
  });

  it('keeps info digests away from the severity=alert subscription', async () => {
    const message = render({
      job: 'check',
      runId: 'run-8',
      nowMs: NOW,
      outcomes: [
        {
          domain: 'example.com',
          event: 'renewed',
          batchId: 'b-2',
          oldExpiryMs: Date.UTC(2025, 2, 10),
          newExpiryMs: Date.UTC(2026, 2, 10),
          years: 1,
          taskNo: 'T-2',
        },
      ],
    });
    expect(message.severity).toBe('info');
    await createSnsNotifier({ topicArn, client: sns }).publish(message);
    const [envelope] = await receiveAll(allQueueUrl);
    expect(envelope?.MessageAttributes.severity).toEqual({ Type: 'String', Value: 'info' });
    expect(envelope?.MessageAttributes.event).toEqual({ Type: 'String', Value: 'renewed' });
    expect(await receiveAll(alertQueueUrl)).toHaveLength(0);
  });

  it('publishes a 1 000-domain digest in one message', async () => {
    const outcomes = Array.from({ length: 1000 }, (_, i) => ({
      domain: `customer-domain-${i}.example.com`,
      event: 'failed' as const,
      batchId: `batch-${Math.floor(i / 100)}`,
      oldExpiryMs: NOW + i * 60_000,
      years: 1,
      taskNo: `T-${100000 + i}`,
      reason: 'Insufficient balance',
    }));
    const message = render({ job: 'renew', runId: 'big', nowMs: NOW, outcomes });
    await createSnsNotifier({ topicArn, client: sns }).publish(message);
    const [envelope] = await receiveAll(allQueueUrl);
    const structure = JSON.parse(envelope?.Message ?? '{}') as { email: string };
    expect(structure.email.match(/^- customer-domain-\d+\.example\.com: /gm)).toHaveLength(1000);
    await receiveAll(alertQueueUrl);
  });

  it('wraps an SNS error (missing topic) in NotifyError', async () => {
    const message = render({ job: 'check', runId: 'x', nowMs: NOW, outcomes: [], error: { message: 'boom' } });
    const missing = topicArn.replace(/autorenew-notify$/, 'no-such-topic');
    const error = await createSnsNotifier({ topicArn: missing, client: sns })
      .publish(message)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotifyError);
    expect((error as NotifyError).context).toMatchObject({
      action: 'Publish',
      code: 'NotFoundException',
      httpStatus: 404,
    });
    expect((error as NotifyError).message).toContain(missing);
  });
});
