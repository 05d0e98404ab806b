import { type DynamoDbLocal, startDynamoDbLocal } from '../helpers/dynamodb-local';
import { describeLedgerContract } from '../helpers/ledger-contract';

let server: DynamoDbLocal;
beforeAll(async () => {
  server = await startDynamoDbLocal();
  // Kept visible on purpose: the startup time is a number the project tracks (TOOLCHAIN: ~3 s).
  process.stdout.write(`DynamoDB Local accepted connections after ${server.startupMs} ms\n`);
}, 30_000);
afterAll(() => server?.stop());

describeLedgerContract('DynamoDB Local (Java, in memory)', { endpoint: () => server.endpoint });
