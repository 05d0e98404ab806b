import { startStandin } from '../helpers/aws-standin';
import { runCliProcess } from '../helpers/cli-process';
import { type CliWorld, startCliWorld } from '../helpers/cli-world';
import { DAY_MS, SANDBOX_NOW_MS } from '../helpers/sandbox-fixture';
import { PROCESS_TEST_TIMEOUT_MS } from '../helpers/timeouts';

// A CLI run with AUTORENEW_TOPIC_ARN publishes over the AWS SDK's SNS client with the operator's own credentials
// (SSO, assume-role: a session token). SNS, a query-protocol service, answers a signature mismatch with the canonical
// request it computed (aws/aws-sdk-ruby#335), whose x-amz-security-token header is the session token. The SDK's
// credentials are never registered with the redactor, and wrapPublishError quotes the whole message.
jest.setTimeout(PROCESS_TEST_TIMEOUT_MS);

const SESSION_TOKEN =
  'IQoJb3JpZ2luX2VjEOr//////////wEaCXVzLWVhc3QtMSJHMEUCIQDsecretSessionTokenValue0123456789abcdefXYZ+/ab==';

let world: CliWorld;
beforeAll(async () => {
  world = await startCliWorld([{ domainName: 'due-soon.com', expiresAtMs: SANDBOX_NOW_MS + 10 * DAY_MS }], ['srv']);
});
afterAll(async () => {
  await world?.close();
});

it('a CLI run whose SNS publish is refused never prints the session token SNS quotes back', async () => {
  let seen = 0;
  const sns = await startStandin(({ headers }, res) => {
    seen += 1;
    const token = String(headers['x-amz-security-token'] ?? '');
    const canonical = [
      'POST',
      '/',
      '',
      'content-type:application/x-www-form-urlencoded',
      `host:${headers.host}`,
      `x-amz-date:${headers['x-amz-date']}`,
      `x-amz-security-token:${token}`,
      '',
      'content-type;host;x-amz-date;x-amz-security-token',
      'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    ].join('\n');
    const message = `The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.\n\nThe Canonical String for this request should have been\n'${canonical}'\n\nThe String-to-Sign should have been\n'AWS4-HMAC-SHA256\n...'\n`;
    const esc = message.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
    res.statusCode = 403;
    res.setHeader('content-type', 'text/xml');
    res.end(
      `<ErrorResponse><Error><Type>Sender</Type><Code>SignatureDoesNotMatch</Code><Message>${esc}</Message></Error><RequestId>r-1</RequestId></ErrorResponse>`,
    );
  });
  try {
    const run = await runCliProcess(
      ['renew', '--dry-run'],
      {
        ...world.env(),
        AUTORENEW_TOPIC_ARN: 'arn:aws:sns:us-east-1:000000000000:autorenew-alerts',
        AWS_REGION: 'us-east-1',
        AWS_ACCESS_KEY_ID: 'ASIAEXAMPLEEXAMPLE12',
        AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
        AWS_SESSION_TOKEN: SESSION_TOKEN,
        AWS_MAX_ATTEMPTS: '1',
        AWS_ENDPOINT_URL_SNS: sns.endpoint,
      },
      `${world.dir}/srv`,
    );
    const printed = `${run.stdout}\n${run.stderr}`;
    // The publish reached the stand-in and was refused there.
    expect(seen).toBeGreaterThan(0);
    expect(printed).toMatch(/SignatureDoesNotMatch/);
    expect(printed).not.toContain('secretSessionTokenValue');
  } finally {
    await sns.stop();
  }
});
