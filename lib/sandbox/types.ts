/** Public types of the sandbox registrar (see lib/sandbox/index.ts for the entry point). */

/**
 * Fault settings (all optional; see lib/sandbox/README.md "Faults"). `actions` restricts every other key to the
 * listed API Actions (absent or null: all). The four request outcomes (throttle, error, lose, executeThenFail) share
 * one seeded draw per request, so their rates must sum to at most 1.
 */
export interface SandboxFaults {
  /** Delay before every API answer, ms. */
  latencyMs?: number;
  /** Fraction 0-1 of API requests refused with 400 `Throttling.User` (not executed). */
  throttleRate?: number;
  /** Fraction 0-1 of API requests refused with 503 `ServiceUnavailable` (not executed). */
  errorRate?: number;
  /** Fraction 0-1 of API requests executed whose answer is then dropped (socket destroyed). */
  loseRate?: number;
  /** Fraction 0-1 of API requests executed (effects happen, e.g. the task is created) that then answer an error. */
  executeThenFailRate?: number;
  /** Code of that error (default `InternalError.Backend`). */
  executeThenFailCode?: string;
  /** HTTP status of that error, 400-599 (default 400); 5xx only for codes starting InternalError/ServiceUnavailable. */
  executeThenFailStatus?: number;
  /** Simulated ms a new task waits in the queue (WAITING_EXECUTE) before it starts executing (default 0). */
  taskQueueMs?: number;
  /** Simulated ms after its creation before a new task first shows in QueryTaskList (default 0). */
  taskListLagMs?: number;
  /** Extra queue time per new task, seeded uniform 0..taskJitterMs simulated ms: tasks finish out of order. */
  taskJitterMs?: number;
  /** `day`: domain look-ups report the expiry cut down to 00:00:00Z of its UTC day (default `none`). */
  expiryTruncation?: 'none' | 'day';
  /** Fraction 0-1 of QueryDomainList pages that give IDNs in the other form (Unicode <-> punycode). */
  nameFormFlipRate?: number;
  /** Fraction 0-1 of QueryDomainList requests during which a new domain is added (items slide between pages). */
  pageShiftRate?: number;
  /**
   * Actions switched off, each with how it refuses (price and balance sources, for fallbacks): `InvalidAction`
   * (404 InvalidAction.NotFound), `Forbidden` (403 Forbidden.RAM), `SuccessFalse` (HTTP 200 with Success:false).
   * Keyed by Action, so `actions` does not restrict it. Not executed; counted under the Action.
   */
  refusals?: Record<string, SandboxRefusal> | null;
  /** Restrict the faults to these Actions (default, or null: all API actions). */
  actions?: string[] | null;
}

/** How a refused Action answers (see SandboxFaults.refusals). */
export type SandboxRefusal = 'InvalidAction' | 'Forbidden' | 'SuccessFalse';

/** The complete fault settings in force (every key, defaults filled in): echoed by POST /_sandbox/faults. */
export type SandboxFaultSettings = Required<Omit<SandboxFaults, 'actions' | 'refusals'>> & {
  actions: string[] | null;
  refusals: Record<string, SandboxRefusal> | null;
};

export interface SandboxFixtureDomain {
  domainName: string;
  expiresAtMs: number;
  premium?: boolean;
  groupName?: string;
  groupId?: string;
  registeredAtMs?: number;
  instanceId?: string;
  /** Renewal price per year in the account currency (two decimals at most); default from the TLD price list. */
  price?: number;
  /** Alibaba's own auto-renew flag: QueryDomainList answers `AutoRenewEnabled` only when this is set. */
  autoRenewEnabled?: boolean;
}

export interface SandboxFixture {
  domains: SandboxFixtureDomain[];
  balance?: number;
}

/**
 * One extra account of a sandbox (besides the primary one the top-level options describe): its own key pairs,
 * portfolio, balance, currency and tasks; the clock, faults and limits are shared. Requests are routed to it by the
 * AccessKeyId they are signed with.
 */
