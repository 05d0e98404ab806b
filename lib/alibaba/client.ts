import { AmbiguousOutcomeError, AuthRejectedError, InputError, RegistrarError } from '../errors';
import { createHttpPost, type HttpPost } from '../http-post';
import { normalizeDomain } from '../registrar/domain-name';
import type { CredentialsProvider, Registrar, RenewBatchRequest } from '../registrar/port';
import { computeBackoffMs, DEFAULT_BACKOFF } from './backoff';
import { type CallEvent, createCaller } from './call';
import { fetchAllPages, InconsistentListingError } from './paginate';
import {
  buildListQueryParams,
  buildPageParams,
  buildRenewParams,
  buildTaskRangeParams,
  type WireParams,
} from './params';
import { DEFAULT_QUOTE_CHUNK } from './quote-chunk';
import type { quoteRenewals } from './quotes';
import { createRateLimiter } from './rate-limit';
import {
  DEFAULT_DISPLAY_TZ_OFFSET_MINUTES,
  type Page,
  parseDetailPage,
  parseDomainInfo,
  parseDomainPage,
  parseSubmit,
  parseTaskPage,
  ShapeError,
} from './shapes';
import { type Dialect, dialectOf, SITE_PROFILES } from './sites';

export interface AlibabaClientOptions {
  /** Default 'https://domain.aliyuncs.com'. */
  endpoint?: string;
  /** Domain API version sent as `Version` (sites.ts DIALECTS); default 2018-01-29. Picks the fields used. */
  apiVersion?: string;
  /** On an auth rejection `refresh()` is called once and the request resent once. */
  credentials: CredentialsProvider;
  /** Per request (send + whole answer), ms. Default 10000. */
  timeoutMs?: number;
  /** Sent as Lang (language of registrar error messages). Default 'en'. */
  lang?: 'en' | 'zh';
  /** Sent as UserClientIp when set. */
  userClientIp?: string;
  /** QueryDomainList / QueryTaskList page size. Default 100 (the registrar's maximum is UNCONFIRMED). */
  pageSize?: number;
  /** QueryTaskDetailList page size. Default 1000 (the documented maximum). */
  detailPageSize?: number;
  /** Domains per QueryDomainRealTimePrice request (quoteRenewals). Default 20 (the API's limit is undocumented). */
  quoteChunkSize?: number;
  /** Pages after the first fetched concurrently. Default 4. */
  listConcurrency?: number;
  /** Client-side call budget, calls per second, shared by all calls of this registrar. Default 10. */
  qps?: number;
  /** Attempts per call including the first. Default 5. */
  maxAttempts?: number;
  /** The HTTP exchange; default Node's HTTP client with keep-alive (lib/http-post.ts). Tests inject their own. */
  post?: HttpPost;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  /** Epoch ms; used for request timestamps, rate limiting and durations. */
  now?: () => number;
  /** Metrics/logging hook, called once per attempt; never receives credentials. */
  onCall?: (e: CallEvent) => void;
  /**
   * Zone of the registrar's display times (task CreateTime), minutes east of UTC. Default 480 (UTC+8, inferred from
   * the API's examples; UNCONFIRMED). Only adoption uses it: a wrong value can delay settling, never cause a release.
   */
  displayTimeZoneOffsetMinutes?: number;
}

/** Whole-listing passes when pages disagree (the account changed while paging). */
const LISTING_PASSES = 3;
/**
 * The largest page read to settle pages that overlap: QueryTaskDetailList's documented maximum PageSize, and
 * AUTORENEW_PAGE_SIZE's bound (QueryDomainList's and QueryTaskList's maxima are UNCONFIRMED; a page size refused or
 * capped fails the read as before).
 */
const SINGLE_PAGE_MAX = 1000;

function requirePositiveInt(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) {
    throw new InputError(`Alibaba client option ${name} must be a positive integer, got ${value}.`);
  }
  return value;
}

function defaultSleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Rejects a malformed renew batch before anything is sent (M5: bad input buys nothing). */
function validateRenewRequest(request: RenewBatchRequest, dialect: Dialect): void {
  const action = 'SaveBatchTaskForCreatingOrderRenew';
  if (request.items.length === 0) throw new InputError(`${action}: the batch is empty; nothing was sent.`, { action });
  const names = new Set<string>();
  for (const [i, item] of request.items.entries()) {
    const where = `${action}: item ${i + 1} (${item.domainName || 'no name'})`;
    const context = { action, domain: item.domainName };
    if (!item.domainName) throw new InputError(`${where} has no domain name; nothing was sent.`, context);
    if (!Number.isInteger(item.years) || item.years < 1 || item.years > 10) {
      throw new InputError(`${where}: years must be an integer 1-10, got ${item.years}; nothing was sent.`, context);
    }
    if (!Number.isSafeInteger(item.currentExpiryMs) || item.currentExpiryMs <= 0) {
      throw new InputError(
        `${where}: currentExpiryMs must be epoch ms, got ${item.currentExpiryMs}; nothing was sent.`,
        context,
      );
    }
    if (item.permitPremium && !dialect.permitPremiumRenew) {
      // What the registrar does with a premium renewal it was not told to permit is UNCONFIRMED on this version:
      // a permit we cannot send is refused rather than dropped.
      throw new InputError(
        `${where}: a premium renewal (the policy's limits.allowPremium), but Domain API ${dialect.version} has no PermitPremiumRenew; nothing was sent. Renew it by hand in the console, or set AUTORENEW_API_VERSION=2018-01-29 if the endpoint serves it.`,
        context,
      );
    }
    // Callers send names as the port gave them; any other spelling of one domain is still the same domain.
    const key = normalizeDomain(item.domainName);
    if (names.has(key)) throw new InputError(`${where} appears twice in one batch; nothing was sent.`, context);
    names.add(key);
  }
}

/** A Domain-intl listing page: its rows have no group field, so a domain's group is unstated unless a row says it. */
function parseGrouplessDomainPage(body: unknown): ReturnType<typeof parseDomainPage> {
  const page = parseDomainPage(body);
  return {
    ...page,
    items: page.items.map((d) => (d.groupName === undefined ? { ...d, groupUnstated: true as const } : d)),
  };
}

/**
 * The Registrar port over the Alibaba Domain API (V1 RPC, HMAC-SHA1, POST form bodies): typed operations, strict
 * response checks, a shared QPS budget, timeouts, and retries that never resend a paid call whose outcome is unknown.
 */

/**
 * The registrar adapter. Without `priced` it has no `quoteRenewals`: the check job, which never asks for a price, is
 * built so and does not load the price code (lib/alibaba/registrar.ts adds it).
 */
