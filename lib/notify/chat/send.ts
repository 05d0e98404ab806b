import { NotifyError, nameErrorClasses } from '../../errors';
import type { TargetKind } from '../../policy/schema';
import { redact } from '../../redact';
import { buildChatRequest, type ChatMessage, readChatAnswer, type TargetCredentials } from './formats';

/** One configured target, as the sender needs it. */
export interface ChatTarget {
  name: string;
  kind: TargetKind;
}

export interface SendOptions {
  /** Signing time (epoch ms). */
  nowMs: number;
  /** Per request; default 10 s. */
  timeoutMs?: number;
  /** Injected for tests; default the global fetch. */
  fetch?: typeof fetch;
}

/** Largest answer body read (platform answers are a few hundred bytes). */
const MAX_ANSWER_BYTES = 16_384;

/** A delivery that failed; `retryable` is false only for answers that will not change by themselves. */
export class ChatDeliveryError extends NotifyError {
  readonly retryable: boolean;
  constructor(message: string, context: NotifyError['context'], retryable: boolean, cause?: unknown) {
    super(redact(message), context, cause === undefined ? undefined : { cause });
    this.retryable = retryable;
  }
}
nameErrorClasses({ ChatDeliveryError });

async function readCapped(response: Response): Promise<string> {
  // Read no further than the cap: `text()` buffered a whole answer of any size (a receiver answering 48 MB, or
  // without end, before SNS had the digest: review 2026-12-07), then cut it.
  const reader = response.body?.getReader();
  if (!reader) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < MAX_ANSWER_BYTES) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.byteLength;
    }
  } finally {
    await reader.cancel().catch(() => {});
  }
  return Buffer.concat(chunks).subarray(0, MAX_ANSWER_BYTES).toString('utf8');
}

/** The URL's host name, lower case (undefined when it does not parse). */
function hostOf(url: string): string | undefined {
  try {
    return new URL(url).hostname || undefined;
  } catch {
    return undefined;
  }
}

/**
 * Sends one message to one target in its platform's format and reads the platform's answer (an HTTP 200 with an
 * error code is a failure). Throws {@link ChatDeliveryError}; its text names the target, never its URL or secret.
 */
export async function sendToTarget(
  target: ChatTarget,
  credentials: TargetCredentials,
  message: ChatMessage,
  options: SendOptions,
): Promise<void> {
  const request = buildChatRequest(target.kind, message, credentials, options.nowMs);
  const where = `${target.kind} target "${target.name}"`;
  const doFetch = options.fetch ?? fetch;
  let response: Response;
  try {
    response = await doFetch(request.url, {
      method: 'POST',
      headers: request.headers,
      body: request.body,
      redirect: 'error',
      signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
    });
  } catch (err) {
    const cause = err instanceof Error ? (err.cause instanceof Error ? err.cause.message : err.message) : String(err);
    // A DNS, connect or TLS failure quotes the host, and some receivers carry their token there
    // (`https://<id>.m.pipedream.net`): the host is the target's, never shown (review 2026-12-07, thirty-first
    // session; registered with the redactor instead, its labels masked the person's own domains in every text).
    const host = hostOf(credentials.url);
    const said = host ? cause.split(host).join('<the target host>') : cause;
    throw new ChatDeliveryError(`${where} unreachable: ${said}`, { action: 'ChatSend', code: 'network' }, true);
  }
  const text = await readCapped(response).catch(() => '');
  const answer = readChatAnswer(target.kind, response.status, withoutUrlParts(text, credentials.url));
  if (!answer.ok) {
    throw new ChatDeliveryError(
      `${where} refused the message: ${answer.message}`,
      { action: 'ChatSend', httpStatus: response.status, ...(answer.code ? { code: answer.code } : {}) },
      answer.retryable,
    );
  }
}

/**
 * The answer with the target URL's path and query masked: a receiver's error page echoes the request path ("Cannot
 * POST /hook/<token>"), where a webhook carries its token (review 2026-12-07).
 */
function withoutUrlParts(text: string, url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return text;
  }
  const parts = [parsed.pathname, parsed.search.slice(1)].filter((p) => p.length > 1);
  let out = text;
  for (const part of parts) {
    for (const form of new Set([part, decodeURIComponentSafe(part)])) out = out.split(form).join('***');
  }
  return out;
}

function decodeURIComponentSafe(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
