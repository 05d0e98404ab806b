import type { Billing } from '../billing/port';
import { InputError, RejectedFinalError } from '../errors';
import { createHttpPost } from '../http-post';
import { redact } from '../redact';
import { parseAccountBalance } from './balance-shapes';
import { createCaller } from './call';
import type { AlibabaClientOptions } from './client';
import { registrarText } from './errors';
import { BSS_API_VERSION } from './params';
import { createRateLimiter } from './rate-limit';

/** BSS OpenAPI endpoint of the China site. */
export const DEFAULT_BSS_ENDPOINT = 'https://business.aliyuncs.com';
/** BSS OpenAPI endpoint of the international site (the account's site decides; UNCONFIRMED which one must be used). */
export const INTL_BSS_ENDPOINT = 'https://business.ap-southeast-1.aliyuncs.com';

/** The domain client's transport options (same credentials, budget, retries and hooks), with the BSS endpoint. */
export type AlibabaBillingOptions = Pick<
  AlibabaClientOptions,
  'credentials' | 'timeoutMs' | 'qps' | 'maxAttempts' | 'post' | 'sleep' | 'random' | 'now' | 'onCall'
> & {
  /** Default {@link DEFAULT_BSS_ENDPOINT}. */
  endpoint?: string;
};

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
    post: options.post ?? createHttpPost().post,
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
