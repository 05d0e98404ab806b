import { createEnvTargetCredentials } from '../../lib/notify/chat/credentials';
import { type ChatMessage, CUT_POINTER } from '../../lib/notify/chat/formats';
import { ChatDeliveryError, sendToTarget } from '../../lib/notify/chat/send';
import { TARGET_KINDS, type TargetKind } from '../../lib/policy/schema';
import { redact } from '../../lib/redact';
import { type StandIn, startStandIn } from '../helpers/chat-standins';

const NOW = Date.UTC(2025, 2, 1, 6, 0, 0);
const SECRETS: Record<TargetKind, string | undefined> = {
  dingtalk: 'SECd1ngtalk-signing-secret-0001',
  feishu: 'feishu-signing-secret-0002',
  wecom: undefined, // WeCom group robots have no signing: the key in the URL is the credential
  slack: undefined, // Slack incoming webhooks: the URL is the credential
  webhook: 'webhook-hmac-secret-0003',
};

const MESSAGE: ChatMessage = {
  id: 'digest-1',
  subject: '[autorenew] 1 failed, 2 renewed (check)',
  text: [
    'autorenew check run r-1 at 2025-03-01 06:00 UTC: 1 failed, 2 renewed',
    '',
    'Failed (1): the registrar reported the renewal failed',
    '- example.com: expiry 2025-03-10 -> unchanged, 1 year, TaskNo T-1, batch b-1, reason: Insufficient balance',
  ].join('\n'),
  event: 'failed',
  severity: 'alert',
};

const standIns = new Map<TargetKind, StandIn>();

beforeAll(async () => {
  for (const kind of TARGET_KINDS) {
    const secret = SECRETS[kind];
    standIns.set(kind, await startStandIn(kind, { ...(secret ? { secret } : {}), nowMs: () => NOW }));
  }
});
afterAll(async () => {
  for (const s of standIns.values()) await s.close();
});

function standIn(kind: TargetKind): StandIn {
  const s = standIns.get(kind);
  if (!s) throw new Error(kind);
  s.mode = 'ok';
  return s;
}

const creds = (s: StandIn, secret = s.secret) => ({ url: s.url, ...(secret ? { secret } : {}) });

describe.each(TARGET_KINDS)('%s stand-in', (kind) => {
  it('accepts the message in its own format with a correct signature', async () => {
    const s = standIn(kind);
    const before = s.accepted.length;
    await sendToTarget({ name: `t-${kind}`, kind }, creds(s), MESSAGE, { nowMs: NOW });
    expect(s.accepted).toHaveLength(before + 1);
    expect(JSON.stringify(s.accepted.at(-1))).toContain('Insufficient balance');
  });

  it('cuts a long digest to the platform limit, with a pointer to the email', async () => {
    const s = standIn(kind);
    const before = s.accepted.length;
    const lines = Array.from({ length: 3000 }, (_, i) => `- domain-${i}.example.com: expiry 2025-03-10 -> 2026-03-10`);
    await sendToTarget({ name: 't', kind }, creds(s), { ...MESSAGE, text: lines.join('\n') }, { nowMs: NOW });
    expect(s.accepted).toHaveLength(before + 1);
    const body = JSON.stringify(s.accepted.at(-1));
    if (kind !== 'webhook') expect(body).toContain(CUT_POINTER);
    else expect(body).toContain('domain-2999.example.com');
  });

  it('a platform error (HTTP 200 with an error code for the robots) is a retryable failure', async () => {
    const s = standIn(kind);
    s.mode = 'platform-error';
    const err = await sendToTarget({ name: 'ops', kind }, creds(s), MESSAGE, { nowMs: NOW }).catch((e) => e);
    expect(err).toBeInstanceOf(ChatDeliveryError);
    expect(err.message).toMatch(new RegExp(`^${kind} target "ops" refused the message: `));
    if (kind !== 'webhook') expect((err as ChatDeliveryError).retryable).toBe(true);
  });

  it('a dead or hung-up target fails with a retryable error that never shows the URL', async () => {
    const s = standIn(kind);
    for (const mode of ['down', 'hang-up'] as const) {
      s.mode = mode;
      const err = await sendToTarget({ name: 'ops', kind }, creds(s), MESSAGE, { nowMs: NOW }).catch((e) => e);
      expect(err).toBeInstanceOf(ChatDeliveryError);
      expect((err as ChatDeliveryError).retryable).toBe(true);
      expect(err.message).not.toContain(new URL(s.url).pathname);
    }
  });
});

