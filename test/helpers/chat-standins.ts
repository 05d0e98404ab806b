import { createHmac } from 'node:crypto';
import type { TargetKind } from '../../lib/policy/schema';
import { type FakeHttpServer, type FakeRequest, type FakeStep, startFakeHttp } from './fake-http';

/**
 * Loopback stand-ins for the chat platforms (issue 17). Each checks what the real robot checks: the path and token,
 * the message format, the size limit and the signature, which it computes itself (independently of lib/notify).
 * Answers use the platforms' shapes: DingTalk and WeCom `{"errcode","errmsg"}`, Feishu `{"code","msg"}` (all with
 * HTTP 200 even for errors), Slack plain-text `ok` or an error word with 4xx, the generic webhook 204 / 401.
 */

export type StandInMode = 'ok' | 'down' | 'platform-error' | 'hang-up' | 'busy';

export interface StandIn {
  kind: TargetKind;
  /** The URL to configure (contains the token). */
  url: string;
  secret: string | undefined;
  /** Parsed bodies of the messages the stand-in accepted. */
  accepted: Record<string, unknown>[];
  /** Why it refused messages, in order. */
  refused: string[];
  requests: FakeRequest[];
  mode: StandInMode;
  close(): Promise<void>;
}

const PATHS: Record<TargetKind, string> = {
  dingtalk: '/robot/send?access_token=dingtoken0123456789abcdef',
  feishu: '/open-apis/bot/v2/hook/0f6c1d4e-5a2b-4c3d-9e8f-7a6b5c4d3e2f',
  wecom: '/cgi-bin/webhook/send?key=693a91f6-7xxx-4bc4-97a0-0ec2sifa5aaa',
  slack: '/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX',
  webhook: '/hooks/autorenew',
};

function json(status: number, body: object): FakeStep {
  return { status, body };
}

function b64hmac(key: string, data: string): string {
  return createHmac('sha256', Buffer.from(key, 'utf8')).update(Buffer.from(data, 'utf8')).digest('base64');
}

type Verdict = { ok: true; body: Record<string, unknown> } | { ok: false; why: string; step: FakeStep };

function verify(kind: TargetKind, req: FakeRequest, secret: string | undefined, nowMs: number): Verdict {
  const url = new URL(req.url, 'http://x');
  const expected = new URL(PATHS[kind], 'http://x');
  const refuse = (why: string, step: FakeStep): Verdict => ({ ok: false, why, step });
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(req.body) as Record<string, unknown>;
  } catch {
    return refuse('not JSON', kind === 'slack' ? { status: 400, body: 'invalid_payload' } : json(400, {}));
  }
  const bytes = Buffer.byteLength(req.body);
  switch (kind) {
    case 'dingtalk': {
      if (url.searchParams.get('access_token') !== expected.searchParams.get('access_token'))
        return refuse('token', json(200, { errcode: 300001, errmsg: 'token is not exist' }));
      if (secret) {
        const ts = Number(url.searchParams.get('timestamp'));
        const sign = url.searchParams.get('sign'); // URLSearchParams has already URL-decoded it
        if (!Number.isFinite(ts) || Math.abs(nowMs - ts) > 3_600_000 || sign !== b64hmac(secret, `${ts}\n${secret}`))
          return refuse('sign', json(200, { errcode: 310000, errmsg: 'sign not match, more: [connector]' }));
      }
      const md = body.markdown as { title?: unknown; text?: unknown } | undefined;
      if (body.msgtype !== 'markdown' || typeof md?.title !== 'string' || typeof md.text !== 'string')
        return refuse('format', json(200, { errcode: 40035, errmsg: 'invalid parameter' }));
      if (bytes > 20_000) return refuse('size', json(200, { errcode: 460101, errmsg: 'message too long' }));
      return { ok: true, body };
    }
    case 'feishu': {
      if (url.pathname !== expected.pathname)
        return refuse('token', json(200, { code: 19001, msg: 'param invalid: incoming webhook access token invalid' }));
      if (secret) {
        const ts = Number(body.timestamp);
        if (
          typeof body.timestamp !== 'string' ||
          Math.abs(nowMs / 1000 - ts) > 3600 ||
          body.sign !== b64hmac(`${ts}\n${secret}`, '')
        )
          return refuse(
            'sign',
            json(200, {
              code: 19021,
              data: {},
              msg: 'sign match fail or timestamp is not within one hour from current time',
            }),
          );
      }
      const post = (body.content as { post?: { zh_cn?: { title?: unknown; content?: unknown } } } | undefined)?.post;
      if (body.msg_type !== 'post' || typeof post?.zh_cn?.title !== 'string' || !Array.isArray(post.zh_cn.content))
        return refuse('format', json(200, { code: 9499, data: {}, msg: 'Bad Request' }));
      if (bytes > 20_480) return refuse('size', json(200, { code: 9499, data: {}, msg: 'request body too large' }));
      return { ok: true, body };
    }
    case 'wecom': {
      if (url.searchParams.get('key') !== expected.searchParams.get('key'))
        return refuse('token', json(200, { errcode: 93000, errmsg: 'invalid webhook url' }));
      const md = body.markdown as { content?: unknown } | undefined;
      if (body.msgtype !== 'markdown' || typeof md?.content !== 'string')
        return refuse('format', json(200, { errcode: 40008, errmsg: 'invalid message type' }));
      if (Buffer.byteLength(md.content) > 4096)
        return refuse('size', json(200, { errcode: 40058, errmsg: 'markdown.content exceed max length 4096' }));
      return { ok: true, body };
    }
    case 'slack': {
      if (url.pathname !== expected.pathname) return refuse('token', { status: 404, body: 'no_service' });
      const blocks = body.blocks as { type?: string; text?: { type?: string; text?: string } }[] | undefined;
      if (typeof body.text !== 'string' || !Array.isArray(blocks) || blocks.length === 0 || blocks.length > 50)
        return refuse('format', { status: 400, body: 'invalid_blocks' });
      for (const b of blocks) {
        const max = b.type === 'header' ? 150 : 3000;
        if (typeof b.text?.text !== 'string' || Array.from(b.text.text).length > max)
          return refuse('size', { status: 400, body: 'invalid_blocks' });
      }
      return { ok: true, body };
    }
    case 'webhook': {
      if (secret) {
        const ts = String(req.headers['x-autorenew-timestamp'] ?? '');
        const sig = createHmac('sha256', secret).update(`${ts}.${req.body}`).digest('hex');
        if (req.headers['x-autorenew-signature'] !== `sha256=${sig}` || Math.abs(nowMs / 1000 - Number(ts)) > 300)
          return refuse('sign', { status: 401, body: { error: 'bad signature' } });
      }
      if (body.version !== 1 || typeof body.text !== 'string')
        return refuse('format', { status: 400, body: { error: 'bad body' } });
      return { ok: true, body };
    }
  }
}

