import type { Money } from '../money';

/**
 * The registrar port: what the jobs need from the Alibaba Domain API, in our own terms.
 * The Alibaba adapter (lib/alibaba/) implements it over HTTP and maps the registrar's status codes and task types
 * into this vocabulary; tests run it against the sandbox and an in-memory fake (test/helpers/memory-registrar.ts).
 * All times are epoch milliseconds (UTC).
 *
 * Every domain name the port returns is normalised (lower case, IDNs as punycode; see ./domain-name.ts), so the
 * jobs compare, key and claim names as given. Two spellings of one domain must never reach the ledger as two keys:
 * that would be two claims, and two purchases.
 */

/** Where a domain stands in its life cycle, in our terms. */
export type DomainStanding =
  /** Registered, not yet in the renewal window. */
  | 'normal'
  /** In the renewal window or its grace period: renewable at the renewal price. */
  | 'renewal-due'
  /** In redemption: a renewal order cannot restore it (redemption is a separate, dearer order). */
  | 'redemption'
  /** Any state the registrar reports that we do not know. */
  | 'other';

/** What a registrar task does: a renewal order, or anything else (transfers, contact changes, …). */
export type TaskKind = 'renewal' | 'other';

/** A domain as listed by QueryDomainList. */
export interface ListedDomain {
  /** Normalised: lower case, IDNs as punycode (however the registrar spelt it). */
  domainName: string;
  instanceId: string;
  /** ExpirationDateLong: the value to send as CurrentExpirationDate. */
  expiresAtMs: number;
  standing: DomainStanding;
  premium: boolean;
  /**
   * The answer did not say (no `Premium` field, which both API versions document): `premium` reads false, but the
   * name is never priced from `money.priceTable` nor bought unpriced, as if it were premium.
   */
  premiumUnstated?: true;
  groupId?: string;
  groupName?: string;
  /**
   * The listing cannot say the domain's group (Domain-intl's has no group field): a `groups` rule can be neither
   * matched nor ruled out, so one that comes before any rule naming the domain leaves it unbought (`group-unknown`).
   */
  groupUnstated?: true;
  domainType?: string;
  /** DomainAuditStatus (real-name verification): FAILED, SUCCEED, NONAUDIT, AUDITING. */
  auditStatus?: string;
  /**
   * AutoRenewEnabled (2018-01-29 listing only): Alibaba's own server-side auto-renew is on, so Alibaba may buy the
   * renewal too. Its exact meaning is UNCONFIRMED; absent when the registrar does not say.
   */
  autoRenewEnabled?: boolean;
  /**
   * Its listing row has a readable name and expiry but another field this tool cannot read (the fields' paths and
   * messages, never their values): `standing` reads `other`, and the planner never buys it (`unreadable-row`).
   */
  unreadable?: string;
}

/** One domain of a renewal batch. */
export interface RenewItem {
  domainName: string;
  /** SubscriptionDuration, 1-10 years. */
  years: number;
  /** CurrentExpirationDate: the expiry we saw when we decided. */
  currentExpiryMs: number;
  permitPremium: boolean;
}

/** SaveBatchTaskForCreatingOrderRenew input. Coupon and promotion apply to the whole batch. */
export interface RenewBatchRequest {
  items: readonly RenewItem[];
  couponNo?: string;
  promotionNo?: string;
}

export interface SubmitResult {
  taskNo: string;
  requestId: string;
}

/**
 * `unknown`: a TaskStatusCode outside the documented 0-3. Held as a row that may still run wherever a row holds
 * (someone else's task, close-batch); check reads our own task's such row as no row (review 2026-12-07).
 */
export type TaskDetailState = 'waiting' | 'executing' | 'success' | 'failure' | 'unknown';

/** One domain's result inside a task (QueryTaskDetailList). */
export interface TaskDetail {
  taskNo: string;
  taskDetailNo: string;
  /** Normalised: lower case, IDNs as punycode. */
  domainName: string;
  state: TaskDetailState;
  /** `unknown` state: the TaskStatusCode read. */
  statusCode?: number;
  /** ErrorMsg (also set on success: "The operation is successful."). */
  errorMsg?: string;
  failReason?: string;
  tryCount?: number;
  /**
   * UpdateTime (its last execution) read as epoch ms in the adapter's display zone (UNCONFIRMED, as createdAtMs);
   * absent when it does not parse. Used only to tell a renewal that just ran elsewhere (foreign-tasks.ts).
   */
  updatedAtMs?: number;
}

/** One task of the account (QueryTaskList). */
export interface TaskInfo {
  taskNo: string;
  kind: TaskKind;
  taskNum: number;
  /** Every detail has executed (succeeded or failed); false while any still waits or executes. */
  finished: boolean;
  /** Its cancel has completed (TaskCancelStatus COMPLETE): no row of it runs any more, whatever the row says. */
  cancelled?: true;
  /** Display string as sent by the registrar. */
  createTime: string;
  /**
   * createTime read as epoch ms in the adapter's configured time zone (default UTC+8, inferred, UNCONFIRMED);
   * absent when it does not parse. Used to keep adoption from taking a task older than the submit (a wrong zone can
   * stop an adoption, the batch then waits and alerts, never cause a release), and as the fallback time of a
   * detail without UpdateTime when telling a renewal that just ran elsewhere (foreign-tasks.ts).
   */
  createdAtMs?: number;
}

