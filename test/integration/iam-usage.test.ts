import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  CLAIM_PARTITION_PATTERNS,
  compareGrants,
  grantKeys,
  type Job,
  MARK_PARTITION_PATTERNS,
  RESERVED_ACCESS,
  reservedKeys,
} from '../../lib/iam';
import { ensureTable } from '../../lib/ledger/create-table';
import { createDynamoLedger } from '../../lib/ledger/dynamodb';
import { TABLE } from '../../lib/ledger/table';
import { type Sandbox, startSandbox } from '../../lib/sandbox';
import { type AwsCall, type AwsRecorder, startAwsRecorder } from '../helpers/aws-recorder';
import { matchesStringLike } from '../helpers/iam-string-like';
import { coldHandler } from '../helpers/lambda';
import { startDynalite } from '../helpers/ledger-dynalite';
import { START_HOOK_TIMEOUT_MS } from '../helpers/timeouts';

const DAY_MS = 86_400_000;
const TABLE_NAME = 'ledger';
const TOPIC_ARN = 'arn:aws:sns:us-east-1:000000000000:alerts';
const SECRET = 'autorenew/alibaba';

/** A sandbox with `domains` due in a few days, dynalite with the ledger table, and a recorder for every AWS call. */
interface World {
  sandbox: Sandbox;
  recorder: AwsRecorder;
  ledger: ReturnType<typeof createDynamoLedger>;
  env: Record<string, string>;
  stop(): Promise<void>;
}

async function startWorld(domains: readonly string[], now: number): Promise<World> {
  const sandbox = await startSandbox({
    taskMs: 50,
    fixture: { domains: domains.map((domainName, i) => ({ domainName, expiresAtMs: now + (3 + i) * DAY_MS })) },
  });
  const dynamo = await startDynalite();
  const recorder = await startAwsRecorder({
    dynamodb: dynamo.endpoint,
    secrets: {
      [SECRET]: JSON.stringify({ accessKeyId: sandbox.accessKeyId, accessKeySecret: sandbox.accessKeySecret }),
    },
  });
  const clientConfig = {
    region: 'us-east-1',
    endpoint: dynamo.endpoint,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  };
  const ddb = new DynamoDBClient(clientConfig);
  await ensureTable(ddb, TABLE_NAME);
  ddb.destroy();
  // Direct access for setting up a scenario (not recorded: it talks to dynalite, not through the recorder).
  const ledger = createDynamoLedger({ tableName: TABLE_NAME, clientConfig });
  return {
    sandbox,
    recorder,
    ledger,
    env: {
      AUTORENEW_ENDPOINT: sandbox.url,
      AWS_ENDPOINT_URL_DYNAMODB: recorder.endpoint,
      AWS_ENDPOINT_URL_SECRETS_MANAGER: recorder.endpoint,
      AWS_ENDPOINT_URL_SNS: recorder.endpoint,
    },
    stop: async () => {
      ledger.destroy();
      await recorder.stop();
      await dynamo.stop();
      await sandbox.close();
    },
  };
}

/**
 * Least privilege, measured: both Lambda handlers run exactly as deployed (composition roots, default AWS clients)
 * with every AWS request going through a recorder on 127.0.0.1. What each job really sends must be what lib/iam.ts
 * grants its role (from which scripts/roles.cjs renders the template): nothing ungranted (AccessDenied in AWS),
 * nothing granted and unused, except the grants RESERVED_ACCESS holds for ledger work in progress.
 */