export interface SandboxAccountOptions {
  /** ^[a-z0-9][a-z0-9-]{0,31}$, unique: `?account=NAME` on the control routes, `sandbox.state(NAME)`. */
  name: string;
  accessKeyId: string;
  accessKeySecret: string;
  /** Default `<accessKeyId>-readonly` / `<accessKeySecret>-readonly`. */
  readOnlyAccessKeyId?: string;
  readOnlyAccessKeySecret?: string;
  domains?: number; // generated portfolio size (default 50)
  seed?: number; // generation seed of this portfolio (default: the sandbox seed + the account's position)
  fixture?: SandboxFixture; // explicit domains instead of generated ones
  balance?: number; // default 1e9 (or fixture.balance)
  currency?: string; // default 'CNY'
}

/** The key pairs of one account, as `sandbox.accounts` lists them (primary first, named ''). */
export interface SandboxAccount {
  name: string;
  accessKeyId: string;
  accessKeySecret: string;
  readOnlyAccessKeyId: string;
  readOnlyAccessKeySecret: string;
}

export interface SandboxOptions {
  port?: number; // default 0
  accessKeyId?: string; // default 'sandbox-access-key-id'
  accessKeySecret?: string; // default 'sandbox-access-key-secret'
  // A second key pair with a read-only RAM policy: lists and queries work, paid actions get 403 Forbidden.RAM.
  readOnlyAccessKeyId?: string; // default 'sandbox-readonly-key-id'
  readOnlyAccessKeySecret?: string; // default 'sandbox-readonly-key-secret'
  domains?: number; // generated portfolio size (default 50)
  seed?: number; // PRNG seed for generation and faults (default 1)
  fixture?: SandboxFixture; // explicit domains instead of generated ones
  nowMs?: number; // initial simulated time (default Date.now()); the sim clock then runs with real time
  // true: the simulated clock stands still and moves only by setClock / POST /_sandbox/clock, so task timing is
  // deterministic however slowly the machine runs (default false: it runs with real time)
  freezeClock?: boolean;
  taskMs?: number; // ms of simulated time a task detail spends in each of waiting and executing (default 60000)
  maxBatch?: number; // max OrderRenewParam entries (default 100)
  maxPageSize?: number; // max PageSize of QueryDomainList/QueryTaskList (default 100); QueryTaskDetailList max 1000
  balance?: number; // account balance in the account currency, two decimals at most, may be negative (default 1e9)
  // ISO 4217 code of the account (default 'CNY'): QueryAccountBalance Data.Currency and the currency of all prices
  currency?: string;
  rejectStaleExpiry?: boolean; // a task whose CurrentExpirationDate != the domain's expiry at execution fails (default true)
  faults?: SandboxFaults;
  // Extra accounts besides the primary one above (see SandboxAccountOptions and README "Several accounts").
  accounts?: SandboxAccountOptions[];
}

export type DetailStatus = 'WAITING_EXECUTE' | 'EXECUTING' | 'EXECUTE_SUCCESS' | 'EXECUTE_FAILURE';

export interface SandboxDomainState {
  domainName: string;
  instanceId: string;
  expiresAtMs: number;
  registeredAtMs: number;
  /** '1' needs renewal (due within 30 days or in grace), '2' redemption, '3' normal — at the sim clock. */
  domainStatus: string;
  premium: boolean;
  groupName?: string;
  groupId?: string;
  price: number;
}

export interface SandboxTaskDetailState {
  taskDetailNo: string;
  domainName: string;
  instanceId: string;
  years: number;
  currentExpirationDate: number;
  permitPremiumRenew: boolean;
  status: DetailStatus;
  statusCode: 0 | 1 | 2 | 3;
  errorMsg: string;
  failReason?: string;
  updatedAtMs: number;
}

