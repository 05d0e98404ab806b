import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../lib/cli';
import type { CliIO } from '../../lib/commands/io';
import { TARGET_KINDS, targetEnvStem } from '../../lib/policy/schema';
import { type StandIn, startStandIn } from '../helpers/chat-standins';

const standIns: StandIn[] = [];
let dir: string;
const env: Record<string, string> = {};

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'notify-test-'));
  const targets = TARGET_KINDS.map((kind) => ({ name: `team-${kind}`, kind }));
  writeFileSync(join(dir, 'policy.json'), JSON.stringify({ version: 1, notify: { targets } }));
  writeFileSync(join(dir, 'empty.json'), JSON.stringify({ version: 1 }));
  for (const kind of TARGET_KINDS) {
    const secret = kind === 'wecom' || kind === 'slack' ? undefined : `secret-for-${kind}-0001`;
    const s = await startStandIn(kind, secret ? { secret } : {});
    standIns.push(s);
    env[`${targetEnvStem(`team-${kind}`)}_URL`] = s.url;
    if (secret) env[`${targetEnvStem(`team-${kind}`)}_SECRET`] = secret;
  }
});
afterAll(async () => {
  for (const s of standIns) await s.close();
  rmSync(dir, { recursive: true, force: true });
});

async function run(args: string[], extraEnv: Record<string, string> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIO = {
    out: (l) => out.push(l),
    err: (l) => err.push(l),
    isTTY: false,
    env: { AUTORENEW_POLICY: 'policy.json', ...env, ...extraEnv },
    cwd: dir,
  };
  const code = await runCli(['notify-test', ...args], io);
  return { code, out, err };
}

describe('autorenew notify-test', () => {
  it('sends a test message to every target, signed, and reports each', async () => {
    const { code, out } = await run([]);
    expect(out).toEqual(TARGET_KINDS.map((k) => `ok    team-${k} (${k})`));
    expect(code).toBe(0);
    for (const s of standIns) {
      expect(s.accepted).toHaveLength(1);
      expect(JSON.stringify(s.accepted[0])).toContain('test message');
    }
    const webhook = standIns.find((s) => s.kind === 'webhook') as StandIn;
    expect(webhook.accepted[0]?.type).toBe('autorenew.test');
  });

  it('--target sends to that one only; a failing target is reported without its URL and exits 2', async () => {
    const slack = standIns.find((s) => s.kind === 'slack') as StandIn;
    const before = standIns.map((s) => s.accepted.length);
    slack.mode = 'down';
    const { code, out } = await run(['--target', 'team-slack']);
    slack.mode = 'ok';
    expect(code).toBe(2);
    expect(out).toEqual([
      'FAIL  team-slack (slack): slack target "team-slack" refused the message: HTTP 503: Service Unavailable',
    ]);
    expect(standIns.map((s) => s.accepted.length)).toEqual(before);

    const json = await run(['--target', 'TEAM-DINGTALK', '--json']);
    expect(json.code).toBe(0);
    expect(JSON.parse(json.out.join('\n'))).toEqual({
      results: [{ target: 'team-dingtalk', kind: 'dingtalk', ok: true }],
    });
  });

  it('a wrong secret fails with the platform answer; a secret never reaches the output', async () => {
    const stem = targetEnvStem('team-feishu');
    const { code, out } = await run(['--target', 'team-feishu'], { [`${stem}_SECRET`]: 'a-wrong-feishu-secret' });
    expect(code).toBe(2);
    expect(out[0]).toContain('feishu error 19021');
    expect(out.join('\n')).not.toContain('a-wrong-feishu-secret');
  });

  it("several accounts: each account's own policy's targets, named by account; --account picks one", async () => {
    writeFileSync(
      join(dir, 'intl.json'),
      JSON.stringify({ version: 1, notify: { targets: [{ name: 'team-slack', kind: 'slack' }] } }),
    );
    const accounts = {
      AUTORENEW_POLICY: 'empty.json',
      AUTORENEW_ACCOUNTS: JSON.stringify([
        { name: '', endpoint: 'http://127.0.0.1:9', accessKeyIdEnv: 'CN_ID', accessKeySecretEnv: 'CN_SECRET' },
        {
          name: 'intl',
          endpoint: 'http://127.0.0.1:9',
          accessKeyIdEnv: 'I_ID',
          accessKeySecretEnv: 'I_S',
          policy: 'intl.json',
        },
        {
          name: 'shop',
          endpoint: 'http://127.0.0.1:9',
          accessKeyIdEnv: 'S_ID',
          accessKeySecretEnv: 'S_S',
          policy: 'policy.json',
        },
      ]),
    };
    const slack = standIns.find((s) => s.kind === 'slack') as StandIn;
    const before = slack.accepted.length;
    const all = await run([], accounts);
    expect(all.err).toEqual([]);
    expect(all.out).toEqual([
      'ok    intl: team-slack (slack)',
      ...TARGET_KINDS.map((k) => `ok    shop: team-${k} (${k})`),
    ]);
    expect(all.code).toBe(0);
    expect(slack.accepted.length).toBe(before + 2);

    const one = await run(['--account', 'intl', '--json'], accounts);
    expect(JSON.parse(one.out.join('\n'))).toEqual({
      results: [{ account: 'intl', target: 'team-slack', kind: 'slack', ok: true }],
    });
    const none = await run(['--account', 'default'], accounts);
    expect(none.code).toBe(1);
    expect(none.err[0]).toContain('empty.json (account default) has no notify.targets');
    const wrong = await run(['--account', 'nope'], accounts);
    expect(wrong.err[0]).toContain('--account "nope" is not a configured account');
  });

  it('unknown target, no targets, missing URL', async () => {
    const unknown = await run(['--target', 'nope']);
    expect(unknown.code).toBe(1);
    expect(unknown.err[0]).toContain('no target "nope" in notify.targets; configured: team-dingtalk');
    const none = await run([], { AUTORENEW_POLICY: 'empty.json' });
    expect(none.code).toBe(1);
    expect(none.err[0]).toContain('has no notify.targets');
    const missing = await run(['--target', 'team-wecom'], { [`${targetEnvStem('team-wecom')}_URL`]: '' });
    expect(missing.code).toBe(2);
    expect(missing.out[0]).toBe(
      'FAIL  team-wecom (wecom): target "team-wecom" has no URL: set AUTORENEW_TARGET_TEAM_WECOM_URL',
    );
  });
});
