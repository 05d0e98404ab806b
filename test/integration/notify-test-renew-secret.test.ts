import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type StandIn, startStandIn } from '../helpers/chat-standins';
import { runCliInRepo as runCli } from '../helpers/cli-process';
import { type FakeSecretsManager, startFakeSecretsManager } from '../helpers/fake-secrets-manager';
import { PROCESS_TEST_TIMEOUT_MS } from '../helpers/timeouts';

/**
 * Review 2026-12-07 (thirty-first session), chat targets. In AWS each job reads its chat targets from the secret it already reads: renew from AUTORENEW_SECRET_ID (the key that
 * buys), check from the read-only secret when one is configured (docs/deploy.md: "put the same notifyTargets into
 * both secrets"). `notify-test` reads the targets only as check does (`buildTargetCredentials(own, env, 'read')`): with
 * a read-only secret it never opens renew's. The renew secret without `notifyTargets` (forgotten, or a typo in one of
 * the two copies) passes notify-test with "ok" and exit 0, "set up: ... digests will arrive here", while every renew
 * digest (purchases, deferrals, will-lapse lines) gives up on the target for good ("has no URL").
 */
let ding: StandIn;
let sm: FakeSecretsManager;
let dir: string;
beforeAll(async () => {
  ding = await startStandIn('dingtalk');
  sm = await startFakeSecretsManager({
    // The key that buys (renew's secret): its notifyTargets copy is missing.
    'autorenew/alibaba': JSON.stringify({ accessKeyId: 'LTAIbuyer00000000', accessKeySecret: 'buyer-secret-0000' }),
    // The read-only key (check's secret): has the target.
    'autorenew/alibaba-ro': JSON.stringify({
      accessKeyId: 'LTAIreader0000000',
      accessKeySecret: 'reader-secret-000',
      notifyTargets: { ops: { url: ding.url } },
    }),
  });
  dir = await mkdtemp(join(tmpdir(), 'notify-test-renew-secret-'));
  await writeFile(
    join(dir, 'policy.json'),
    JSON.stringify({ version: 1, notify: { targets: [{ name: 'ops', kind: 'dingtalk' }] } }),
  );
});
afterAll(async () => {
  await ding.close();
  await sm.stop();
  await rm(dir, { recursive: true, force: true });
});

it(
  "does not report a target set up when renew's secret has no URL for it",
  async () => {
    const run = await runCli(['notify-test', '--policy', join(dir, 'policy.json')], {
      AUTORENEW_SECRET_ID: 'autorenew/alibaba',
      AUTORENEW_READONLY_SECRET_ID: 'autorenew/alibaba-ro',
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
      AWS_ENDPOINT_URL_SECRETS_MANAGER: sm.endpoint,
      AUTORENEW_LEDGER_DIR: join(dir, 'ledger'),
    });
    // The renew job cannot reach "ops": notify-test must not say every target took the message.
    expect({ code: run.code, stdout: run.stdout.trim() }).toEqual({
      code: 2,
      stdout: expect.stringContaining('autorenew/alibaba'),
    });
  },
  PROCESS_TEST_TIMEOUT_MS,
);
