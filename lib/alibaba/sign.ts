import { createHash, createHmac } from 'node:crypto';

/**
 * Alibaba's percent-encoding (RFC 3986 unreserved set kept; space -> %20, `*` -> %2A, upper-case hex).
 * Same as pop-core and @alicloud/openapi-util.
 */
export function percentEncode(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** Sorted `name=value&...` of the encoded parameters (byte order of the encoded names). */
export function canonicalizeQuery(params: Readonly<Record<string, string>>): string {
  return Object.keys(params)
    .map((name) => [percentEncode(name), percentEncode(params[name] ?? '')] as const)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, value]) => `${name}=${value}`)
    .join('&');
}

/** V1 StringToSign: `METHOD&%2F&percentEncode(canonical query)`. `Signature` itself must not be in `params`. */
export function stringToSignV1(method: string, params: Readonly<Record<string, string>>): string {
  return `${method.toUpperCase()}&${percentEncode('/')}&${percentEncode(canonicalizeQuery(params))}`;
}

/** V1 RPC signature: Base64(HMAC-SHA1(secret + "&", StringToSign)). */
export function signV1(method: string, params: Readonly<Record<string, string>>, accessKeySecret: string): string {
  return createHmac('sha1', `${accessKeySecret}&`).update(stringToSignV1(method, params)).digest('base64');
}

/** Hex SHA-256 of a body (the V3 `x-acs-content-sha256`). */
export function sha256Hex(body: string | Uint8Array): string {
  return createHash('sha256').update(body).digest('hex');
}

/** Inputs of a V3 (ACS3-HMAC-SHA256) signature. Header names are matched case-insensitively. */
export interface V3Request {
  method: string;
  path?: string;
  query: Readonly<Record<string, string>>;
  headers: Readonly<Record<string, string>>;
  /** Hex SHA-256 of the body; usually the `x-acs-content-sha256` header. */
  hashedPayload: string;
  /** Lower-case names to sign; default: host, content-type and every x-acs-* header present. */
  signedHeaders?: readonly string[];
}

function canonicalQueryV3(query: Readonly<Record<string, string>>): string {
  return Object.keys(query)
    .sort()
    .map((name) => `${percentEncode(name)}=${percentEncode(query[name] ?? '')}`)
    .join('&');
}

/** The V3 canonical request and the list of signed headers. */
export function canonicalRequestV3(req: V3Request): { canonicalRequest: string; signedHeaders: string } {
  const lower = new Map<string, string>();
  for (const [k, v] of Object.entries(req.headers)) lower.set(k.toLowerCase(), String(v).trim());
  const names = (
    req.signedHeaders
      ? [...req.signedHeaders]
      : [...lower.keys()].filter((n) => n === 'host' || n === 'content-type' || n.startsWith('x-acs-'))
  ).sort();
  const canonicalHeaders = names.map((n) => `${n}:${lower.get(n) ?? ''}\n`).join('');
  const signedHeaders = names.join(';');
  const canonicalRequest = [
    req.method.toUpperCase(),
    req.path ?? '/',
    canonicalQueryV3(req.query),
    canonicalHeaders,
    signedHeaders,
    req.hashedPayload,
  ].join('\n');
  return { canonicalRequest, signedHeaders };
}

/** V3 signature: hex(HMAC-SHA256(secret, "ACS3-HMAC-SHA256\n" + hex(SHA-256(canonical request)))). */
export function signV3(req: V3Request, accessKeySecret: string): { signature: string; signedHeaders: string } {
  const { canonicalRequest, signedHeaders } = canonicalRequestV3(req);
  const stringToSign = `ACS3-HMAC-SHA256\n${sha256Hex(canonicalRequest)}`;
  const signature = createHmac('sha256', accessKeySecret).update(stringToSign).digest('hex');
  return { signature, signedHeaders };
}

/** UTC `YYYY-MM-DDThh:mm:ssZ`, no milliseconds, as the gateway expects. */
export function formatTimestamp(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}