export function createAlibabaClient(
  options: AlibabaClientOptions,
  priced?: { quoteRenewals: typeof quoteRenewals },
): Registrar {
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? defaultSleep;
  const random = options.random ?? Math.random;
  const pageSize = requirePositiveInt('pageSize', options.pageSize ?? 100);
  const detailPageSize = requirePositiveInt('detailPageSize', options.detailPageSize ?? 1000);
  const concurrency = requirePositiveInt('listConcurrency', options.listConcurrency ?? 4);
  const quoteChunkSize = requirePositiveInt('quoteChunkSize', options.quoteChunkSize ?? DEFAULT_QUOTE_CHUNK);
  const maxAttempts = requirePositiveInt('maxAttempts', options.maxAttempts ?? 5);
  const timeoutMs = requirePositiveInt('timeoutMs', options.timeoutMs ?? 10_000);
  const qps = options.qps ?? 10;
  const displayOffset = options.displayTimeZoneOffsetMinutes ?? DEFAULT_DISPLAY_TZ_OFFSET_MINUTES;
  if (!(qps > 0)) throw new InputError(`Alibaba client option qps must be a positive number, got ${qps}.`);

  const dialect = dialectOf(options.apiVersion ?? SITE_PROFILES.cn.apiVersion, 'Alibaba client option apiVersion');
  const caller = createCaller({
    endpoint: options.endpoint ?? SITE_PROFILES.cn.endpoint,
    version: dialect.version,
    credentials: options.credentials,
    timeoutMs,
    caller: { lang: options.lang ?? 'en', ...(options.userClientIp ? { userClientIp: options.userClientIp } : {}) },
    maxAttempts,
    limiter: createRateLimiter(qps, now, sleep),
    post: options.post ?? createHttpPost().post,
    sleep,
    random,
    now,
    ...(options.onCall ? { onCall: options.onCall } : {}),
  });

  /** Reads all pages; restarts the whole listing when pages disagree, then gives up as ambiguous. */
  async function listAll<T>(
    action: string,
    params: (pageNum: number, size: number) => WireParams,
    size: number,
    parse: (body: unknown) => Page<T>,
    keyOf: (item: T) => string,
    context: { taskNo?: string } = {},
    onPage?: (items: readonly T[]) => void,
  ): Promise<T[]> {
    const read = (pageSize: number, inFlight: number) =>
      fetchAllPages(
        (pageNum) => caller.call({ action, params: params(pageNum, pageSize), parse, paid: false, context }),
        inFlight,
        keyOf,
        onPage,
      );
    for (let pass = 1; ; pass++) {
      try {
        return await read(size, concurrency);
      } catch (error) {
        if (!(error instanceof InconsistentListingError)) throw error;
        if (pass < LISTING_PASSES) {
          await sleep(computeBackoffMs(pass, random, undefined));
          continue;
        }
        // Pages that keep their totals and still overlap: rows tied on the sort key (one expiry, one creation second)
        // ordered differently per offset, every pass alike. One page holding every row cannot overlap (review
        // 2026-12-07, twenty-seventh session: such an account bought nothing, every run).
        const whole = error.overlapOf;
        let onePage = '';
        if (whole !== undefined && whole > size && whole <= SINGLE_PAGE_MAX) {
          try {
            return await read(whole, 1);
          } catch (again) {
            // A refused key is that refusal, with its own advice, not a paging failure.
            if (again instanceof AuthRejectedError) throw again;
            if (!(again instanceof InconsistentListingError) && !(again instanceof RegistrarError)) throw again;
            onePage = ` and once as one page of ${whole} (${(again as Error).message})`;
          }
        }
        // The advice fits the failure: page size for pages that overlap; otherwise the answers themselves disagree.
        const advice =
          whole !== undefined
            ? `the data changed while paging, or the registrar pages it differently each time: if this repeats every run, set AUTORENEW_PAGE_SIZE (1-${SINGLE_PAGE_MAX}) so that the listing fits on fewer pages`
            : "the data changed while paging, or the registrar's totals and pages disagree: if this repeats every run, report it with the run's log (nothing is bought on a listing that does not add up)";
        throw new AmbiguousOutcomeError(
          `${action} failed: the pages did not add up (${error.message}). Tried ${pass} times${onePage}; ${advice}.`,
          { ...context, action },
        );
      }
    }
  }

  return {
    // Paid calls are retried only on proven refusals: each attempt can take the timeout plus the longest wait.
    worstCaseCallMs:
      maxAttempts * timeoutMs + (maxAttempts - 1) * Math.max(DEFAULT_BACKOFF.capMs, DEFAULT_BACKOFF.maxRetryAfterMs),

    async listDomains(query) {
      const filter = buildListQueryParams(query);
      // parseDomainPage normalises the names (lower case, IDNs as punycode), so a listing whose pages switch between
      // Unicode and punycode keys one domain once here and can never make two claims for it downstream.
      return await listAll(
        'QueryDomainList',
        (pageNum, size) => ({ ...filter, ...buildPageParams(pageNum, size) }),
        pageSize,
        dialect.listsGroups ? parseDomainPage : parseGrouplessDomainPage,
        (d) => d.domainName,
        {},
        query.onPage,
      );
    },

    getDomain(domainName) {
      const asked = normalizeDomain(domainName);
      return caller.call({
        action: 'QueryDomainByDomainName',
        params: { DomainName: domainName },
        // Another domain's expiry, read as this one's, could confirm a renewal that never happened (review 2026-12-05).
        parse: (body) => {
          const info = parseDomainInfo(body);
          if (info.domainName !== asked)
            throw new ShapeError(`DomainName: answered for ${info.domainName}, not ${asked}`);
          return info;
        },
        paid: false,
        context: { domain: domainName },
      });
    },

    async submitRenewBatch(request) {
      validateRenewRequest(request, dialect);
      return caller.call({
        action: 'SaveBatchTaskForCreatingOrderRenew',
        params: buildRenewParams(request, dialect),
        parse: parseSubmit,
        paid: true,
      });
    },

    listTasks(range) {
      const filter = buildTaskRangeParams(range);
      return listAll(
        'QueryTaskList',
        (pageNum, size) => ({ ...filter, ...buildPageParams(pageNum, size) }),
        pageSize,
        (body) => parseTaskPage(body, displayOffset),
        (t) => t.taskNo,
      );
    },

    listTaskDetails(taskNo) {
      return listAll(
        'QueryTaskDetailList',
        (pageNum, size) => ({ TaskNo: taskNo, ...buildPageParams(pageNum, size) }),
        detailPageSize,
        (body) => {
          const page = parseDetailPage(body, displayOffset);
          // Read as this task's, another task's row (a failure, say) would decide for ours (review 2026-12-04).
          const stray = page.items.find((d) => d.taskNo !== taskNo);
          if (stray)
            throw new ShapeError(`Data.TaskDetail: a row of task ${stray.taskNo} in the answer for task ${taskNo}`);
          return page;
        },
        (d) => d.taskDetailNo,
        { taskNo },
      );
    },

    // Without prices the method is absent (optional on the port): a caller that needs prices sees none to ask.
    ...(priced
      ? {
          quoteRenewals(
            items: Parameters<NonNullable<Registrar['quoteRenewals']>>[0],
            currency: string,
            options?: Parameters<NonNullable<Registrar['quoteRenewals']>>[2],
          ) {
            return priced.quoteRenewals(caller, items, currency, {
              chunkSize: quoteChunkSize,
              realTimePrice: dialect.realTimePrice,
              ...(options?.useCheckDomainPrice ? { useCheckDomainPrice: true } : {}),
            });
          },
        }
      : {}),
  };
}
