/** What the Lambda handlers export, as the tests call them. */
export type Handler = (
  event: unknown,
  context: { awsRequestId: string; getRemainingTimeInMillis(): number },
) => Promise<unknown>;

/** A job's handler in a module registry of its own: a fresh Lambda container (no cached secret, client or flag). */
export function coldHandler(job: 'renew' | 'check'): Handler {
  let handler: Handler | undefined;
  jest.isolateModules(() => {
    handler = (require(`../../handlers/${job}`) as { handler: Handler }).handler;
  });
  if (!handler) throw new Error(`handlers/${job} did not load`);
  return handler;
}

/**
 * The environment a deployed function sees, pointed at loopback stand-ins: AWS endpoints (DynamoDB, Secrets Manager,
 * SNS), the registrar, the table, the topic and the policy file. Dummy AWS credentials; nothing reaches AWS.
 */
export function lambdaEnv(o: {
  aws: { dynamodb: string; secretsManager: string; sns: string };
  registrar: string;
  secretId: string;
  topicArn: string;
  policy: string;
  functionName: string;
  table?: string;
}): Record<string, string> {
  return {
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    AWS_ENDPOINT_URL_DYNAMODB: o.aws.dynamodb,
    AWS_ENDPOINT_URL_SECRETS_MANAGER: o.aws.secretsManager,
    AWS_ENDPOINT_URL_SNS: o.aws.sns,
    AWS_LAMBDA_FUNCTION_NAME: o.functionName,
    AUTORENEW_ENDPOINT: o.registrar,
    AUTORENEW_SECRET_ID: o.secretId,
    AUTORENEW_TABLE: o.table ?? 'ledger',
    AUTORENEW_TOPIC_ARN: o.topicArn,
    AUTORENEW_POLICY: o.policy,
  };
}
