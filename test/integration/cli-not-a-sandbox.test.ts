import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { runCli } from '../../lib/cli';
import { type CliIO, EXIT } from '../../lib/commands/io';
import { type Sandbox, startSandbox } from '../../lib/sandbox';
import { startPlainForwarder } from '../helpers/plain-forwarder';
import { createTestFixture, SANDBOX_NOW_MS } from '../helpers/sandbox-fixture';

const ROOT = resolve(__dirname, '..', '..');

/*
 * Review 2026-12-07. A plain-http reverse proxy on 127.0.0.1 in front of a registrar that is no sandbox (mitmproxy's
 * reverse mode, an stunnel client: plain http in, https out to domain.aliyuncs.com) forwards every API call and, like
 * the real API, knows nothing of `/_sandbox/*`. The sandbox stands for the real API behind it. isSandboxEndpoint said
 * "sandbox" for any plain-http loopback URL, so `renew --at <pretend date>` bought real renewals for that date, from
 * cron, without --yes and without a question.
 */

describe('what the CLI takes for a sandbox', () => {
  let sandbox: Sandbox;
  let ledgerDir: string;
  let forwarder: Awaited<ReturnType<typeof startPlainForwarder>>;

  beforeEach(async () => {
    sandbox = await startSandbox({ fixture: createTestFixture(), nowMs: SANDBOX_NOW_MS });
    forwarder = await startPlainForwarder(sandbox.url);
    ledgerDir = await mkdtemp(join(tmpdir(), 'autorenew-not-sandbox-'));
  });
  afterEach(async () => {
    await forwarder?.close();
    await sandbox?.close();
    await rm(ledgerDir, { recursive: true, force: true });
  });

  async function renew(endpoint: string, ...args: string[]) {
    const err: string[] = [];
    const io: CliIO = {
      out: () => {},
      err: (l) => err.push(l),
      isTTY: false,
      cwd: ROOT,
      env: {
        AUTORENEW_ENDPOINT: endpoint,
        ALIBABA_CLOUD_ACCESS_KEY_ID: sandbox.accessKeyId,
        ALIBABA_CLOUD_ACCESS_KEY_SECRET: sandbox.accessKeySecret,
        AUTORENEW_LEDGER_DIR: ledgerDir,
      },
    };
    const code = await runCli(['renew', ...args], io);
    return { code, err: err.join('\n') };
  }

  it('renew --at through a plain-http loopback forwarder that is no sandbox: refused, nothing bought', async () => {
    const run = await renew(forwarder.url, '--at', new Date(SANDBOX_NOW_MS + 20 * 86_400_000).toISOString());
    expect({ code: run.code, submitted: sandbox.state().submissions.length }).toEqual({
      code: EXIT.invalidInput,
      submitted: 0,
    });
    expect(run.err).toMatch(/does not answer as the sandbox \(GET \/_sandbox\/clock\); nothing was read or bought/);
  });

  it('renew from a pipe through the forwarder is asked for --yes like a real endpoint: refused, nothing bought', async () => {
    const run = await renew(forwarder.url);
    expect({ code: run.code, submitted: sandbox.state().submissions.length }).toEqual({
      code: EXIT.invalidInput,
      submitted: 0,
    });
    expect(run.err).toMatch(/no terminal to ask on: pass --yes to confirm/);
  });

  it('control: the sandbox itself needs neither', async () => {
    const run = await renew(sandbox.url, '--at', new Date(SANDBOX_NOW_MS + 20 * 86_400_000).toISOString());
    expect(run.code).toBe(EXIT.ok);
    expect(sandbox.state().submissions.length).toBeGreaterThan(0);
  });
});
