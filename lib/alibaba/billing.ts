import type { Billing } from '../billing/port';
import { InputError, RejectedFinalError } from '../errors';
import { redact } from '../redact';
import type { CredentialsProvider } from '../registrar';
import { parseAccountBalance } from './balance-shapes';
import { type CallEvent, createCaller } from './call';
import { registrarText } from './errors';
import { BSS_API_VERSION } from './params';
import { createRateLimiter } from './rate-limit';

/** BSS OpenAPI endpoint of the China site. */
export const DEFAULT_BSS_ENDPOINT = 'https://business.aliyuncs.com';
/** BSS OpenAPI endpoint of the international site (the account's site decides; UNCONFIRMED which one must be used). */
export const INTL_BSS_ENDPOINT = 'https://business.ap-southeast-1.aliyuncs.com';

export interface AlibabaBillingOptions {
  /** Default {@link DEFAULT_BSS_ENDPOINT}. */
  endpoint?: string;
  credentials: CredentialsProvider;
  /** Per request (send + whole answer), ms. Default 10000. */
  timeoutMs?: number;
  /** Client-side call budget, calls per second. Default 10. */
  qps?: number;
  /** Attempts per call including the first. Default 5. */
  maxAttempts?: number;
  fetch?: typeof fetch;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  /** Epoch ms. */
  now?: () => number;
  /** Metrics/logging hook, called once per attempt; never receives credentials. */
  onCall?: (e: CallEvent) => void;
}

function positiveInt(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) {
    throw new InputError(`Alibaba billing option ${name} must be a positive integer, got ${value}.`);
  }
  return value;
}

/**
 * The Billing port over BSS OpenAPI `QueryAccountBalance` (version 2017-12-14): the same V1 signing, transport,
 * retries and error classes as the Domain client (lib/alibaba/call.ts). Read-only: it cannot charge anything.
 * Creates no connection until `readBalance` is called.
 */
export function createAlibabaBilling(options: AlibabaBillingOptions): Billing {
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const qps = options.qps ?? 10;
  if (!(qps > 0)) throw new InputError(`Alibaba billing option qps must be a positive number, got ${qps}.`);
  const caller = createCaller({
    endpoint: options.endpoint ?? DEFAULT_BSS_ENDPOINT,
    version: BSS_API_VERSION,
    endpointSetting: 'AUTORENEW_BSS_ENDPOINT',
    credentials: options.credentials,
    timeoutMs: positiveInt('timeoutMs', options.timeoutMs ?? 10_000),
    maxAttempts: positiveInt('maxAttempts', options.maxAttempts ?? 5),
    limiter: createRateLimiter(qps, now, sleep),
    fetch: options.fetch ?? globalThis.fetch,
    sleep,
    random: options.random ?? Math.random,
    now,
    ...(options.onCall ? { onCall: options.onCall } : {}),
  });

  return {
    async readBalance() {
      const action = 'QueryAccountBalance';
      let requestId: string | undefined;
      const answer = await caller.call({
        action,
        params: {},
        parse: (body) => {
          requestId = typeof body.RequestId === 'string' ? body.RequestId : undefined;
          return parseAccountBalance(body);
        },
        paid: false,
      });
      if ('refused' in answer) {
        // An HTTP 200 that says it did not run: refused, nothing to retry unchanged.
        const message = registrarText(redact(answer.refused.message), 300);
        throw new RejectedFinalError(
          `${action} failed: ${answer.refused.code}: ${message.replace(/\.?$/, '.')} The balance could not be read: check the RAM permission (bss:DescribeAcccount or bssapi:QueryAccountBalance) and the BSS endpoint (AUTORENEW_BSS_ENDPOINT).`,
          { action, code: answer.refused.code, ...(requestId ? { requestId } : {}) },
        );
      }
      return { ...answer, ...(requestId ? { requestId } : {}) };
    },
  };
}
