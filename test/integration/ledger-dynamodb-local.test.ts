import { type DynamoDbLocal, dynamoDbLocalForFile } from '../helpers/dynamodb-local';
import { describeDynamoContract } from '../helpers/ledger-contract';
import { PROCESS_TEST_TIMEOUT_MS, START_HOOK_TIMEOUT_MS } from '../helpers/timeouts';

// Every call goes to a JVM in another process, slow on a loaded machine.
jest.setTimeout(PROCESS_TEST_TIMEOUT_MS);

let server: DynamoDbLocal;
beforeAll(async () => {
  server = await dynamoDbLocalForFile();
  // Kept visible on purpose: the startup time is a number the project tracks (~3 s idle; reported, not asserted).
  process.stdout.write(`DynamoDB Local accepted connections after ${server.startupMs} ms\n`);
}, START_HOOK_TIMEOUT_MS);
afterAll(() => server?.stop());

describeDynamoContract('DynamoDB Local (Java, in memory)', { endpoint: () => server.endpoint });
