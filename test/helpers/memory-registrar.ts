import { randomUUID } from 'node:crypto';
import { standingOf } from '../../lib/alibaba/vocabulary';
import type { Clock } from '../../lib/clock';
import { RejectedFinalError } from '../../lib/errors';
import { normalizeDomain } from '../../lib/registrar/domain-name';
import type {
  DomainInfo,
  DomainStanding,
  ListedDomain,
  ListQuery,
  QuoteAnswer,
  Registrar,
  RenewBatchRequest,
  SubmitResult,
  TaskDetail,
  TaskInfo,
} from '../../lib/registrar/port';
import { addYearsUtc } from '../../lib/renewal/dates';
import { formatDisplayDate } from '../../lib/sandbox/dates';
import { domainStatusOf } from '../../lib/sandbox/model';
import { domainKey, priceOf } from '../../lib/sandbox/tld';

/**
 * An in-memory fake of the Registrar port for fast job-level tests: a portfolio, a submit that creates a task, and
 * tasks that settle on the injected clock (each detail waits `taskMs`, executes for `taskMs`, then succeeds or fails,
 * as the sandbox does). It speaks the port's vocabulary directly (standings, task kinds, and names normalised as the
 * port promises, however a test spells them): no HTTP, signing, paging or retries; those are
 * the Alibaba adapter's and are tested against the sandbox.
 */

export interface FakeDomain {
  domainName: string;
  expiresAtMs: number;
  premium?: boolean;
  /** Overrides the standing computed from the expiry (e.g. 'redemption'). */
  standing?: DomainStanding;
  /** One-year price in minor units of the registrar's currency; default the sandbox's TLD list price. */
  priceMinor?: number;
  /** Alibaba's own auto-renew is on (AutoRenewEnabled). */
  autoRenewEnabled?: boolean;
}

export type RegistrarOperation =
  | 'listDomains'
  | 'getDomain'
  | 'submitRenewBatch'
  | 'listTasks'
  | 'listTaskDetails'
  | 'quoteRenewals';

export interface FakeTask {
  taskNo: string;
  requestId: string;
  createdAtMs: number;
  /** From when listTasks shows it (createdAtMs plus any list lag). */
  listedAtMs: number;
  /** When its details start executing (createdAtMs + queue delay + taskMs) and when they complete (+ taskMs). */
  startsAtMs: number;
  doneAtMs: number;
  request: RenewBatchRequest;
  /** Per domain: the outcome once the detail has executed. */
  outcomes: Map<string, { ok: boolean; message: string }>;
}

export interface MemoryRegistrarOptions {
  clock: Clock;
  domains?: readonly FakeDomain[];
  /** Simulated ms a detail waits, and then executes (default 60 s each). */
  taskMs?: number;
  /** The registrar refuses a detail whose CurrentExpirationDate is not the domain's expiry (default true). */
  rejectStaleExpiry?: boolean;
  /** The account's currency (quotes are only given in it). Default CNY. */
  currency?: string;
}

export interface FaultHooks {
  /** Called before each operation; throw to fail it with nothing done (e.g. a RejectedRetryableError). */
  before?: (operation: RegistrarOperation, arg: unknown) => void;
  /** Called after a submit created its task; throw (e.g. AmbiguousOutcomeError) for an answer lost on the way. */
  afterSubmit?: (result: SubmitResult) => void;
  /** A failure reason for a domain's detail, or undefined to let it execute normally. */
  failDomain?: (domainName: string) => string | undefined;
  /** Simulated ms a new task stays out of listTasks (the registrar's list lag; default 0). */
  listLagMs?: () => number;
  /** Extra simulated ms a new task waits in the registrar's queue before it executes (default 0). */
  queueMs?: () => number;
  /** Simulated ms the listing and look-ups keep showing the old expiry after a renewal executed (default 0). */
  expiryLagMs?: () => number;
  /** Both registrar price sources refuse (as for a key without the permission): every domain is unpriced. */
  quotesRefused?: boolean;
  /** Every price answer has no usable price (Avail 0), and says Premium as the domain is. */
  quotesUnusable?: boolean;
}

export interface MemoryRegistrar extends Registrar {
  /** By domainKey (lower-case ASCII form); change a domain's fields (even its spelling) to change what is listed. */
  readonly domains: Map<string, FakeDomain>;
  readonly tasks: FakeTask[];
  /** Calls made, per operation. */
  readonly calls: Record<RegistrarOperation, number>;
  faults: FaultHooks;
  /** Every domain sent in a submit, in order: the M1 check (each (domain, expiry) at most once). */
  submissions(): { domainName: string; currentExpiryMs: number; years: number; taskNo: string }[];
}

