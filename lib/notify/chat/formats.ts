import { createHash, createHmac } from 'node:crypto';
import type { TargetKind } from '../../policy/schema';
import { redact } from '../../redact';
import type { Digest, NotifyEvent } from '../port';

/**
 * Chat and webhook message formats: one builder per platform, pure (no clock, no I/O), and one reader of
 * each platform's answer (several answer HTTP 200 with an error code in the body).
 */

/** What every chat target is given: the digest's subject and email text, and the digest itself for `webhook`. */
export interface ChatMessage {
  /** Stable id of the digest content (same content, same id), for dedupe marks and the webhook body. */
  id: string;
  subject: string;
  /** The plain-text email digest (already sanitized by the renderer). */
  text: string;
  event: NotifyEvent;
  severity: 'info' | 'alert';
  digest?: Digest;
  /** A `notify-test` message: harmless, says so. */
  test?: boolean;
}

export interface TargetCredentials {
  url: string;
  /** Signing secret (DingTalk `SEC...`, Feishu signature key, webhook HMAC key); optional. */
  secret?: string;
}

export interface ChatRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
}

/** Size budgets in UTF-8 bytes for the text each platform shows (below each platform's documented limit). */
export const TEXT_LIMITS: Record<TargetKind, number> = {
  dingtalk: 18_000, // DingTalk robot: message up to 20 000 bytes
  feishu: 18_000, // Feishu/Lark bot: request body up to 20 KB
  wecom: 3_800, // WeCom group robot: markdown content up to 4 096 bytes
  slack: 2_900, // Slack: a section block's text up to 3 000 characters
  webhook: 200_000, // our own receiver: the whole email text
};

/** Largest digest JSON the generic webhook body carries (beside its text). */
export const WEBHOOK_MAX_DIGEST_BYTES = 500_000;

/** Slack's header block takes at most 150 characters. */
const SLACK_HEADER_CHARS = 150;

/** The line that ends a cut message: the email always has everything. */
export const CUT_POINTER = 'The full digest is in the email; `autorenew status` shows the ledger.';

/**
 * A stable id for a digest's content (its lines and error; not its job, run id or time), so the same notices
 * rendered again by a later run, of either job (a renew digest's retry goes out with the next check), are
 * recognised. A run error without lines is never rendered again from the ledger: its job and run are part of the
 * id, so an error that comes back later the same day is told again.
 */
export function digestId(message: { subject: string; text: string; digest?: Digest }): string {
  const d = message.digest;
  const basis = d
    ? JSON.stringify({
        outcomes: d.outcomes,
        error: d.error ?? null,
        ...(d.outcomes.length === 0 ? { job: d.job, runId: d.runId } : {}),
      })
    : JSON.stringify({ subject: message.subject, text: message.text.replace(/^.*\n/, '') });
  return createHash('sha256').update(basis).digest('hex').slice(0, 32);
}

/**
 * Cuts `text` at a line boundary so it takes at most `maxBytes` UTF-8 bytes, ending with how many lines were left
 * out and {@link CUT_POINTER}. Text that fits is returned as it is.
 */
export function cutText(text: string, maxBytes: number): string {
  if (Buffer.byteLength(text) <= maxBytes) return text;
  const lines = text.split('\n');
  const tail = (n: number) => `... ${n} more line${n === 1 ? '' : 's'} not shown. ${CUT_POINTER}`;
  let used = Buffer.byteLength(tail(lines.length)) + 1;
  const kept: string[] = [];
  for (const line of lines) {
    const bytes = Buffer.byteLength(line) + 1;
    if (used + bytes > maxBytes) break;
    kept.push(line);
    used += bytes;
  }
  if (kept.length === 0) {
    // One huge first line: cut it by characters.
    const chars = Array.from(lines[0] ?? '');
    let room = maxBytes - Buffer.byteLength(tail(lines.length)) - 2;
    let head = '';
    for (const ch of chars) {
      room -= Buffer.byteLength(ch);
      if (room < 0) break;
      head += ch;
    }
    return `${head}\n${tail(lines.length - 1)}`;
  }
  return [...kept, tail(lines.length - kept.length)].join('\n');
}

/** DingTalk's signature: base64 HMAC-SHA256 with key `secret` over `timestamp\nsecret` (timestamp in ms). */
export function dingtalkSign(timestampMs: number, secret: string): string {
  return createHmac('sha256', secret).update(`${timestampMs}\n${secret}`).digest('base64');
}

/** Feishu/Lark's signature: base64 HMAC-SHA256 with key `timestamp\nsecret` over an empty message (seconds). */
export function feishuSign(timestampSec: number, secret: string): string {
  return createHmac('sha256', `${timestampSec}\n${secret}`).update('').digest('base64');
}