describe.each(['dingtalk', 'feishu', 'webhook'] as const)('%s signature', (kind) => {
  it('a wrong secret is refused by the stand-in and reported as not retryable', async () => {
    const s = standIn(kind);
    const refusedBefore = s.refused.length;
    const err = await sendToTarget({ name: 'ops', kind }, creds(s, 'wrong-secret-value'), MESSAGE, {
      nowMs: NOW,
    }).catch((e) => e);
    expect(s.refused.slice(refusedBefore)).toEqual(['sign']);
    expect(err).toBeInstanceOf(ChatDeliveryError);
    expect((err as ChatDeliveryError).retryable).toBe(false);
    expect(err.message).not.toContain('wrong-secret-value');
  });
});

it('DingTalk gets exactly the documented body', async () => {
  const s = standIn('dingtalk');
  await sendToTarget({ name: 'd', kind: 'dingtalk' }, creds(s), MESSAGE, { nowMs: NOW });
  expect(s.accepted.at(-1)).toEqual({
    msgtype: 'markdown',
    markdown: { title: MESSAGE.subject, text: `### ${MESSAGE.subject}\n${MESSAGE.text.split('\n').join('  \n')}` },
  });
});

it('Feishu gets a post with one plain text paragraph per line', async () => {
  const s = standIn('feishu');
  await sendToTarget({ name: 'f', kind: 'feishu' }, creds(s), MESSAGE, { nowMs: NOW });
  const body = s.accepted.at(-1) as { msg_type: string; content: { post: { zh_cn: { content: unknown[] } } } };
  expect(body.msg_type).toBe('post');
  expect(body.content.post.zh_cn.content).toEqual(MESSAGE.text.split('\n').map((text) => [{ tag: 'text', text }]));
});

it('the generic webhook gets the digest JSON with its id', async () => {
  const s = standIn('webhook');
  const digest = { job: 'check' as const, runId: 'r-1', nowMs: NOW, outcomes: [] };
  await sendToTarget({ name: 'w', kind: 'webhook' }, creds(s), { ...MESSAGE, digest }, { nowMs: NOW });
  expect(s.accepted.at(-1)).toEqual({
    type: 'autorenew.digest',
    version: 1,
    id: 'digest-1',
    subject: MESSAGE.subject,
    event: 'failed',
    severity: 'alert',
    text: MESSAGE.text,
    digest,
  });
});

it('env credentials: URL and secret come from AUTORENEW_TARGET_<NAME>_*, and are redacted once read', async () => {
  const s = standIn('dingtalk');
  const source = createEnvTargetCredentials({
    AUTORENEW_TARGET_OPS_DING_URL: s.url,
    AUTORENEW_TARGET_OPS_DING_SECRET: s.secret,
  });
  const c = await source.get('ops-ding');
  expect(c).toEqual({ url: s.url, secret: s.secret });
  const token = new URL(s.url).searchParams.get('access_token') ?? '';
  expect(redact(`posting to ${s.url} with ${s.secret} token ${token}`)).toBe('posting to *** with *** token ***');
  await expect(source.get('other')).rejects.toThrow('target "other" has no URL: set AUTORENEW_TARGET_OTHER_URL');
  await expect(
    createEnvTargetCredentials({ AUTORENEW_TARGET_X_URL: 'http://example.com/hook' }).get('x'),
  ).rejects.toThrow('AUTORENEW_TARGET_X_URL is not an https:// URL');
});