const SUCCESS = 'The operation is successful.';
/** The registrar's own name equivalence (as the sandbox's): case and IDN form (Unicode or punycode) do not matter. */
const key = domainKey;

export function createMemoryRegistrar(options: MemoryRegistrarOptions): MemoryRegistrar {
  const { clock } = options;
  const taskMs = options.taskMs ?? 60_000;
  const rejectStale = options.rejectStaleExpiry ?? true;
  const domains = new Map((options.domains ?? []).map((d) => [key(d.domainName), { ...d }]));
  const tasks: FakeTask[] = [];
  const calls: Record<RegistrarOperation, number> = {
    listDomains: 0,
    getDomain: 0,
    submitRenewBatch: 0,
    listTasks: 0,
    listTaskDetails: 0,
    quoteRenewals: 0,
  };
  const currency = options.currency ?? 'CNY';

  function enter(operation: RegistrarOperation, arg: unknown): void {
    calls[operation] += 1;
    registrar.faults.before?.(operation, arg);
  }

  /** Expiries still shown after a renewal moved them (faults.expiryLagMs): by domain key. */
  const shownBefore = new Map<string, { expiresAtMs: number; untilMs: number }>();

  function execute(task: FakeTask, item: RenewBatchRequest['items'][number]): { ok: boolean; message: string } {
    const injected = registrar.faults.failDomain?.(item.domainName);
    if (injected) return { ok: false, message: injected };
    const domain = domains.get(key(item.domainName));
    if (!domain) return { ok: false, message: 'The domain name does not exist.' };
    if (standing(domain, task.doneAtMs) === 'redemption') {
      return { ok: false, message: 'The domain name is in redemption and cannot be renewed.' };
    }
    if (domain.premium && !item.permitPremium)
      return { ok: false, message: 'Premium domain renewal is not permitted.' };
    if (rejectStale && item.currentExpiryMs !== domain.expiresAtMs) {
      return { ok: false, message: 'The current expiration date does not match.' };
    }
    const lag = registrar.faults.expiryLagMs?.() ?? 0;
    if (lag > 0)
      shownBefore.set(key(item.domainName), { expiresAtMs: domain.expiresAtMs, untilMs: task.doneAtMs + lag });
    domain.expiresAtMs = addYearsUtc(domain.expiresAtMs, item.years);
    return { ok: true, message: SUCCESS };
  }

  /** Applies every detail whose execution has ended by now, exactly once, in order of completion (ties: creation). */
  function settle(): void {
    const now = clock.now();
    const due = tasks.filter((t) => t.doneAtMs <= now).sort((a, b) => a.doneAtMs - b.doneAtMs);
    for (const task of due) {
      for (const item of task.request.items) {
        if (!task.outcomes.has(key(item.domainName))) task.outcomes.set(key(item.domainName), execute(task, item));
      }
    }
  }

  function standing(domain: FakeDomain, atMs: number): DomainStanding {
    // The sandbox's life-cycle model gives Alibaba's code; the adapter's mapping turns it into the port's word.
    return domain.standing ?? standingOf(domainStatusOf(domain, atMs));
  }

  function listed(domain: FakeDomain): ListedDomain {
    const lagging = shownBefore.get(key(domain.domainName));
    return {
      domainName: normalizeDomain(domain.domainName),
      instanceId: `S${key(domain.domainName)}`,
      expiresAtMs: lagging && clock.now() < lagging.untilMs ? lagging.expiresAtMs : domain.expiresAtMs,
      standing: standing(domain, clock.now()),
      premium: domain.premium ?? false,
      ...(domain.autoRenewEnabled !== undefined ? { autoRenewEnabled: domain.autoRenewEnabled } : {}),
    };
  }

  function detailState(task: FakeTask, domainName: string): TaskDetail['state'] {
    const outcome = task.outcomes.get(key(domainName));
    if (outcome) return outcome.ok ? 'success' : 'failure';
    return clock.now() < task.startsAtMs ? 'waiting' : 'executing';
  }

  const registrar: MemoryRegistrar = {
    domains,
    tasks,
    calls,
    faults: {},
    worstCaseCallMs: 1_000,

    async listDomains(query: ListQuery) {
      enter('listDomains', query);
      settle();
      // Filtered on the expiry the listing shows (a lagging one included), as the registrar's own filter would.
      const found = [...domains.values()]
        .map(listed)
        .filter((d) => query.expiringFromMs === undefined || d.expiresAtMs >= query.expiringFromMs)
        .filter((d) => query.expiringToMs === undefined || d.expiresAtMs <= query.expiringToMs);
      query.onPage?.(found);
      return found;
    },

    async getDomain(domainName): Promise<DomainInfo> {
      enter('getDomain', domainName);
      settle();
      const domain = domains.get(key(domainName));
      if (!domain) {
        throw new RejectedFinalError(`domain ${domainName} is not in this account`, {
          code: 'DomainNotExist',
          action: 'QueryDomainByDomainName',
        });
      }
      const { instanceId: _i, ...info } = listed(domain);
      return info;
    },

    async submitRenewBatch(request) {
      enter('submitRenewBatch', request);
      settle();
      const task: FakeTask = {
        taskNo: `T-${randomUUID()}`,
        requestId: `R-${randomUUID()}`,
        createdAtMs: clock.now(),
        listedAtMs: clock.now() + (registrar.faults.listLagMs?.() ?? 0),
        startsAtMs: clock.now() + (registrar.faults.queueMs?.() ?? 0) + taskMs,
        doneAtMs: 0,
        request: structuredClone({ ...request, items: [...request.items] }),
        outcomes: new Map(),
      };
      task.doneAtMs = task.startsAtMs + taskMs;
      tasks.push(task);
      const result = { taskNo: task.taskNo, requestId: task.requestId };
      registrar.faults.afterSubmit?.(result);
      return result;
    },

    async listTasks(range): Promise<TaskInfo[]> {
      enter('listTasks', range);
      settle();
      // Day granularity on the registrar side: whole UTC days around the range.
      const from = Math.floor(range.fromMs / 86_400_000) * 86_400_000;
      const to = Math.floor(range.toMs / 86_400_000) * 86_400_000 + 86_400_000 - 1;
      return tasks
        .filter((t) => t.createdAtMs >= from && t.createdAtMs <= to && t.listedAtMs <= clock.now())
        .map((t) => {
          const states = t.request.items.map((i) => detailState(t, i.domainName));
          return {
            taskNo: t.taskNo,
            kind: 'renewal',
            taskNum: t.request.items.length,
            finished: states.every((s) => s === 'success' || s === 'failure'),
            // As the registrar displays it (UTC+8); createdAtMs is what the adapter parses from it.
            createTime: formatDisplayDate(t.createdAtMs),
            createdAtMs: t.createdAtMs,
          };
        });
    },

    async listTaskDetails(taskNo): Promise<TaskDetail[]> {
      enter('listTaskDetails', taskNo);
      settle();
      const task = tasks.find((t) => t.taskNo === taskNo);
      if (!task) return [];
      return task.request.items.map((item, i) => {
        const outcome = task.outcomes.get(key(item.domainName));
        return {
          taskNo,
          taskDetailNo: `${taskNo}-${i}`,
          domainName: normalizeDomain(item.domainName),
          state: detailState(task, item.domainName),
          ...(outcome ? { errorMsg: outcome.message } : {}),
          ...(outcome && !outcome.ok ? { failReason: outcome.message } : {}),
          ...(outcome ? { updatedAtMs: task.doneAtMs } : {}),
        };
      });
    },

    async quoteRenewals(items, wanted): Promise<QuoteAnswer> {
      enter('quoteRenewals', items);
      if (registrar.faults.quotesRefused) {
        const refused = { code: 'Forbidden.RAM', message: 'not authorised' };
        return {
          quotes: [],
          unpriced: [],
          unavailable: [
            { source: 'realtime', ...refused },
            { source: 'checkdomain', ...refused },
          ],
        };
      }
      const answer: QuoteAnswer = { quotes: [], unpriced: [], unavailable: [] };
      for (const item of items) {
        const domain = domains.get(key(item.domainName));
        if (domain && registrar.faults.quotesUnusable) {
          const premium = domain.premium ? { premium: true as const } : {};
          answer.unpriced.push({ domainName: normalizeDomain(item.domainName), why: 'Avail 0', ...premium });
          continue;
        }
        if (!domain || wanted !== currency) {
          answer.unpriced.push({
            domainName: normalizeDomain(item.domainName),
            why: domain ? `no price in ${wanted}` : 'not found',
          });
          continue;
        }
        const minor = domain.priceMinor ?? priceOf(domain.domainName, domain.premium ?? false) * 100;
        answer.quotes.push({
          domainName: normalizeDomain(item.domainName),
          perYear: { minor, currency },
          source: 'realtime',
          ...(domain.premium ? { premium: true as const } : {}),
        });
      }
      return answer;
    },

    submissions() {
      return tasks.flatMap((t) =>
        t.request.items.map((i) => ({
          domainName: i.domainName,
          currentExpiryMs: i.currentExpiryMs,
          years: i.years,
          taskNo: t.taskNo,
        })),
      );
    },
  };
  return registrar;
}