/** The generic webhook's signature header value: `sha256=` hex HMAC-SHA256 with the secret over `timestamp.body`. */
export function webhookSignature(timestampSec: number, body: string, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestampSec}.${body}`).digest('hex')}`;
}

const JSON_HEADERS = { 'content-type': 'application/json; charset=utf-8' };

function title(message: ChatMessage): string {
  return message.subject;
}

function bodyText(message: ChatMessage, kind: TargetKind): string {
  return cutText(message.text, TEXT_LIMITS[kind]);
}

/** Slack mrkdwn treats `&`, `<` and `>` as control characters (`<!channel>` would ping everybody). */
function slackEscape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/```/g, "'''");
}

/**
 * Brackets and `<` in text a registrar wrote would make links, images or markup in DingTalk's and WeCom's markdown
 * (`[renew here](https://...)`, `<font>`): shown as look-alikes instead, the words kept.
 */
const MARKDOWN_LOOKALIKE: Record<string, string> = { '[': '［', ']': '］', '<': '‹' };

/** Markdown for DingTalk and WeCom: a heading, then the digest lines (a leading `#` would become a heading). */
function markdown(message: ChatMessage, maxBytes: number, lineEnd = ''): string {
  const head = `### ${title(message)}\n`;
  const lines = message.text
    .split('\n')
    .map((l) => l.replace(/^#/, '\\#').replace(/[[\]<]/g, (c) => MARKDOWN_LOOKALIKE[c] ?? c))
    .join(`${lineEnd}\n`);
  return head + cutText(lines, maxBytes - Buffer.byteLength(head));
}

/** DingTalk's message limit (20 000 bytes), held for the whole request body (buildChatRequest). */
const DINGTALK_MAX_BODY_BYTES = 20_000;

/** Feishu/Lark's limit for the whole request body. */
const FEISHU_MAX_BODY_BYTES = 20_000;

function feishuRequest(message: ChatMessage, credentials: TargetCredentials, seconds: number, budget: number) {
  const secret = credentials.secret;
  const lines = cutText(message.text, budget).split('\n');
  const body = {
    ...(secret ? { timestamp: String(seconds), sign: feishuSign(seconds, secret) } : {}),
    msg_type: 'post',
    content: {
      post: {
        zh_cn: {
          title: title(message),
          // Plain `text` tags only: registrar texts can never become links or mentions.
          content: lines.map((line) => [{ tag: 'text', text: line }]),
        },
      },
    },
  };
  return { url: credentials.url, headers: JSON_HEADERS, body: JSON.stringify(body) };
}

/** Builds the HTTP request for one target, in its platform's format; `nowMs` is the signing time. */
export function buildChatRequest(
  kind: TargetKind,
  message: ChatMessage,
  credentials: TargetCredentials,
  nowMs: number,
): ChatRequest {
  const secret = credentials.secret;
  switch (kind) {
    case 'dingtalk': {
      const url = new URL(credentials.url);
      if (secret) {
        url.searchParams.set('timestamp', String(nowMs));
        url.searchParams.set('sign', dingtalkSign(nowMs, secret));
      }
      // DingTalk joins single newlines: two trailing spaces make each digest line its own line.
      const bodyOf = (budget: number) =>
        JSON.stringify({
          msgtype: 'markdown',
          markdown: { title: title(message), text: markdown(message, budget, '  ') },
        });
      // Whether DingTalk's 20 000 bytes are the text's or the body's is UNCONFIRMED: the body is held to it, escapes
      // counted (a reason full of quotes takes twice its bytes), the stricter reading (thirty-first session's list).
      let budget = TEXT_LIMITS.dingtalk;
      let body = bodyOf(budget);
      while (Buffer.byteLength(body) > DINGTALK_MAX_BODY_BYTES && budget > 1000) {
        budget = Math.floor(budget * 0.8);
        body = bodyOf(budget);
      }
      return { url: url.toString(), headers: JSON_HEADERS, body };
    }
    case 'feishu': {
      const seconds = Math.floor(nowMs / 1000);
      // Each line becomes a paragraph object, so the text budget shrinks until the whole body fits.
      let budget = TEXT_LIMITS.feishu;
      let request = feishuRequest(message, credentials, seconds, budget);
      while (Buffer.byteLength(request.body) > FEISHU_MAX_BODY_BYTES && budget > 1000) {
        budget = Math.floor(budget * 0.8);
        request = feishuRequest(message, credentials, seconds, budget);
      }
      return request;
    }
    case 'wecom': {
      const body = { msgtype: 'markdown', markdown: { content: markdown(message, TEXT_LIMITS.wecom) } };
      return { url: credentials.url, headers: JSON_HEADERS, body: JSON.stringify(body) };
    }
    case 'slack': {
      const text = cutText(slackEscape(message.text), TEXT_LIMITS.slack);
      const header = Array.from(title(message));
      const headerText =
        header.length > SLACK_HEADER_CHARS ? `${header.slice(0, SLACK_HEADER_CHARS - 3).join('')}...` : header.join('');
      const body = {
        text: `${slackEscape(title(message))}\n${text}`.slice(0, 3000),
        blocks: [
          { type: 'header', text: { type: 'plain_text', text: headerText } },
          { type: 'section', text: { type: 'mrkdwn', text: `\`\`\`\n${text}\n\`\`\`` } },
        ],
      };
      return { url: credentials.url, headers: JSON_HEADERS, body: JSON.stringify(body) };
    }
    case 'webhook': {
      // The digest as data, unless it is very large (thousands of domains): then the receiver gets the text only.
      const digestJson = message.digest ? JSON.stringify(message.digest) : 'null';
      const digest = Buffer.byteLength(digestJson) <= WEBHOOK_MAX_DIGEST_BYTES ? (message.digest ?? null) : null;
      const body = JSON.stringify({
        type: message.test ? 'autorenew.test' : 'autorenew.digest',
        version: 1,
        id: message.id,
        subject: title(message),
        event: message.event,
        severity: message.severity,
        text: bodyText(message, kind),
        digest,
        ...(message.digest && !digest ? { digestOmitted: 'too large; the text and the email have it' } : {}),
      });
      const seconds = Math.floor(nowMs / 1000);
      return {
        url: credentials.url,
        headers: {
          ...JSON_HEADERS,
          'x-autorenew-timestamp': String(seconds),
          ...(secret ? { 'x-autorenew-signature': webhookSignature(seconds, body, secret) } : {}),
        },
        body,
      };
    }
  }
}

/** How a platform answered: `ok`, or what went wrong and whether the next run should try again. */
export type ChatAnswer = { ok: true } | { ok: false; code?: string; message: string; retryable: boolean };

/**
 * Platform codes of a passing fault: "too many messages" (130101, 45009, 11232), and DingTalk's and WeCom's global
 * -1, "系统繁忙" (system busy: retry later, in both platforms' error tables; review 2026-12-07: read as a refusal for
 * good, the target gave up on the digest at once and a person was told to fix what had nothing to fix). The next run
 * tries again.
 */
const RATE_LIMIT_CODES = new Set(['130101', '45009', '11232', '-1']);

function parseJson(text: string): Record<string, unknown> | undefined {
  try {
    const data = JSON.parse(text) as unknown;
    return typeof data === 'object' && data !== null && !Array.isArray(data)
      ? (data as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

// Redacted before it is cut: cut first, a registered token split by the cut no longer matched, and most of it was
// shown (review 2026-12-07).
const short = (v: unknown) =>
  redact(String(v ?? ''))
    .replace(/[\p{Cc}\p{Cf}]/gu, ' ')
    .slice(0, 200);

/** Reads a platform's answer: the HTTP status and, for the chat robots, the error code in the body. */
export function readChatAnswer(kind: TargetKind, status: number, text: string): ChatAnswer {
  const retryableStatus = status === 429 || status >= 500;
  if (kind === 'slack' || kind === 'webhook') {
    if (status >= 200 && status < 300) return { ok: true };
    return {
      ok: false,
      code: String(status),
      message: `HTTP ${status}${text ? `: ${short(text)}` : ''}`,
      retryable: retryableStatus,
    };
  }
  const data = parseJson(text);
  // DingTalk and WeCom: {"errcode":0,"errmsg":"ok"}. Feishu/Lark: {"code":0,"msg":"success"} (older: StatusCode).
  const code = data ? (data.errcode ?? data.code ?? data.StatusCode) : undefined;
  const message = data ? (data.errmsg ?? data.msg ?? data.StatusMessage) : undefined;
  if (status >= 200 && status < 300 && (code === 0 || code === '0')) return { ok: true };
  if (code !== undefined && code !== 0) {
    const c = short(code);
    return {
      ok: false,
      code: c,
      message: `${kind} error ${c}${message ? `: ${short(message)}` : ''}${status !== 200 ? ` (HTTP ${status})` : ''}`,
      retryable: retryableStatus || RATE_LIMIT_CODES.has(c),
    };
  }
  return {
    ok: false,
    code: String(status),
    message: `HTTP ${status}, ${data ? 'an answer without an error code' : `not a ${kind} answer`}${text ? `: ${short(text)}` : ''}`,
    retryable: retryableStatus || status < 300,
  };
}
