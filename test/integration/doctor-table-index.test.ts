import { join } from 'node:path';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EXIT } from '../../lib/commands/io';
import { runCliProcess as runCliInProcess } from '../helpers/cli-process';
import { type CliWorld, startCliWorld } from '../helpers/cli-world';
import { type LocalDynamo, startDynalite } from '../helpers/ledger-dynalite';
import { DAY_MS, SANDBOX_NOW_MS } from '../helpers/sandbox-fixture';
import { PROCESS_TEST_TIMEOUT_MS } from '../helpers/timeouts';

// Review 2026-12-07 (thirty-first session), read commands: `doctor --stage` FAILs a ledger table with other keys or without the open-batches index
// (stage-checks.ts tableCheck), but plain `doctor` on AUTORENEW_TABLE (a server's cron, docs: "the stage's table"
// from a shell) never describes the table: it reads the run records (a Query on pk) and says "ok ledger: table ...
// readable", exit 0, "nothing would stop a run". A table made by hand with the right pk/sk but no open-batches index
// passes, and every check run then fails on its first read of the open batches: no renewal is ever confirmed or
// settled, while doctor said the setup was right.
jest.setTimeout(PROCESS_TEST_TIMEOUT_MS);

const TABLE = 'hand-made-ledger';
let world: CliWorld;
let dynamo: LocalDynamo;

beforeAll(async () => {
  [world, dynamo] = await Promise.all([
    startCliWorld([{ domainName: 'one.com', expiresAtMs: SANDBOX_NOW_MS + 10 * DAY_MS }], ['srv']),
    startDynalite(),
  ]);
  const raw = new DynamoDBClient({
    endpoint: dynamo.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
  await raw.send(
    new CreateTableCommand({
      TableName: TABLE,
      AttributeDefinitions: [
        { AttributeName: 'pk', AttributeType: 'S' },
        { AttributeName: 'sk', AttributeType: 'S' },
      ],
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
  raw.destroy();
});
afterAll(async () => {
  await Promise.all([world?.close(), dynamo?.stop()]);
});

const env = () => ({
  ...world.env(),
  AUTORENEW_TABLE: TABLE,
  AUTORENEW_DYNAMODB_ENDPOINT: dynamo.endpoint,
  AWS_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: 'test',
  AWS_SECRET_ACCESS_KEY: 'test',
});

it('control: a check run on the table fails (no open-batches index)', async () => {
  const run = await runCliInProcess(['check', '--policy-differs'], env(), join(world.dir, 'srv'));
  expect(run.code).not.toBe(EXIT.ok);
});

it('doctor on AUTORENEW_TABLE does not pass a table without the index every job reads', async () => {
  const run = await runCliInProcess(['doctor'], env(), join(world.dir, 'srv'));
  const out = run.stdout.split('\n');
  expect({ ledgerLines: out.filter((l) => /ledger/.test(l)), code: run.code }).toEqual({
    ledgerLines: expect.arrayContaining([expect.stringMatching(/^FAIL/)]),
    code: EXIT.invalidInput,
  });
});
