import { type AwsClientConfig, AwsServiceError, createAwsClient, invalidResponse } from './client';

/** The Publish fields the notifier sends (the SDK's PublishCommandInput, as far as it is used). */
export interface PublishInput {
  TopicArn: string;
  Message: string;
  Subject?: string;
  MessageStructure?: string;
  MessageAttributes?: Record<string, { DataType: string; StringValue: string }>;
}

/** Publishes one message; resolves with its MessageId. A refusal is an AwsServiceError named by its query code. */
export type SnsPublish = (input: PublishInput) => Promise<{ messageId?: string }>;

/** RFC 3986 percent-encoding, as the AWS SDK encodes query-protocol values. */
function encode(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** The form body of a Publish request (query protocol, API version 2010-03-31). */
export function buildPublishBody(input: PublishInput): string {
  const fields: [string, string][] = [
    ['Action', 'Publish'],
    ['Version', '2010-03-31'],
    ['TopicArn', input.TopicArn],
    ['Message', input.Message],
  ];
  if (input.Subject !== undefined) fields.push(['Subject', input.Subject]);
  if (input.MessageStructure !== undefined) fields.push(['MessageStructure', input.MessageStructure]);
  Object.entries(input.MessageAttributes ?? {}).forEach(([name, value], i) => {
    const at = `MessageAttributes.entry.${i + 1}`;
    fields.push([`${at}.Name`, name], [`${at}.Value.DataType`, value.DataType]);
    fields.push([`${at}.Value.StringValue`, value.StringValue]);
  });
  return fields.map(([k, v]) => `${encode(k)}=${encode(v)}`).join('&');
}

const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

/** The text of the first `<tag>` element of an XML answer, entities decoded; undefined when absent. */
export function xmlText(xml: string, tag: string): string | undefined {
  const found = new RegExp(`<${tag}>([^<]*)</${tag}>`).exec(xml);
  if (!found) return undefined;
  return (found[1] as string).replace(/&(#x[0-9a-fA-F]+|#\d+|\w+);/g, (whole, name: string) => {
    if (name.startsWith('#x')) return String.fromCodePoint(Number.parseInt(name.slice(2), 16));
    if (name.startsWith('#')) return String.fromCodePoint(Number(name.slice(1)));
    return ENTITIES[name] ?? whole;
  });
}

/**
 * SNS Publish over the project's own HTTP client (query protocol: a form body, an XML answer; signed and retried by
 * client.ts), for the deployed functions: no SNS SDK is loaded. Endpoint from AWS_ENDPOINT_URL_SNS when set. Like
 * the SDK, a throttled, failed (5xx) or lost publish is retried: a digest may then arrive twice, never not at all.
 */
export function createHttpSnsPublish(config: AwsClientConfig = {}): SnsPublish & { destroy(): void } {
  const client = createAwsClient(
    { signingName: 'sns', envName: 'SNS', purpose: 'SNS', maxAnswerBytes: 1 << 20 },
    config,
  );
  const headers = { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' };
  const publish = async (input: PublishInput) =>
    client.send(headers, buildPublishBody(input), (answer) => {
      const xml = answer.text ?? '';
      if (answer.status === 200) {
        if (!xml.includes('<PublishResponse')) throw invalidResponse('SNS answered HTTP 200 without a PublishResponse');
        const messageId = xmlText(xml, 'MessageId');
        return messageId ? { messageId } : {};
      }
      throw new AwsServiceError(
        xmlText(xml, 'Code') ?? `HTTP ${answer.status}`,
        xmlText(xml, 'Message') ?? `SNS answered HTTP ${answer.status}`,
        answer.status,
        xmlText(xml, 'RequestId') ?? answer.header('x-amzn-requestid'),
      );
    });
  return Object.assign(publish, { destroy: () => client.destroy() });
}