export interface SandboxTaskState {
  taskNo: string;
  requestId: string;
  action: string;
  createdAtMs: number;
  /** Sim time its details start executing (after taskMs, taskQueueMs and jitter waiting), epoch ms. */
  startsAtMs: number;
  /** Sim time its details complete and their effects apply, epoch ms. */
  doneAtMs: number;
  /** Sim time it first shows in QueryTaskList (createdAtMs + taskListLagMs), epoch ms. */
  listedAtMs: number;
  couponNo?: string;
  promotionNo?: string;
  details: SandboxTaskDetailState[];
}

/** One accepted renew item, recorded when the submit call is accepted (whether or not its answer is delivered). */
export interface SandboxSubmission {
  domainName: string;
  /** CurrentExpirationDate as sent, epoch ms. */
  currentExpirationDate: number;
  years: number;
  taskNo: string;
  /** Sim time of acceptance, epoch ms. */
  atMs: number;
}

/** One executed renewal (a detail that completed with success). */
export interface SandboxRenewal {
  domainName: string;
  years: number;
  fromExpiryMs: number;
  toExpiryMs: number;
  taskNo: string;
  /** Sim time of execution, epoch ms. */
  atMs: number;
}

/**
 * Request counters: one key per Action (every authenticated API request, including those refused by an injected
 * fault), plus the fixed keys below. Action names never collide with them.
 */
export type SandboxRequestCounts = {
  /** Every API request received (control routes excluded). */
  total: number;
  /** Executed, then the answer was dropped (loseRate). */
  lost: number;
  /** Refused with Throttling.User (throttleRate). */
  throttled: number;
  /** Refused with ServiceUnavailable (errorRate). */
  errored: number;
  /** Refused by the key, signature, timestamp or nonce checks. */
  authFailed: number;
  /** Executed, then answered with the executeThenFail error. */
  executeThenFailed: number;
} & Record<string, number>;

export interface SandboxFaultRecord {
  kind: 'latency' | 'throttle' | 'error' | 'lose' | 'executeThenFail' | 'pageShift' | 'nameFlip';
  action: string;
  /** Sim time, epoch ms. */
  atMs: number;
}

export interface SandboxState {
  nowMs: number;
  /** Account balance in `currency` (exact to the cent: kept in hundredths internally). */
  balance: number;
  currency: string;
  domains: SandboxDomainState[];
  tasks: SandboxTaskState[];
  submissions: SandboxSubmission[];
  renewals: SandboxRenewal[];
  requests: SandboxRequestCounts;
  faultsInjected: SandboxFaultRecord[];
  faults: SandboxFaultSettings;
}

export interface Sandbox {
  url: string;
  port: number;
  accessKeyId: string;
  accessKeySecret: string;
  /** The read-only key pair: refused (403 Forbidden.RAM) for SaveBatch/SaveSingleTaskForCreatingOrderRenew. */
  readOnlyAccessKeyId: string;
  readOnlyAccessKeySecret: string;
  now(): number; // simulated time, epoch ms
  setClock(c: { nowMs?: number; advanceMs?: number }): void;
  /** Replaces the fault settings (throws InputError for an unknown key or a bad value); returns them complete. */
  setFaults(f: SandboxFaults): SandboxFaultSettings;
  /** Every account's key pairs: the primary first (name ''), then `options.accounts` in order. */
  accounts: SandboxAccount[];
  /**
   * JSON-serialisable snapshot (also GET /_sandbox/state[?account=NAME]) of the primary account, or of the account
   * named `account` (throws InputError for an unknown name). Request counters and faults are sandbox-wide.
   */
  state(account?: string): SandboxState;
  /** Sets (`set`) or tops up (`add`) an account's balance like POST /_sandbox/balance; returns the new balance. */
  setBalance(change: { set?: number; add?: number }, account?: string): number;
  close(): Promise<void>; // stops listening, destroys open sockets
}
