import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openLedgerFromEnv } from '../../lib/ledger/embedded';
import { type Sandbox, startSandbox } from '../../lib/sandbox';
import { INTL_KEY, twoAccountEnv } from '../helpers/accounts-env';
import { runCliInProcess } from '../helpers/cli-process';
import { PROCESS_TEST_TIMEOUT_MS } from '../helpers/timeouts';

jest.setTimeout(PROCESS_TEST_TIMEOUT_MS);

const NOW = Date.UTC(2026, 11, 3, 6, 0, 0);
const DAY_MS = 86_400_000;
const at = (days: number) => NOW + days * DAY_MS;

/**
 * Upgrading a single-account deployment to several accounts: the ledger written by the single-account run (no
 * AUTORENEW_ACCOUNTS) is read and extended by the several-account run with no migration. The unnamed account keeps
 * its claims (nothing bought again), its open batch is confirmed by the new check, and the new account is served
 * beside it in its own keyspace.
 */
describe('upgrade: a single-account ledger under several accounts', () => {
  let sandbox: Sandbox;
  let dir: string;

  beforeAll(async () => {
    sandbox = await startSandbox({
      nowMs: NOW,
      freezeClock: true,
      taskMs: 60_000,
      fixture: {
        domains: [
          { domainName: 'first.com', expiresAtMs: at(5) },
          { domainName: 'second.cn', expiresAtMs: at(6) },
        ],
      },
      accounts: [
        {
          name: 'intl',
          ...INTL_KEY,
          currency: 'USD',
          fixture: { domains: [{ domainName: 'first.com', expiresAtMs: at(9), price: 11 }] },
        },
      ],
    });
    dir = await mkdtemp(join(tmpdir(), 'accounts-upgrade-'));
    await writeFile(
      join(dir, 'policy.json'),
      JSON.stringify({ version: 1, window: { daysBeforeExpiry: 30 }, notify: { advanceDays: 0 } }),
    );
    await writeFile(
      join(dir, 'intl.json'),
      JSON.stringify({
        version: 1,
        window: { daysBeforeExpiry: 30 },
        notify: { advanceDays: 0 },
        money: { currency: 'USD', checkDomainPrice: 'use' }, // the sandbox's intl renew fee is CheckDomain's Price
      }),
    );
  });

  afterAll(async () => {
    await sandbox?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('keeps every claim and batch of the old run, and adds the new account beside them', async () => {
    const base = { AUTORENEW_LEDGER_DIR: join(dir, 'ledger'), AUTORENEW_POLICY: join(dir, 'policy.json') };
    // Before: today's single-account configuration.
    const before = await runCliInProcess(['renew', '--yes', '--json'], {
      ...base,
      AUTORENEW_ENDPOINT: sandbox.url,
      ALIBABA_CLOUD_ACCESS_KEY_ID: sandbox.accessKeyId,
      ALIBABA_CLOUD_ACCESS_KEY_SECRET: sandbox.accessKeySecret,
    });
    expect(before.code).toBe(0);
    expect(JSON.parse(before.stdout)).toMatchObject({ submitted: 2 });
    const opened = await openLedgerFromEnv(base);
    const oldBatches = await opened.ledger.listOpenBatches();
    await opened.close();
    expect(oldBatches).toHaveLength(1);

    // After: the same deployment lists itself as the unnamed account, plus a new intl account.
    const after = {
      ...base,
      ...twoAccountEnv(sandbox, join(dir, 'intl.json')),
    };
    const renew = await runCliInProcess(['renew', '--yes', '--json'], after);
    expect(renew.code).toBe(0);
    const summaries = JSON.parse(renew.stdout) as {
      accounts: Record<string, { submitted: number; conflicts: number }>;
    };
    // The unnamed account's old claims hold: nothing due is bought again.
    expect(summaries.accounts.default?.submitted).toBe(0);
    expect(summaries.accounts.intl?.submitted).toBe(1);
    expect(
      sandbox
        .state()
        .submissions.map((s) => s.domainName)
        .sort(),
    ).toEqual(['first.com', 'second.cn']);
    expect(sandbox.state('intl').submissions.map((s) => s.domainName)).toEqual(['first.com']);

    // The new check confirms the batch the old run left open, and the new account's.
    sandbox.setClock({ advanceMs: 10 * 60_000 });
    const check = await runCliInProcess(['check', '--json'], after);
    expect(check.code).toBe(0);
    const checked = JSON.parse(check.stdout) as { accounts: Record<string, { renewed: number }> };
    expect(checked.accounts.default?.renewed).toBe(2);
    expect(checked.accounts.intl?.renewed).toBe(1);

    // Nothing lost: the old batch is the same item, now settled, and the old claims are still the unnamed keys.
    const reopened = await openLedgerFromEnv(base);
    try {
      const old = await reopened.ledger.getBatch(oldBatches[0]?.batchId ?? '');
      expect(old?.taskNo).toBe(oldBatches[0]?.taskNo);
      const claims = await reopened.ledger.getClaims([
        { domain: 'first.com', expiryMs: at(5) },
        { domain: 'second.cn', expiryMs: at(6) },
      ]);
      expect(claims.map((c) => c.status)).toEqual(['RENEWED', 'RENEWED']);
      const [intlClaim] = await reopened.forAccount('intl').getClaims([{ domain: 'first.com', expiryMs: at(9) }]);
      expect(intlClaim?.status).toBe('RENEWED');
    } finally {
      await reopened.close();
    }
  });
});
