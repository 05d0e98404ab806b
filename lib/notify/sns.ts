import type { SNSClient, SNSClientConfig } from '@aws-sdk/client-sns';
import type { PublishInput, SnsPublish } from '../aws/sns';
import { NotifyError } from '../errors';
import { redact } from '../redact';
import type { Notifier, RenderedMessage } from './port';

/** SNS's limit for the message plus its attributes, in bytes. */
export const SNS_MAX_MESSAGE_BYTES = 262_144;

export interface SnsNotifierOptions {
  topicArn: string;
  /** Publish over the functions' own HTTP client (lib/aws/sns.ts): what a deployed function passes, no SDK loaded. */
  publish?: SnsPublish;
  /** An SNS SDK client to use (tests); without `publish` or `client`, one is built on the first publish (the CLI's). */
  client?: SNSClient;
  /** Configuration for the client built on the first publish (region, endpoint, credentials). */
  clientConfig?: SNSClientConfig;
}

/**
 * The Publish input for a rendered message: one publish with `MessageStructure: 'json'` so email subscribers get
 * the full digest and SMS subscribers the short line, and String attributes `event` and `severity` for
 * subscription filter policies (the SMS subscription takes only severity=alert).
 */
export function buildPublishInput(topicArn: string, message: RenderedMessage): PublishInput {
  return {
    TopicArn: topicArn,
    MessageStructure: 'json',
    // Every text passes the one redactor on its way out: a registrar or SDK message quoted in a digest may carry a key.
    Message: JSON.stringify({
      default: redact(message.default),
      email: redact(message.email),
      sms: redact(message.sms),
    }),
    Subject: redact(message.subject),
    MessageAttributes: {
      event: { DataType: 'String', StringValue: message.event },
      severity: { DataType: 'String', StringValue: message.severity },
    },
  };
}

/** The publish of `options`: its own `publish`, else over the AWS SDK (its client, or one built at the first call). */
function publishOf(options: SnsNotifierOptions): SnsPublish {
  if (options.publish) return options.publish;
  let client = options.client;
  return async (input) => {
    // The SDK is required at the first publish, not when the handler loads: a cold start that stops on its
    // configuration never pays for it (bench/README.md, Bundles).
    const sdk = await import('@aws-sdk/client-sns');
    client ??= new sdk.SNSClient(options.clientConfig ?? {});
    const output = await client.send(new sdk.PublishCommand(input));
    return output.MessageId ? { messageId: output.MessageId } : {};
  };
}

/** Create a notifier that publishes to an SNS topic. No AWS client exists until the first publish. */
export function createSnsNotifier(options: SnsNotifierOptions): Notifier {
  const publish = publishOf(options);
  return {
    async publish(message) {
      const input = buildPublishInput(options.topicArn, message);
      const bytes = Buffer.byteLength(input.Message) + Buffer.byteLength(message.event + message.severity);
      if (bytes > SNS_MAX_MESSAGE_BYTES) {
        throw new NotifyError(
          `Notification for topic ${options.topicArn} is ${bytes} bytes, over the SNS limit of ${SNS_MAX_MESSAGE_BYTES}; this is a bug in the digest renderer, please report it.`,
          { action: 'Publish' },
        );
      }
      try {
        return await publish(input);
      } catch (error) {
        throw wrapPublishError(options.topicArn, error);
      }
    },
  };
}

function wrapPublishError(topicArn: string, error: unknown): NotifyError {
  const meta = (error as { $metadata?: { requestId?: string; httpStatusCode?: number } } | null)?.$metadata;
  const code = error instanceof Error ? error.name : undefined;
  // Error texts can quote the caller's identity: through the one redactor.
  const detail = redact(error instanceof Error ? error.message : String(error));
  return new NotifyError(
    `SNS Publish to ${topicArn} failed${code ? ` (${code})` : ''}: ${detail}. Check AUTORENEW_TOPIC_ARN, the function's sns:Publish permission (and kms:GenerateDataKey*/kms:Decrypt for an encrypted topic); the next check run retries the notification.`,
    {
      action: 'Publish',
      ...(code ? { code } : {}),
      ...(meta?.requestId ? { requestId: meta.requestId } : {}),
      ...(meta?.httpStatusCode !== undefined ? { httpStatus: meta.httpStatusCode } : {}),
    },
    { cause: error },
  );
}
