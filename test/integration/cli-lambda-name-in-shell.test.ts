import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { runCli } from '../../lib/cli';
import { type CliIO, EXIT } from '../../lib/commands/io';

const ROOT = resolve(__dirname, '..', '..');

// Review 2026-12-07: `renew` skipped its question and its --yes gate when AWS_LAMBDA_FUNCTION_NAME was set in the
// shell (a variable people export for `aws lambda invoke --function-name "$AWS_LAMBDA_FUNCTION_NAME"`). The functions
// never run this command, so the variable only ever reaches it from a person's shell or a cron job.
it('renew from a pipe at a real registrar with AWS_LAMBDA_FUNCTION_NAME in the shell still needs --yes', async () => {
  const ledgerDir = await mkdtemp(join(tmpdir(), 'autorenew-lambda-name-'));
  try {
    const err: string[] = [];
    const io: CliIO = {
      out: () => {},
      err: (l) => err.push(l),
      isTTY: false,
      cwd: ROOT,
      env: {
        // https to a loopback port: no sandbox, and nothing listens there (no request leaves the machine).
        AUTORENEW_ENDPOINT: 'https://127.0.0.1:9',
        ALIBABA_CLOUD_ACCESS_KEY_ID: 'LTAI-test-id',
        ALIBABA_CLOUD_ACCESS_KEY_SECRET: 'test-secret',
        AUTORENEW_LEDGER_DIR: ledgerDir,
        AWS_LAMBDA_FUNCTION_NAME: 'aliyun-domain-autorenew-prod-renew',
      },
    };
    const code = await runCli(['renew'], io);
    expect(code).toBe(EXIT.invalidInput);
    expect(err.join('\n')).toMatch(/no terminal to ask on: pass --yes to confirm .*nothing was bought/);
  } finally {
    await rm(ledgerDir, { recursive: true, force: true });
  }
});
