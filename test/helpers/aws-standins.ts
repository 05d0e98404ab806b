import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateTopicCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import { CreateQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { ensureTable } from '../../lib/ledger/create-table';
import { type FakeSecretsManager, startFakeSecretsManager } from './fake-secrets-manager';
import { FAUXQS_CLIENT_CONFIG, type FauxqsHandle, startFauxqs } from './fauxqs';
import { type LocalDynamo, startDynalite } from './ledger-dynalite';

/** One SNS message as the subscribed queue receives it. */
export interface SnsEnvelope {
  Subject: string;
  Message: string;
  MessageAttributes?: Record<string, { Value: string }>;
}

/**
 * The AWS services a deployed function talks to, as loopback stand-ins: dynalite with the ledger table, a Secrets
 * Manager fake holding `secrets`, and fauxqs with a topic whose messages land in a queue the test reads.
 */
export interface AwsStandIns {
  dynamo: LocalDynamo;
  sm: FakeSecretsManager;
  fauxqs: FauxqsHandle;
  topicArn: string;
  /** The endpoints for lambdaEnv's `aws`. */
  endpoints: { dynamodb: string; secretsManager: string; sns: string };
  /** Every message the topic has delivered since the last call (bounded: at most 10 reads of 10). */
  received(): Promise<SnsEnvelope[]>;
  stop(): Promise<void>;
}

export async function startAwsStandIns(secrets: Record<string, string>, table = 'ledger'): Promise<AwsStandIns> {
  const dynamo = await startDynalite();
  const sm = await startFakeSecretsManager(secrets);
  const fauxqs = await startFauxqs();
  const ddb = new DynamoDBClient({
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    endpoint: dynamo.endpoint,
  });
  await ensureTable(ddb, table);
  ddb.destroy();
  const sns = new SNSClient({ ...FAUXQS_CLIENT_CONFIG, endpoint: fauxqs.endpoint });
  const sqs = new SQSClient({ ...FAUXQS_CLIENT_CONFIG, endpoint: fauxqs.endpoint });
  const topicArn = (await sns.send(new CreateTopicCommand({ Name: 'alerts' }))).TopicArn ?? '';
  const queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: 'mail' }))).QueueUrl ?? '';
  const { Attributes } = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }),
  );
  await sns.send(new SubscribeCommand({ TopicArn: topicArn, Protocol: 'sqs', Endpoint: Attributes?.QueueArn ?? '' }));
  sns.destroy();
  return {
    dynamo,
    sm,
    fauxqs,
    topicArn,
    endpoints: { dynamodb: dynamo.endpoint, secretsManager: sm.endpoint, sns: fauxqs.endpoint },
    async received() {
      const out: SnsEnvelope[] = [];
      for (let i = 0; i < 10; i++) {
        const { Messages = [] } = await sqs.send(
          new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10 }),
        );
        if (Messages.length === 0) break;
        out.push(...Messages.map((m) => JSON.parse(m.Body ?? '{}') as SnsEnvelope));
      }
      return out;
    },
    async stop() {
      sqs.destroy();
      await fauxqs.stop();
      await sm.stop();
      await dynamo.stop();
    },
  };
}