describe('IAM: every granted action is used, every used action is granted', () => {
  const saved = { ...process.env };
  let logSpy: jest.SpyInstance;
  let dir: string;
  const worlds: World[] = [];
  const observed: Record<Job, AwsCall[]> = { renew: [], check: [] };

  /** `<action>@<where>`: the form lib/iam.ts grantKeys uses; anything unexpected keeps its name. */
  function keyOf(call: AwsCall): string {
    if (call.action.startsWith('dynamodb:')) {
      if (call.resource !== TABLE_NAME) return `${call.action}@table:${call.resource}`;
      if (call.index === undefined) {
        // A Query whose key values are all claim partitions: what the LeadingKeys condition allows.
        const claimsOnly =
          call.keyValues?.length &&
          call.keyValues.every((v) => CLAIM_PARTITION_PATTERNS.some((p) => matchesStringLike(p, v)));
        // A batch write whose items are all marks: what the marks' LeadingKeys condition allows.
        const marksOnly =
          call.keyValues?.length &&
          call.keyValues.every((v) => MARK_PARTITION_PATTERNS.some((p) => matchesStringLike(p, v)));
        if (call.action === 'dynamodb:BatchWriteItem' && marksOnly) return `${call.action}@markPartitions`;
        return `${call.action}@${call.action === 'dynamodb:Query' && claimsOnly ? 'claimPartitions' : 'table'}`;
      }
      return call.index === TABLE.openIndex.name ? `${call.action}@openIndex` : `${call.action}@index:${call.index}`;
    }
    if (call.action.startsWith('secretsmanager:'))
      return `${call.action}@${call.resource === SECRET ? 'secret' : call.resource}`;
    if (call.action.startsWith('sns:'))
      return `${call.action}@${call.resource === TOPIC_ARN ? 'topic' : call.resource}`;
    return call.action;
  }

  /**
   * Runs a job's handler as a fresh container against `world`, recording its AWS requests for `job`. `account`: as
   * the one named account of AUTORENEW_ACCOUNTS (its own ledger keyspace) instead of the single-account variables.
   */
  async function run(world: World, job: Job, id: string, account?: string) {
    const before = { ...process.env };
    Object.assign(process.env, world.env);
    if (account) {
      process.env.AUTORENEW_ACCOUNTS = JSON.stringify([
        { name: account, secretId: SECRET, endpoint: world.env.AUTORENEW_ENDPOINT },
      ]);
      delete process.env.AUTORENEW_SECRET_ID;
      delete process.env.AUTORENEW_ENDPOINT;
    }
    try {
      const from = world.recorder.calls.length;
      const result = await coldHandler(job)({}, { awsRequestId: id, getRemainingTimeInMillis: () => 600_000 });
      observed[job].push(...world.recorder.calls.slice(from));
      return result;
    } finally {
      process.env = before;
    }
  }

  beforeAll(async () => {
    const now = Date.now();
    dir = await mkdtemp(join(tmpdir(), 'iam-usage-'));
    const policyPath = join(dir, 'policy.json');
    await writeFile(
      policyPath,
      JSON.stringify({ version: 1, window: { daysBeforeExpiry: 30 }, notify: { advanceDays: 0 } }),
    );
    Object.assign(process.env, {
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
      AWS_LAMBDA_FUNCTION_NAME: 'autorenew-iam-test',
      AUTORENEW_SECRET_ID: SECRET,
      AUTORENEW_TABLE: TABLE_NAME,
      AUTORENEW_TOPIC_ARN: TOPIC_ARN,
      AUTORENEW_POLICY: policyPath,
    });
    logSpy = jest.spyOn(console, 'log').mockImplementation(() => {});

    // 1. The everyday path: renew lists, takes budget, claims and submits two due domains; check confirms both.
    // An overlapping check run that started later is already recorded, so check's recordRun is refused and re-reads
    // the item (GetItem), the path every conditional write takes on a refusal. A third due domain is held: its
    // will-lapse line is marked sent (BatchWriteItem) once the digest is out.
    const everyday = await startWorld(['due-one.com', 'due-two.cn', 'held-three.com'], now);
    worlds.push(everyday);
    await everyday.ledger.putHolds([{ domain: 'held-three.com', createdAtMs: now }]);
    const later = Date.UTC(2100, 0, 1);
    await everyday.ledger.recordRun({
      job: 'check',
      runId: 'overlapping',
      startedAtMs: later,
      finishedAtMs: later,
      ok: true,
      summary: {},
    });
    await expect(run(everyday, 'renew', 'iam-renew-1')).resolves.toMatchObject({ submitted: 2 });
    everyday.sandbox.setClock({ advanceMs: 60_000 });
    await expect(run(everyday, 'check', 'iam-check-1')).resolves.toMatchObject({ renewed: 2 });

    // 2. A lost answer: the submit executes but its answer never arrives, so the batch is UNKNOWN. Half an hour
    // later (past the safe delay) check reconciles it from the task list, reading the other claims of its domains.
    const lost = await startWorld(['lost-one.com'], now);
    worlds.push(lost);
    lost.sandbox.setFaults({ loseRate: 1, actions: ['SaveBatchTaskForCreatingOrderRenew'] });
    await expect(run(lost, 'renew', 'iam-renew-lost')).resolves.toMatchObject({ unknown: 1 });
    lost.sandbox.setFaults({});
    const realNow = Date.now.bind(Date);
    const clock = jest.spyOn(Date, 'now').mockImplementation(() => realNow() + 30 * 60_000);
    try {
      await expect(run(lost, 'check', 'iam-check-reconcile')).resolves.toMatchObject({ errors: 0 });
    } finally {
      clock.mockRestore();
    }

    // 3. The same for a named account (AUTORENEW_ACCOUNTS): every item under its own keyspace (ACCT#shop#...), and
    // the reconciliation's claim query must still be within the claim partitions the role allows.
    const named = await startWorld(['named-one.com'], now);
    worlds.push(named);
    named.sandbox.setFaults({ loseRate: 1, actions: ['SaveBatchTaskForCreatingOrderRenew'] });
    await expect(run(named, 'renew', 'iam-renew-named', 'shop')).resolves.toMatchObject({
      accounts: { shop: { unknown: 1 } },
    });
    named.sandbox.setFaults({});
    const namedClock = jest.spyOn(Date, 'now').mockImplementation(() => realNow() + 30 * 60_000);
    try {
      await expect(run(named, 'check', 'iam-check-named', 'shop')).resolves.toMatchObject({
        accounts: { shop: { errors: 0 } },
      });
    } finally {
      namedClock.mockRestore();
    }
    expect(named.recorder.calls.some((c) => c.keyValues?.some((v) => v.startsWith('ACCT#shop#DOMAIN#')))).toBe(true);

    // 4. Due again right after it was renewed (a window longer than a year): last cycle's task has just finished
    // and its batch is closed, so renew asks the domain's claims whether that task is ours (it is: bought again).
    const again = await startWorld(['again-one.com'], now - 10 * DAY_MS); // expired a week ago: due at old + 1 year
    worlds.push(again);
    const longWindow = join(dir, 'long-window.json');
    await writeFile(
      longWindow,
      JSON.stringify({
        version: 1,
        window: { daysBeforeExpiry: 365, daysAfterExpiry: 10 },
        limits: { maxYearsAhead: 2 },
        notify: { advanceDays: 0 },
      }),
    );
    again.env.AUTORENEW_POLICY = longWindow;
    await expect(run(again, 'renew', 'iam-renew-again-1')).resolves.toMatchObject({ submitted: 1 });
    again.sandbox.setClock({ advanceMs: 60_000 });
    await expect(run(again, 'check', 'iam-check-again')).resolves.toMatchObject({ renewed: 1 });
    const from = again.recorder.calls.length;
    await expect(run(again, 'renew', 'iam-renew-again-2')).resolves.toMatchObject({ submitted: 1 });
    expect(again.recorder.calls.slice(from).some((c) => c.action === 'dynamodb:Query' && !c.index)).toBe(true);
  }, START_HOOK_TIMEOUT_MS);

  afterAll(async () => {
    logSpy?.mockRestore();
    process.env = saved;
    for (const world of worlds) await world.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  test.each(['renew', 'check'] as const)('%s: observed requests match its grants exactly', (job) => {
    const keys = observed[job].map(keyOf);
    expect(keys.length).toBeGreaterThan(0);
    expect(compareGrants(keys, grantKeys(job), reservedKeys(job))).toEqual({ ungranted: [], unused: [] });
  });

  test('a reserved grant is one the job does not use yet (else it must move into JOB_LEDGER_CALLS)', () => {
    for (const job of ['renew', 'check'] as const) {
      const used = new Set(observed[job].map(keyOf));
      const stale = RESERVED_ACCESS[job].filter((r) => used.has(`dynamodb:${r.action}@${r.on}`));
      expect(stale).toEqual([]);
    }
  });

  test('check updates no item; no job queries the table beyond one domain’s claims', () => {
    const check = new Set(observed.check.map(keyOf));
    expect(check.has('dynamodb:Query@openIndex')).toBe(true);
    expect(check.has('dynamodb:UpdateItem@table')).toBe(false);
    // The reconciliation query (check) and the just-finished task's look (renew) read claim partitions only (what
    // the LeadingKeys condition of their grant allows).
    for (const job of ['renew', 'check'] as const) {
      expect(observed[job].map(keyOf)).toContain('dynamodb:Query@claimPartitions');
      expect(observed[job].map(keyOf)).not.toContain('dynamodb:Query@table');
      expect(grantKeys(job)).not.toContain('dynamodb:Query@table');
    }
  });

  test('the comparison has teeth: a missing grant and a superfluous one are both reported', () => {
    const keys = observed.renew.map(keyOf);
    const withoutBatchGet = grantKeys('renew').filter((k) => k !== 'dynamodb:BatchGetItem@table');
    expect(compareGrants(keys, withoutBatchGet).ungranted).toEqual(['dynamodb:BatchGetItem@table']);
    const withTableQuery = [...grantKeys('renew'), 'dynamodb:Query@table'];
    expect(compareGrants(keys, withTableQuery).unused).toEqual(['dynamodb:Query@table']);
    // Without its reservation, check's reserved grants show up as unused.
    expect(compareGrants(observed.check.map(keyOf), grantKeys('check')).unused.sort()).toEqual(reservedKeys('check'));
  });
});