/** QueryDomainByDomainName, the fields we use. */
export interface DomainInfo {
  /** Normalised: lower case, IDNs as punycode. */
  domainName: string;
  expiresAtMs: number;
  /** Absent when the registrar's answer does not say (the intl API version's look-up has no status). */
  standing?: DomainStanding;
  premium: boolean;
  /** As {@link ListedDomain.premiumUnstated}. */
  premiumUnstated?: true;
}

/** Expiry range for listing, epoch ms, both inclusive. */
export interface ListQuery {
  expiringFromMs?: number;
  expiringToMs?: number;
  /**
   * Called with each page's domains as it arrives, before the listing as a whole is checked (its totals may still
   * fail it): for work on single domains that need not wait for the last page, such as reading back a renewed
   * expiry. An adapter without pages calls it once with everything.
   */
  onPage?: (domains: readonly ListedDomain[]) => void;
}

/** Where a renewal price came from: the registrar's real-time price, CheckDomain's renew fee, or the policy table. */
export type QuoteSource = 'realtime' | 'checkdomain' | 'table';

/** One domain to price. Prices are always asked for ONE year and multiplied by the years bought (see Quote). */
export interface QuoteRequest {
  domainName: string;
  premium: boolean;
}

/**
 * A one-year renewal price. The registrar's docs do not say whether a price for Period N is per year or for the
 * whole period (UNCONFIRMED), so the port asks for Period 1 only: the same number either way.
 */
export interface Quote {
  /** Normalised: lower case, IDNs as punycode. */
  domainName: string;
  perYear: Money;
  source: Exclude<QuoteSource, 'table'>;
  /** The price answer said the name is premium (whatever the listing said). */
  premium?: true;
}

export interface QuoteAnswer {
  quotes: Quote[];
  /** Domains the registrar answered for but did not price (e.g. `Avail` not 1), with its words. */
  unpriced: {
    /** Normalised. */ domainName: string;
    why: string;
    /** An answer called it premium, without a usable price. */
    premium?: true;
    /**
     * An answer stated a price that cannot be used (one name priced twice, differently; an amount that does not read
     * exactly or is not positive): never replaced by the policy table's, which could be far below it.
     */
    suspect?: true;
  }[];
  /**
   * The first answer that priced a name in another currency than the one asked for, whatever a later source said:
   * the account's currency is not the policy's, so every amount of the policy is in the wrong unit (collectPrices
   * stops the run before anything is bought).
   */
  foreignCurrency?: { domainName: string; currency: string };
  /**
   * Sources found missing or refused during this call (InvalidAction, Forbidden*, …): skipped for the rest of the
   * call, so a refusal costs one request per run, not one per domain.
   */
  unavailable: { source: Exclude<QuoteSource, 'table'>; code: string; message: string }[];
}

export interface Registrar {
  /** Worst-case duration of one paid call with every retry, timeout and backoff, ms (sizes the run's time margin). */
  readonly worstCaseCallMs?: number;
  /** Every domain of the account matching the query, all pages. */
  listDomains(query: ListQuery): Promise<ListedDomain[]>;
  getDomain(domainName: string): Promise<DomainInfo>;
  /** The paid call. Throws AmbiguousOutcomeError when it may have executed. */
  submitRenewBatch(request: RenewBatchRequest): Promise<SubmitResult>;
  /** Tasks created in [fromMs, toMs] (day granularity on the registrar side), all pages. */
  listTasks(range: { fromMs: number; toMs: number }): Promise<TaskInfo[]>;
  /** All details of one task, all pages. */
  listTaskDetails(taskNo: string): Promise<TaskDetail[]>;
  /**
   * Free: one-year renewal prices in `currency`, trying the registrar's sources in order (QueryDomainRealTimePrice,
   * then CheckDomain). Absent when the registrar offers no prices (the policy's table is then the only source).
   */
  quoteRenewals?(items: readonly QuoteRequest[], currency: string, options?: QuoteOptions): Promise<QuoteAnswer>;
}

/** How quotes are read (policy `money`). */
export interface QuoteOptions {
  /** Read CheckDomain's `Price` (documented as a premium registration price) as a renewal price. Default false. */
  useCheckDomainPrice?: boolean;
}

/** Alibaba AccessKey credentials. Never log, print or store any field of this. */
export interface Credentials {
  accessKeyId: string;
  accessKeySecret: string;
  securityToken?: string;
}

/** Supplies credentials; `refresh` re-reads them once after an authentication error (e.g. a rotated secret). */
export interface CredentialsProvider {
  get(): Promise<Credentials>;
  refresh(): Promise<Credentials>;
}
