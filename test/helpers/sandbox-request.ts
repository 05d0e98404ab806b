import { randomUUID } from 'node:crypto';
import { formatTimestamp, signV1 } from '../../lib/alibaba/sign';
import type { Sandbox } from '../../lib/sandbox';

export interface SignedCallOptions {
  /** Default GET (parameters in the query); POST puts them in a form body. */
  method?: 'GET' | 'POST';
  /** Signing time, epoch ms (default: real now). */
  timestampMs?: number;
  /** Default: a fresh UUID. */
  nonce?: string;
  /** Sign with this secret instead of the sandbox's. */
  accessKeySecret?: string;
  accessKeyId?: string;
  version?: string;
  /** Extra or overriding common parameters (e.g. SecurityToken, Format). */
  extra?: Record<string, string>;
  /** Parameters changed AFTER signing (to test that tampering is caught). */
  tamper?: Record<string, string>;
  /** Sign as this method but send with the other one (to test that the method is part of the signature). */
  signAs?: 'GET' | 'POST';
}

export interface SignedCallResult {
  status: number;
  // biome-ignore lint/suspicious/noExplicitAny: test helper; callers read fields of the JSON body as they need
  body: any;
  headers: Headers;
}

/** Calls the sandbox with a hand-made V1 (HMAC-SHA1) signed request; numbers/booleans are sent as text. */
export async function signedCall(
  sandbox: Pick<Sandbox, 'url' | 'accessKeyId' | 'accessKeySecret'>,
  action: string,
  params: Record<string, string | number | boolean> = {},
  opts: SignedCallOptions = {},
): Promise<SignedCallResult> {
  const method = opts.method ?? 'GET';
  const all: Record<string, string> = {
    AccessKeyId: opts.accessKeyId ?? sandbox.accessKeyId,
    Action: action,
    Format: 'JSON',
    SignatureMethod: 'HMAC-SHA1',
    SignatureNonce: opts.nonce ?? randomUUID(),
    SignatureVersion: '1.0',
    Timestamp: formatTimestamp(opts.timestampMs ?? Date.now()),
    Version: opts.version ?? '2018-01-29',
    ...opts.extra,
  };
  for (const [k, v] of Object.entries(params)) all[k] = String(v);
  all.Signature = signV1(opts.signAs ?? method, all, opts.accessKeySecret ?? sandbox.accessKeySecret);
  Object.assign(all, opts.tamper);
  const encoded = new URLSearchParams(all).toString();
  const res =
    method === 'GET'
      ? await fetch(`${sandbox.url}/?${encoded}`)
      : await fetch(`${sandbox.url}/`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: encoded,
        });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined, headers: res.headers };
}

/** Reads the control surface's state over HTTP (same as sandbox.state(), but through the wire). */
export async function fetchState(sandbox: Pick<Sandbox, 'url'>): Promise<unknown> {
  const res = await fetch(`${sandbox.url}/_sandbox/state`);
  return res.json();
}
