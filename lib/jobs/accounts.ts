import { namesAccounts } from '../accounts';
import { JobFailedError } from '../errors';
import type { Logger } from '../log';
import { describeError } from '../log';
import type { Notifier, RenderedMessage } from '../notify/port';
import { type AccountPart, accountEmailBudget, accountSmsBudget, combineAccountParts } from '../renewal/account-digest';
import { fairShares } from '../renewal/budgets';
import type { RunClaims } from '../renewal/deps';
import { isReadDifferently, isSameListedExpiry } from '../renewal/expiry';
import { claimKey } from '../renewal/plan-types';

/**
 * A run over several accounts (docs/design.md, Accounts): each account runs on its own (its own registrar, key,
 * ledger keyspace, policy) and concurrently, so one account's bad key or outage only fails its own part. The room
 * is where they meet, twice:
 * - notices: every account's digest is held until each account has either handed one over or finished, then all
 *   go out as one message with a section per account. Each account's publish resolves only once that message is
 *   out, so its notices are marked sent only then (a failed publish keeps them pending, as for one account);
 * - the global cap: each account states its demand once it has planned, and gets a max-min fair share of the cap
 *   when every account has stated one or is past planning, so the first in the list cannot take it all.
 */
export interface AccountsRoom {
  /** The notifier an account's job publishes through. */
  notifierFor(label: string): Notifier;
  /**
   * The account's JobDeps.runClaims: the first account of the run to take a (domain, expiry) key keeps it, and the
   * attempt ids the run's accounts write under; undefined for one unnamed account (nothing to share).
   */
  claimsFor(label: string): RunClaims | undefined;
  /** The account's share of the global count cap for `demand` domains; undefined: no global cap. */
  shareFor(label: string): ((demand: number) => Promise<number>) | undefined;
  /** The account's job has finished (ok or not): it waits for nothing more. */
  done(label: string): void;
  /** Starts a new run in the same room (the demo runs several): every account running again, no shares yet. */
  begin(runId: string): void;
}

interface Seat {
  state: 'running' | 'publishing' | 'done';
  /** Planned (stated a demand) or past planning: the global cap can be shared without waiting for it. */
  planned: boolean;
  demand: number;
  pending?: { message: RenderedMessage; resolve: (r: { messageId?: string }) => void; reject: (e: unknown) => void };
}

/**
 * The room of one run. With one unnamed account it is a pass-through: its message goes out exactly as rendered.
 * `globalCap`: domains per UTC day across all accounts (AUTORENEW_GLOBAL_MAX_DOMAINS), shared max-min fairly.
 */
