import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request to a stand-in: its headers and its whole body (utf-8). */
export interface StandinRequest {
  headers: IncomingMessage['headers'];
  body: string;
}

/**
 * A loopback HTTP server for an AWS service stand-in: reads each request's body, hands it to `answer`, which writes
 * the response. Listens on 127.0.0.1 on a free port; `stop` closes it.
 */
export async function startStandin(
  answer: (request: StandinRequest, res: ServerResponse) => void,
): Promise<{ endpoint: string; stop(): Promise<void> }> {
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => {
      body += c.toString('utf8');
    });
    req.on('end', () => answer({ headers: req.headers, body }, res));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The x-amz-json-1.1 answer of the JSON-protocol services (Secrets Manager, EventBridge). */
export function sendAmzJson(res: ServerResponse, status: number, payload: unknown): void {
  res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1' });
  res.end(JSON.stringify(payload));
}

/**
 * The environment that points the AWS SDK (and the ledger) of a CLI run at loopback stand-ins: dummy credentials,
 * one attempt, and each service's endpoint.
 */
export function standinAwsEnv(endpoints: {
  cloudformation: string;
  eventbridge: string;
  sns: string;
  secretsManager: string;
  dynamodb: string;
}): Record<string, string> {
  return {
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    AWS_MAX_ATTEMPTS: '1',
    AWS_ENDPOINT_URL_CLOUDFORMATION: endpoints.cloudformation,
    AWS_ENDPOINT_URL_EVENTBRIDGE: endpoints.eventbridge,
    AWS_ENDPOINT_URL_SNS: endpoints.sns,
    AWS_ENDPOINT_URL_SECRETS_MANAGER: endpoints.secretsManager,
    AUTORENEW_DYNAMODB_ENDPOINT: endpoints.dynamodb,
  };
}
