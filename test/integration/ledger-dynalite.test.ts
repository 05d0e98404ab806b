import { describeLedgerContract, dynamoBackend } from '../helpers/ledger-contract';
import { type LocalDynamo, startDynalite } from '../helpers/ledger-dynalite';

let server: LocalDynamo;
beforeAll(async () => {
  server = await startDynalite();
});
afterAll(() => server.stop());

describeLedgerContract(
  'dynalite (in-process, in memory, AWS SDK document client)',
  dynamoBackend({ endpoint: () => server.endpoint }),
);
describeLedgerContract(
  'dynalite (in-process, in memory, the ledger HTTP client)',
  dynamoBackend({ endpoint: () => server.endpoint }, 'http'),
);
