import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Sandbox, type SandboxFixtureDomain, startSandbox } from '../../lib/sandbox';
import { type AwsStandIns, type SnsEnvelope, startAwsStandIns } from './aws-standins';
import { lambdaEnv } from './lambda';

/** 2026-12-06 06:00 UTC: the sandbox's (frozen) clock in the two-account deployments. */
export const TWO_ACCOUNTS_NOW = Date.UTC(2026, 11, 6, 6, 0, 0);

/** A deployment of two named accounts, `main` and `second`, as the Lambda handlers see it; `stop` restores the env. */
export interface TwoAccounts {
  sandbox: Sandbox;
  aws: AwsStandIns;
  /** The email text of every SNS message received since the last call. */
  emails(): Promise<string[]>;
  stop(): Promise<void>;
}

/**
 * Two named accounts of one deployment (AUTORENEW_ACCOUNTS `main`, `second`), each with its own sandbox account,
 * secret and 1000 CNY, behind the Lambda handlers (AWS stand-ins on loopback, one policy: a 30-day window, no
 * advance notice). Sets process.env; `stop` puts it back.
 */
export async function startTwoAccounts(o: {
  main: SandboxFixtureDomain[];
  second: SandboxFixtureDomain[];
  /** Extra variables of the functions' environment (e.g. AUTORENEW_GLOBAL_MAX_DOMAINS). */
  env?: Record<string, string>;
}): Promise<TwoAccounts> {
  const saved = { ...process.env };
  const sandbox = await startSandbox({
    nowMs: TWO_ACCOUNTS_NOW,
    freezeClock: true,
    taskMs: 60_000,
    fixture: { balance: 1000, domains: o.main },
    accounts: [
      {
        name: 'second',
        accessKeyId: 'second-key-id',
        accessKeySecret: 'second-key-secret',
        balance: 1000,
        fixture: { domains: o.second },
      },
    ],
  });
  const aws = await startAwsStandIns({
    'autorenew/main': JSON.stringify({ accessKeyId: sandbox.accessKeyId, accessKeySecret: sandbox.accessKeySecret }),
    'autorenew/second': JSON.stringify({ accessKeyId: 'second-key-id', accessKeySecret: 'second-key-secret' }),
  });
  const dir = await mkdtemp(join(tmpdir(), 'two-accounts-'));
  const policy = join(dir, 'policy.json');
  await writeFile(policy, JSON.stringify({ version: 1, window: { daysBeforeExpiry: 30 }, notify: { advanceDays: 0 } }));
  const env: Record<string, string | undefined> = lambdaEnv({
    aws: aws.endpoints,
    registrar: sandbox.url,
    secretId: 'unused',
    topicArn: aws.topicArn,
    policy,
    functionName: 'autorenew-two-accounts',
  });
  delete env.AUTORENEW_ENDPOINT;
  delete env.AUTORENEW_SECRET_ID;
  Object.assign(process.env, env, o.env ?? {}, {
    AUTORENEW_ACCOUNTS: JSON.stringify([
      { name: 'main', secretId: 'autorenew/main', endpoint: sandbox.url },
      { name: 'second', secretId: 'autorenew/second', endpoint: sandbox.url },
    ]),
  });
  delete process.env.AUTORENEW_ENDPOINT;
  delete process.env.AUTORENEW_SECRET_ID;
  return {
    sandbox,
    aws,
    emails: async () =>
      ((await aws.received()) as SnsEnvelope[]).map((m) => (JSON.parse(m.Message) as { email: string }).email),
    async stop() {
      process.env = saved;
      await aws.stop();
      await sandbox.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
