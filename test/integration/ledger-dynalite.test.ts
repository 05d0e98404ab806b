import { describeDynamoContract } from '../helpers/ledger-contract';
import { type LocalDynamo, startDynalite } from '../helpers/ledger-dynalite';

let server: LocalDynamo;
beforeAll(async () => {
  server = await startDynalite();
});
afterAll(() => server.stop());

describeDynamoContract('dynalite (in-process, in memory)', { endpoint: () => server.endpoint });