const PLATFORM_ERROR: Record<TargetKind, FakeStep> = {
  dingtalk: json(200, { errcode: 130101, errmsg: 'send too fast, exceed 20 times per minute' }),
  feishu: json(200, { code: 11232, data: {}, msg: 'frequency limited psm[lark.oapi.app_platform_runtime]appID[1]' }),
  wecom: json(200, { errcode: 45009, errmsg: 'api freq out of limit' }),
  slack: { status: 429, body: 'rate_limited' },
  webhook: { status: 429, body: { error: 'slow down' } },
};

/**
 * A passing fault of the platform itself, answered as each one answers it: DingTalk and WeCom HTTP 200 with their
 * global code -1 ("系统繁忙", system busy: "retry later" in both platforms' error tables), the others HTTP 5xx.
 */
const PLATFORM_BUSY: Record<TargetKind, FakeStep> = {
  dingtalk: json(200, { errcode: -1, errmsg: '系统繁忙' }),
  wecom: json(200, { errcode: -1, errmsg: 'system busy, hint: [1733000000_1_abcdef], from ip: 1.2.3.4' }),
  feishu: { status: 500, body: { code: 9499, msg: 'internal error' } },
  slack: { status: 500, body: 'internal_error' },
  webhook: { status: 503, body: { error: 'busy' } },
};

/** Starts a stand-in for `kind` on 127.0.0.1; `nowMs` is the clock it checks signature times against. */
export async function startStandIn(
  kind: TargetKind,
  options: { secret?: string; nowMs?: () => number } = {},
): Promise<StandIn> {
  const server: FakeHttpServer = await startFakeHttp();
  const nowMs = options.nowMs ?? Date.now;
  const standIn: StandIn = {
    kind,
    url: `${server.url}${PATHS[kind]}`,
    secret: options.secret,
    accepted: [],
    refused: [],
    requests: server.requests,
    mode: 'ok',
    close: () => server.close(),
  };
  server.respondWith((req) => {
    if (standIn.mode === 'down') return { status: 503, body: 'Service Unavailable' };
    if (standIn.mode === 'hang-up') return { destroy: true };
    if (standIn.mode === 'platform-error') return PLATFORM_ERROR[kind];
    if (standIn.mode === 'busy') return PLATFORM_BUSY[kind];
    const verdict = verify(kind, req, options.secret, nowMs());
    if (!verdict.ok) {
      standIn.refused.push(verdict.why);
      return verdict.step;
    }
    standIn.accepted.push(verdict.body);
    if (kind === 'slack') return { status: 200, body: 'ok', headers: { 'content-type': 'text/html' } };
    if (kind === 'webhook') return { status: 204, body: '' };
    if (kind === 'feishu')
      return json(200, { StatusCode: 0, StatusMessage: 'success', code: 0, data: {}, msg: 'success' });
    return json(200, { errcode: 0, errmsg: 'ok' });
  });
  return standIn;
}