export function createAccountsRoom(options: {
  job: 'renew' | 'check';
  runId: string;
  labels: readonly string[];
  primary: Notifier;
  log: Logger;
  globalCap?: number;
  /** True when the one account is the unnamed one: its messages are published unchanged. */
  passThrough?: boolean;
  /**
   * After this many ms (from the room's creation) the room stops waiting for accounts still running: the global cap
   * is shared over the demands stated so far (none: a share of 0) and the digests waiting go out without them. One
   * slow account held the others' purchases and digests until the platform killed the run (review 2026-12-05,
   * round 5, I). Absent: wait for every account (the CLI, tests).
   */
  waitLimitMs?: number;
}): AccountsRoom {
  const seats = new Map<string, Seat>(
    options.labels.map((l) => [l, { state: 'running', planned: false, demand: 0 } satisfies Seat]),
  );
  let round = 0;
  let runId = options.runId;
  let shares: Promise<Map<string, number>> | undefined;
  let settleShares: ((s: Map<string, number>) => void) | undefined;
  let pastWaitLimit = false;
  /**
   * Once the shares are fixed: the accounts that had stated no demand then (late at the wait limit), and what the
   * fixed shares left of the cap. A late account takes from that, first come first served, never more than it asks:
   * with 0, the late account's domain expiring the next day was held back "raise the cap" though nothing of the cap was
   * used, every day its registrar was slow (review 2026-12-07, thirtieth session). The shared counter still bounds it.
   */
  let late: { labels: Set<string>; unpromised: number } | undefined;
  /** Domain -> the expiries taken in this run, each with the account that took it first. */
  const taken = new Map<string, { expiryMs: number; label: string }[]>();
  /** The attempt ids (`runId/batchId`) the run's accounts write claims under. */
  const attempts = new Set<string>();
  let waitTimer: ReturnType<typeof setTimeout> | undefined;
  if (options.waitLimitMs !== undefined) {
    waitTimer = setTimeout(() => {
      pastWaitLimit = true;
      const late = [...seats].filter(([, s]) => s.state === 'running').map(([label]) => label);
      if (late.length > 0)
        options.log.warn('accounts still running at the wait limit: the others go on without them', { late });
      settle();
    }, options.waitLimitMs);
    waitTimer.unref?.();
  }

  function seat(label: string): Seat {
    const s = seats.get(label);
    if (!s) throw new Error(`account ${label} is not part of this run`);
    return s;
  }

  function settle(): void {
    const all = [...seats.values()];
    if (settleShares && (pastWaitLimit || all.every((s) => s.planned || s.state !== 'running'))) {
      const resolve = settleShares;
      settleShares = undefined;
      const fixed = fairShares(
        [...seats].map(([label, s]) => ({ label, demand: s.demand })),
        options.globalCap ?? 0,
      );
      const promised = [...fixed.values()].reduce((sum, n) => sum + n, 0);
      late = {
        labels: new Set([...seats].filter(([, s]) => !s.planned).map(([label]) => label)),
        unpromised: Math.max(0, Math.floor(options.globalCap ?? 0) - promised),
      };
      resolve(fixed);
    }
    if ((!pastWaitLimit && all.some((s) => s.state === 'running')) || !all.some((s) => s.state === 'publishing'))
      return;
    void flush();
  }

  async function flush(): Promise<void> {
    const waiting = [...seats].filter(([, s]) => s.state === 'publishing');
    const first = round === 0;
    round += 1;
    const parts: AccountPart[] = [...seats]
      .filter(([, s]) => first || s.state === 'publishing')
      .map(([label, s]) => ({
        label,
        ...(s.pending ? { message: s.pending.message } : {}),
        ...(!s.pending && s.state === 'running' && pastWaitLimit ? { late: true as const } : {}),
      }));
    const pending = waiting.map(([, s]) => {
      const p = s.pending as NonNullable<Seat['pending']>;
      delete s.pending;
      s.state = 'running';
      return p;
    });
    try {
      const message =
        options.passThrough && pending.length === 1
          ? (pending[0] as (typeof pending)[number]).message
          : combineAccountParts(options.job, runId, parts);
      const result = message ? await options.primary.publish(message) : {};
      for (const p of pending) p.resolve(result);
    } catch (err) {
      options.log.error('could not publish the accounts digest', describeError(err));
      for (const p of pending) p.reject(err);
    }
  }

  return {
    notifierFor(label) {
      const s = seat(label);
      return {
        // Accounts share one combined message; only a lone unnamed account's is published unchanged.
        ...(options.passThrough
          ? {}
          : { maxEmailBytes: accountEmailBudget(seats.size), maxSmsSeptets: accountSmsBudget(label, seats.size) }),
        ...(options.primary.recordsDelivery === false ? { recordsDelivery: false as const } : {}),
        publish(message) {
          return new Promise((resolve, reject) => {
            s.state = 'publishing';
            s.planned = true;
            s.pending = { message, resolve, reject };
            settle();
          });
        },
      };
    },
    claimsFor(label) {
      if (options.passThrough) return undefined;
      seat(label);
      return {
        noteAttempt: (attemptId) => {
          attempts.add(attemptId);
        },
        isRunAttempt: (attemptId) => attempts.has(attemptId),
        giveBack: (entries) => {
          for (const { domain, expiryMs } of entries) {
            const list = taken.get(domain) ?? [];
            const kept = list.filter(
              (t) =>
                t.label !== label ||
                !(isSameListedExpiry(t.expiryMs, expiryMs) || isReadDifferently(t.expiryMs, expiryMs)),
            );
            if (kept.length > 0) taken.set(domain, kept);
            else taken.delete(domain);
          }
        },
        take: (entries) => {
          const mine = new Set<string>();
          for (const { domain, expiryMs } of entries) {
            const list = taken.get(domain) ?? [];
            // One cycle however each account reads it: cut to the day, or a little off (review 2026-12-07).
            let first = list.find(
              (t) => isSameListedExpiry(t.expiryMs, expiryMs) || isReadDifferently(t.expiryMs, expiryMs),
            );
            if (!first) {
              first = { expiryMs, label };
              taken.set(domain, [...list, first]);
            }
            if (first.label === label) mine.add(claimKey(domain, expiryMs));
          }
          return mine;
        },
      };
    },
    shareFor(label) {
      if (options.globalCap === undefined) return undefined;
      const s = seat(label);
      return async (demand) => {
        s.demand = Math.max(0, demand);
        s.planned = true;
        shares ??= new Promise((resolve) => {
          settleShares = resolve;
        });
        const waitFor = shares;
        settle();
        const fixed = (await waitFor).get(label) ?? 0;
        if (!late?.labels.has(label)) return fixed;
        late.labels.delete(label);
        const give = Math.min(s.demand, late.unpromised);
        late.unpromised -= give;
        return give;
      };
    },
    done(label) {
      seat(label).state = 'done';
      // Cleared once every account is done: a warm Lambda container thaws this timer in a later invocation otherwise.
      if (waitTimer && [...seats.values()].every((s) => s.state === 'done')) clearTimeout(waitTimer);
      settle();
    },
    begin(next) {
      if ([...seats.values()].some((s) => s.pending)) throw new Error('a run is still publishing in this room');
      runId = next;
      round = 0;
      shares = undefined;
      settleShares = undefined;
      late = undefined;
      taken.clear();
      attempts.clear();
      for (const s of seats.values()) Object.assign(s, { state: 'running', planned: false, demand: 0 });
    },
  };
}

