import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openLocalAccounts } from '../../lib/compose/local';

/**
 * AUTORENEW_ACCOUNTS mixing a loopback sandbox (first) and a real Alibaba account (second) on the CLI: the code
 * anticipates such a mix (`renew` asks before buying when "any account at a real registrar" is in the list, and
 * `--at` is refused unless every account is a sandbox). But the run's clock is picked from the first account's
 * endpoint alone (compose/local.ts selectClock: `isSandboxEndpoint(config.endpoint)`), and one clock serves every
 * account: the real account plans, buys, counts its days left and dates its will-lapse thresholds by the sandbox's
 * simulated time. A sandbox clock behind real time (fixtures are dated 2026-01-01) makes due domains look months
 * away: nothing bought, no will-lapse line; one ahead buys renewals the policy's window would not. No network is
 * used beyond a loopback stand-in of the sandbox clock; no registrar call is made.
 */
describe('one clock for a sandbox account and a real one', () => {
  let server: Server;
  let url: string;
  let dir: string;
  const SIMULATED = Date.UTC(2026, 0, 1);

  beforeAll(async () => {
    server = createServer((req, res) => {
      if (req.url === '/_sandbox/clock') {
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ nowMs: SIMULATED }));
        return;
      }
      res.statusCode = 404;
      res.end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    dir = await mkdtemp(join(tmpdir(), 'mixed-clock-'));
    await writeFile(join(dir, 'policy.json'), JSON.stringify({ version: 1 }));
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    await rm(dir, { recursive: true, force: true });
  });

  test('the real account runs on real time, whatever the sandbox account’s clock says', async () => {
    const env = {
      AUTORENEW_ACCOUNTS: JSON.stringify([
        { name: 'sandbox', endpoint: url, accessKeyIdEnv: 'SB_ID', accessKeySecretEnv: 'SB_SECRET' },
        { name: 'prod', site: 'cn', accessKeyIdEnv: 'PROD_ID', accessKeySecretEnv: 'PROD_SECRET' },
      ]),
      SB_ID: 'sandbox-id',
      SB_SECRET: 'sandbox-secret',
      PROD_ID: 'prod-id',
      PROD_SECRET: 'prod-secret',
      AUTORENEW_POLICY: join(dir, 'policy.json'),
      AUTORENEW_LEDGER_DIR: join(dir, 'ledger'),
    };
    const lines: string[] = [];
    const rt = await openLocalAccounts(
      { out: (l) => lines.push(l), err: (l) => lines.push(l), isTTY: false, env, cwd: dir },
      { job: 'renew' },
    );
    try {
      const prod = rt.jobs.find((j) => j.label === 'prod');
      expect(prod?.config.endpoint).toMatch(/^https:\/\//);
      const drift = Math.abs((prod?.deps.clock.now() ?? 0) - Date.now());
      // Today: the prod account's "now" is the sandbox's 2026-01-01, months off.
      expect(drift).toBeLessThan(60_000);
    } finally {
      await rt.close();
    }
  });
});

describe('the accounts of one local run read one another’s claims', () => {
  test('a job narrowed to one account (--account) still reads the other accounts’ keyspaces (JobDeps.peerClaims)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'peer-claims-'));
    try {
      await writeFile(join(dir, 'policy.json'), JSON.stringify({ version: 1 }));
      const env = {
        AUTORENEW_ACCOUNTS: JSON.stringify([
          { name: 'a', site: 'cn', accessKeyIdEnv: 'A_ID', accessKeySecretEnv: 'A_SECRET' },
          { name: 'b', site: 'cn', accessKeyIdEnv: 'B_ID', accessKeySecretEnv: 'B_SECRET' },
        ]),
        A_ID: 'a-key-id',
        A_SECRET: 'a-secret',
        B_ID: 'b-key-id',
        B_SECRET: 'b-secret',
        AUTORENEW_POLICY: join(dir, 'policy.json'),
        AUTORENEW_LEDGER_DIR: join(dir, 'ledger'),
      };
      const io = { out: () => {}, err: () => {}, isTTY: false, env, cwd: dir };
      const expiryMs = Date.UTC(2027, 0, 10);
      const all = await openLocalAccounts(io, { job: 'renew' });
      try {
        const a = all.jobs.find((j) => j.label === 'a');
        await a?.deps.ledger.claim({
          domain: 'moved.com',
          expiryMs,
          batchId: 'b-1',
          attemptId: 'a-1',
          years: 1,
          nowMs: Date.UTC(2027, 0, 1),
          maxAttempts: 3,
        });
      } finally {
        await all.close();
      }
      const onlyB = await openLocalAccounts(io, { job: 'renew', account: 'b' });
      try {
        expect(onlyB.jobs.map((j) => j.label)).toEqual(['b']);
        const peers = (await onlyB.jobs[0]?.deps.peerClaims?.([{ domain: 'moved.com', expiryMs }], [])) ?? [];
        expect(peers.map((c) => [c.domain, c.status])).toEqual([['moved.com', 'CLAIMED']]);
        expect(await onlyB.jobs[0]?.deps.ledger.getClaims([{ domain: 'moved.com', expiryMs }])).toEqual([]);
      } finally {
        await onlyB.close();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
