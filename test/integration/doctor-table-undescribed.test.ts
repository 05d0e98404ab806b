import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ledgerTableCheck } from '../../lib/commands/doctor-stage';

/**
 * Review 2026-12-07 (thirty-first session). Plain `doctor` on AUTORENEW_TABLE checks the table's keys and index
 * (DescribeTable). An operator's role may hold only the ledger's reads: a refused DescribeTable is a warning there,
 * not a FAIL that makes every doctor run fail; `doctor --stage`, which documents the permission, keeps the FAIL.
 */
describe('a DescribeTable the caller may not make', () => {
  let server: Server;
  let endpoint = '';

  beforeAll(async () => {
    // A loopback DynamoDB that refuses DescribeTable as AWS does for a role without the action.
    server = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        res.writeHead(400, { 'content-type': 'application/x-amz-json-1.0' });
        res.end(
          JSON.stringify({
            __type: 'com.amazon.coral.service#AccessDeniedException',
            message: 'User is not authorized to perform: dynamodb:DescribeTable',
          }),
        );
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  const env = () => ({
    AUTORENEW_DYNAMODB_ENDPOINT: endpoint,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
  });

  test('plain doctor: a warning naming the permission', async () => {
    const check = await ledgerTableCheck(env(), 'prod-ledger', 'warn');
    expect(check).toMatchObject({ status: 'warn', name: 'ledger table', fix: expect.stringMatching(/DescribeTable/) });
  });

  test('doctor --stage: a FAIL', async () => {
    const check = await ledgerTableCheck(env(), 'prod-ledger');
    expect(check.status).toBe('FAIL');
  });
});