/** One account's outcome in a run over accounts. */
export type AccountResult<T> = { label: string; ok: true; value: T } | { label: string; ok: false; error: unknown };

/**
 * Runs `run` for every account concurrently, as run `runId` of the room; one account's failure never stops the
 * others. Each account's own job reports its failure (notice, run record, metrics) as it would alone; this returns
 * every account's outcome.
 */
export async function runAccounts<P extends { label: string }, T>(
  room: AccountsRoom,
  runId: string,
  parts: readonly P[],
  run: (part: P) => Promise<T>,
): Promise<AccountResult<T>[]> {
  room.begin(runId);
  return Promise.all(
    parts.map(async (part): Promise<AccountResult<T>> => {
      try {
        return { label: part.label, ok: true, value: await run(part) };
      } catch (error) {
        return { label: part.label, ok: false, error };
      } finally {
        room.done(part.label);
      }
    }),
  );
}

/**
 * Fails loudly at the end when any account failed: one account alone rethrows its own error as before; several
 * throw one JobFailedError naming each failed account and its error.
 */
export function throwIfAnyFailed<T>(job: string, runId: string, results: readonly AccountResult<T>[]): T[] {
  const failed = results.filter((r) => !r.ok);
  if (failed.length === 0) return results.map((r) => (r as { value: T }).value);
  if (results.length === 1) throw (failed[0] as { error: unknown }).error;
  const what = failed
    .map((r) => `${r.label}: ${r.error instanceof Error ? r.error.message : String(r.error)}`)
    .join('; ');
  // What the other accounts did: a failed account's "nothing was bought" read as the whole run's while
  // another account had bought (review 2026-12-05, round 5, L).
  const others = results.flatMap((r) => (r.ok ? [`${r.label}: ok${describeSubmitted(r.value)}`] : []));
  throw new JobFailedError(
    `${job} run ${runId}: ${failed.length} of ${results.length} account(s) failed (${what})${others.length > 0 ? `; ${others.join('; ')}` : ''}`,
    {},
    {
      cause: failed.map((r) => (r as { error: unknown }).error),
    },
  );
}

/** `, N submitted` for a renew result that submitted some, else nothing. */
function describeSubmitted(value: unknown): string {
  const summary = (value as { summary?: { submitted?: unknown; unknown?: unknown } } | undefined)?.summary;
  const submitted = typeof summary?.submitted === 'number' ? summary.submitted : 0;
  const unknown = typeof summary?.unknown === 'number' ? summary.unknown : 0;
  return `${submitted > 0 ? `, ${submitted} submitted` : ''}${unknown > 0 ? `, ${unknown} unknown (may have been bought)` : ''}`;
}

/**
 * What a handler returns: one unnamed account's own result as it always was, else one entry per account by name.
 */
export function mergeAccountResults<T extends object>(
  parts: readonly { label: string; account: { name: string } }[],
  values: readonly T[],
): T | { accounts: Record<string, T> } {
  if (!namesAccounts(parts.map((p) => p.account))) return values[0] as T;
  return { accounts: Object.fromEntries(parts.map((p, i) => [p.label, values[i] as T])) };
}
