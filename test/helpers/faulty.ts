import { LedgerError, RejectedFinalError } from '../../lib/errors';
import type { Ledger } from '../../lib/ledger/port';
import type { ListedDomain, Registrar, TaskDetail, TaskInfo } from '../../lib/registrar/port';
import type { given } from './builder';
import type { MemoryRegistrar } from './memory-registrar';

const DAY_MS = 86_400_000;

/**
 * A ledger whose chosen calls fail once with a non-conditional error (a throttled or dropped DynamoDB request),
 * while the calls before and after succeed: the partial fault a crash cannot model. `failOn.saveClaim = [2]` fails
 * the second saveClaim call. `calls` counts every call by method.
 */
export function flakyLedger(
  inner: Ledger,
  failOn: Partial<Record<keyof Ledger, number[]>>,
): Ledger & { calls: Record<string, number>; failures: number } {
  const calls: Record<string, number> = {};
  const wrapper = { calls, failures: 0 } as Ledger & { calls: Record<string, number>; failures: number };
  for (const key of Object.keys(inner) as (keyof Ledger)[]) {
    const fn = inner[key] as unknown as (...args: unknown[]) => Promise<unknown>;
    if (typeof fn !== 'function') continue;
    (wrapper as unknown as Record<string, unknown>)[key] = async (...args: unknown[]) => {
      calls[key] = (calls[key] ?? 0) + 1;
      if (failOn[key]?.includes(calls[key])) {
        wrapper.failures += 1;
        throw new LedgerError(`ledger ${key} failed (injected transient fault, call ${calls[key]})`);
      }
      return fn.apply(inner, args);
    };
  }
  return wrapper;
}

/**
 * A ledger whose chosen calls are applied and then reported failed (the answer lost after DynamoDB applied the
 * write, every retry lost too): the other half of a partial fault. `landOn.saveBatch = [1]` for the first saveBatch.
 */
export function landedThenFailing(
  inner: Ledger,
  landOn: Partial<Record<keyof Ledger, number[]>>,
): Ledger & { calls: Record<string, number> } {
  const calls: Record<string, number> = {};
  const wrapper = { calls } as Ledger & { calls: Record<string, number> };
  for (const key of Object.keys(inner) as (keyof Ledger)[]) {
    const fn = inner[key] as unknown as (...args: unknown[]) => Promise<unknown>;
    if (typeof fn !== 'function') continue;
    (wrapper as unknown as Record<string, unknown>)[key] = async (...args: unknown[]) => {
      calls[key] = (calls[key] ?? 0) + 1;
      const result = await fn.apply(inner, args);
      if (landOn[key]?.includes(calls[key])) {
        throw new LedgerError(`ledger ${key} failed after it applied (injected lost answer, call ${calls[key]})`);
      }
      return result;
    };
  }
  return wrapper;
}

/** Registrar-side answers nobody expected, layered over a real client: hidden tasks, task details, truncated look-ups. */
export function strangeRegistrar(
  inner: Registrar,
  strange: {
    hideTasks?: () => boolean;
    truncateLookups?: boolean;
    noDetails?: () => boolean;
    /** Added to every task's creation time, ms: a display zone read wrong. */
    shiftCreatedMs?: number;
    /** Every task listed with TaskNum 0. */
    zeroTaskNum?: boolean;
  },
): Registrar {
  const shift = (task: TaskInfo): TaskInfo => ({
    ...task,
    ...(strange.shiftCreatedMs && task.createdAtMs !== undefined
      ? { createdAtMs: task.createdAtMs + strange.shiftCreatedMs }
      : {}),
    ...(strange.zeroTaskNum ? { taskNum: 0 } : {}),
  });
  return {
    ...inner,
    listTasks: async (range) => (strange.hideTasks?.() ? [] : (await inner.listTasks(range)).map(shift)),
    // A task listed whose details are not (yet) readable: an empty detail list.
    listTaskDetails: async (taskNo) => (strange.noDetails?.() ? [] : inner.listTaskDetails(taskNo)),
    getDomain: async (name) => {
      const info = await inner.getDomain(name);
      return strange.truncateLookups ? { ...info, expiresAtMs: Math.floor(info.expiresAtMs / DAY_MS) * DAY_MS } : info;
    },
  };
}

