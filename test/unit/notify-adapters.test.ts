import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { NotifyError } from '../../lib/errors';
import { createConsoleNotifier } from '../../lib/notify/console';
import type { RenderedMessage } from '../../lib/notify/port';
import { createSnsNotifier } from '../../lib/notify/sns';

const TOPIC = 'arn:aws:sns:us-east-1:123456789012:autorenew';
const MESSAGE: RenderedMessage = {
  subject: '[autorenew] 1 failed (check)',
  email: 'line one\nline two',
  sms: 'autorenew: 1 failed. See email.',
  default: 'autorenew check run r: 1 failed.',
  event: 'failed',
  severity: 'alert',
};

describe('createSnsNotifier', () => {
  const sns = mockClient(SNSClient);
  beforeEach(() => sns.reset());

  it('publishes once with the exact command input', async () => {
    sns.on(PublishCommand).resolves({ MessageId: 'm-1' });
    const notifier = createSnsNotifier({ topicArn: TOPIC, client: new SNSClient({ region: 'us-east-1' }) });
    await expect(notifier.publish(MESSAGE)).resolves.toEqual({ messageId: 'm-1' });
    expect(sns).toHaveReceivedCommandTimes(PublishCommand, 1);
    expect(sns.commandCalls(PublishCommand)[0]?.args[0].input).toEqual({
      TopicArn: TOPIC,
      MessageStructure: 'json',
      Message:
        '{"default":"autorenew check run r: 1 failed.","email":"line one\\nline two","sms":"autorenew: 1 failed. See email."}',
      Subject: '[autorenew] 1 failed (check)',
      MessageAttributes: {
        event: { DataType: 'String', StringValue: 'failed' },
        severity: { DataType: 'String', StringValue: 'alert' },
      },
    });
  });

  it('builds its client lazily from clientConfig on the first publish', async () => {
    sns.on(PublishCommand).resolves({});
    const notifier = createSnsNotifier({ topicArn: TOPIC, clientConfig: { region: 'eu-west-1' } });
    expect(sns.calls()).toHaveLength(0);
    await expect(notifier.publish(MESSAGE)).resolves.toEqual({});
    await notifier.publish({ ...MESSAGE, severity: 'info', event: 'renewed' });
    expect(sns).toHaveReceivedCommandTimes(PublishCommand, 2);
    // one client, built from clientConfig, reused
    const [first, second] = sns.calls();
    expect(first?.thisValue).toBeInstanceOf(SNSClient);
    expect(second?.thisValue).toBe(first?.thisValue);
    await expect((first?.thisValue as SNSClient | undefined)?.config.region()).resolves.toBe('eu-west-1');
    expect(sns.commandCalls(PublishCommand)[1]?.args[0].input).toMatchObject({
      MessageAttributes: {
        event: { DataType: 'String', StringValue: 'renewed' },
        severity: { DataType: 'String', StringValue: 'info' },
      },
    });
  });

  it('wraps failures in NotifyError with code, request id, status and cause, and no AccessKeyId', async () => {
    const failure = Object.assign(new Error('User AKIAIOSFODNN7EXAMPLE is not authorized to perform SNS:Publish'), {
      name: 'AuthorizationErrorException',
      $metadata: { requestId: 'req-9', httpStatusCode: 403 },
    });
    sns.on(PublishCommand).rejects(failure);
    const notifier = createSnsNotifier({ topicArn: TOPIC, client: new SNSClient({ region: 'us-east-1' }) });
    const error = await notifier.publish(MESSAGE).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotifyError);
    const notifyError = error as NotifyError;
    expect(notifyError.context).toEqual({
      action: 'Publish',
      code: 'AuthorizationErrorException',
      requestId: 'req-9',
      httpStatus: 403,
    });
    expect(notifyError.cause).toBe(failure);
    expect(notifyError.message).toContain(TOPIC);
    expect(notifyError.message).toContain('sns:Publish permission');
    expect(notifyError.message).not.toContain('AKIAIOSFODNN7EXAMPLE');
  });

  it('refuses a message over the SNS size limit without calling SNS', async () => {
    const notifier = createSnsNotifier({ topicArn: TOPIC, client: new SNSClient({ region: 'us-east-1' }) });
    await expect(notifier.publish({ ...MESSAGE, email: 'x'.repeat(262_144) })).rejects.toBeInstanceOf(NotifyError);
    expect(sns.calls()).toHaveLength(0);
  });
});

describe('createConsoleNotifier', () => {
  it('writes the subject, then the email one line at a time', async () => {
    const lines: string[] = [];
    await expect(createConsoleNotifier((l) => lines.push(l)).publish(MESSAGE)).resolves.toEqual({});
    expect(lines).toEqual(['Subject: [autorenew] 1 failed (check)', 'line one', 'line two']);
  });
});