/**
 * The registrar with a second row for one domain in every task's details that lists it: a copy of its row with
 * another TaskDetailNo and `state` (a retry's row, or an answer that repeats a domain), after the real one, or
 * instead of `replacing` (another domain's row, so the rows still number TaskNum).
 */
export function duplicatingDetailRow(
  registrar: Registrar,
  domainName: string,
  state: TaskDetail['state'],
  replacing?: string,
): Registrar {
  return {
    ...registrar,
    listTaskDetails: async (taskNo) =>
      (await registrar.listTaskDetails(taskNo)).flatMap((d) => {
        if (d.domainName === replacing) return [];
        if (d.domainName !== domainName) return [d];
        return [d, { ...d, taskDetailNo: `${d.taskDetailNo}-again`, state }];
      }),
  };
}

/** The registrar with every task's detail rows passed through `rewrite` (a row reading failed, say). */
export function rewritingRows(registrar: Registrar, rewrite: (row: TaskDetail) => TaskDetail): Registrar {
  return { ...registrar, listTaskDetails: async (taskNo) => (await registrar.listTaskDetails(taskNo)).map(rewrite) };
}

/** A row rewrite: `domainName`'s row reads failed, with `failReason`. */
export const failingRow =
  (domainName: string, failReason = 'registry said no (test)') =>
  (row: TaskDetail): TaskDetail =>
    row.domainName === domainName ? { ...row, state: 'failure', failReason } : row;

/** The registrar with every task in its task list shown `finished` or not (a cancel, a task still queued). */
export function showingTasksFinished(registrar: Registrar, finished: boolean): Registrar {
  return {
    ...registrar,
    listTasks: async (range) => (await registrar.listTasks(range)).map((task) => ({ ...task, finished })),
  };
}

/** The registrar with one domain's rows missing from every task's details (rows lagging, or never shown). */
export function hidingDetailRows(registrar: Registrar, domainName: string): Registrar {
  return {
    ...registrar,
    listTaskDetails: async (taskNo) =>
      (await registrar.listTaskDetails(taskNo)).filter((d) => d.domainName !== domainName),
  };
}

/**
 * From now on the fake registrar shows `domain`'s expiry at `shownMs` (a listing or look-up), whatever its task did:
 * an expiry that moved oddly (by another term than bought, say).
 */
export function showingExpiry(registrar: MemoryRegistrar, domain: string, shownMs: number): void {
  showingExpiries(registrar, new Map([[domain, shownMs]]));
}

/** {@link showingExpiry} for several domains at once: each listed and looked up at its `shown` expiry. */
export function showingExpiries(registrar: MemoryRegistrar, shown: ReadonlyMap<string, number>): void {
  registrar.faults.before = (op) => {
    if (op !== 'listDomains' && op !== 'getDomain') return;
    for (const [domain, shownMs] of shown) {
      const d = registrar.domains.get(domain);
      if (d) d.expiresAtMs = shownMs;
    }
  };
}

/**
 * Renews `names` (a renew run on `t`) while the registrar never shows their new expiries ({@link showingExpiries}):
 * their orders are sent and run, and every listing and look-up after still shows the old ones.
 * @returns the renew run, and each name's expiry before it (epoch ms)
 */
export async function renewNeverShown(t: Awaited<ReturnType<typeof given>>, names: readonly string[]) {
  const old = new Map(names.map((name) => [name, t.expiry(name) as number]));
  const run = await t.renew();
  showingExpiries(t.registrar, old);
  return { run, old };
}

/** `registrar` whose task details leave out the rows of the domains in `hidden` (a set the test changes as it goes). */
export function hidingRowsOf(registrar: Registrar, hidden: ReadonlySet<string>): Registrar {
  return {
    ...registrar,
    listTaskDetails: async (taskNo) =>
      (await registrar.listTaskDetails(taskNo)).filter((d) => !hidden.has(d.domainName)),
  };
}

/**
 * `base` (by default `registrar` itself) listing only `domain`, at `shownMs`: a listing that lags after a renewal and
 * reads the old expiry a little differently (claims are keyed by the exact listed expiry). Look-ups and tasks are
 * `base`'s.
 */
export function listingOnly(
  registrar: Registrar,
  domain: string,
  shownMs: number,
  base: Registrar = registrar,
): Registrar {
  return {
    ...base,
    listDomains: async (q) => {
      const all = await registrar.listDomains({ ...q, expiringToMs: Number.MAX_SAFE_INTEGER });
      return all.flatMap((d) => (d.domainName === domain ? [{ ...d, expiresAtMs: shownMs }] : []));
    },
  };
}

/**
 * The price look-up as a slower round trip than the ledger's claim writes (50 event-loop turns, no timers): which
 * account of a run reaches the room's take first is then decided, not left to the order of equal-speed fakes.
 */
export function slowQuotes(registrar: Registrar): Registrar {
  type Quote = NonNullable<Registrar['quoteRenewals']>;
  return {
    ...registrar,
    quoteRenewals: async (...args: Parameters<Quote>) => {
      for (let i = 0; i < 50; i++) await new Promise((r) => setImmediate(r));
      return (registrar.quoteRenewals as Quote)(...args);
    },
  } as Registrar;
}

/** `ledger` recording when (epoch ms, the caller's `nowMs`) each write of a `ran-task:` mark was made, in `putAt`. */
export function recordingRanMarks(ledger: Ledger): { ledger: Ledger; putAt: number[] } {
  const putAt: number[] = [];
  return {
    putAt,
    ledger: {
      ...ledger,
      putMarks: async (keys, nowMs) => {
        if (keys.some((key) => key.startsWith('ran-task:'))) putAt.push(nowMs);
        return ledger.putMarks(keys, nowMs);
      },
    },
  };
}

/**
 * A renew run whose first order the registrar refuses and whose refusal's batch write fails: the claim records the
 * refusal, the batch stays an intent whose submit started (renew gave its budget back). Returns that batch.
 */
export async function refuseFirstOrderLosingItsClose(
  t: Pick<Awaited<ReturnType<typeof given>>, 'registrar' | 'ledger' | 'renew'>,
) {
  let refused = false;
  t.registrar.faults.before = (op) => {
    if (op !== 'submitRenewBatch' || refused) return;
    refused = true;
    throw new RejectedFinalError('InvalidParameter.Foo (test)', { code: 'InvalidParameter.Foo' });
  };
  await t.renew({ deps: { ledger: flakyLedger(t.ledger, { saveBatch: [2] }) } });
  const [intent] = await t.ledger.listOpenBatches();
  return intent;
}

/**
 * Moves the clock `ms` forward at the first ledger write after the first order reached the registrar (its TaskNo
 * write): a run whose first batch was ordered before UTC midnight and whose next batch starts after it. (Moved inside
 * the paid call instead, the order would land after midnight on the old day's budgets, which sendEntries no longer
 * allows: it does not send a batch whose day may turn before its order lands.)
 */
export function crossAfterFirstOrder(
  t: ReturnType<typeof given> extends Promise<infer G> ? G : never,
  ms: string,
): void {
  let crossed = false;
  t.ledger.faults.before = (op) => {
    if (!crossed && op === 'saveBatch' && t.registrar.submissions().length > 0) {
      crossed = true;
      t.advance(ms);
    }
  };
}

/**
 * The registrar with `hidden` names left out of every listing (pages and the whole): a domain moved to a resource
 * group the key's RAM policy does not list, still held by the account (its look-up finds it); the `gone` ones' look-up
 * answers DomainNotExist (transferred out, deleted).
 */
export function hidingFromListings(
  inner: Registrar,
  hidden: ReadonlySet<string>,
  gone: ReadonlySet<string> = new Set(),
): Registrar {
  return {
    ...inner,
    getDomain: async (name) => {
      if (gone.has(name)) throw new RejectedFinalError('The domain name does not exist.', { code: 'DomainNotExist' });
      return inner.getDomain(name);
    },
    listDomains: async (query) => {
      const onPage = query.onPage;
      const keep = (ds: readonly ListedDomain[]) => ds.filter((d) => !hidden.has(d.domainName));
      const all = await inner.listDomains({ ...query, ...(onPage ? { onPage: (page) => onPage(keep(page)) } : {}) });
      return keep(all);
    },
  };
}
