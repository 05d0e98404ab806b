import {
  type AccountLedger,
  describeUnseenAccounts,
  isEveryAccountUnread,
  openAccountLedgers,
  sayNoLedger,
  unreadLedgerWarning,
} from '../compose/account-ledgers';
import { RENEWED_ELSEWHERE_CODE } from '../renewal/claims';
import { formatDateUtc } from '../renewal/dates';
import { parseFlags } from './args';
import { parseDomainArgs } from './domain-args';
import { type CliIO, type Command, EXIT } from './io';
import { terminalDeep, terminalJson, terminalLine } from './terminal-text';

export const STATUS_USAGE = `usage: autorenew status [domain] [--account NAME] [--limit N] [--json]

Shows the ledger: open batches, the last run of each job, and recent outcomes. Reads only.
With a domain: its whole history, every claim (expiry, status, attempts, backoff, TaskNos, last failure) with the
batch that holds it (status, TaskNo, outcome, notices sent and pending).
With several accounts (AUTORENEW_ACCOUNTS), every account's, each line starting with the account (an "account"
field in JSON); --account NAME shows only that account's (--limit counts per account).

examples:
  npx autorenew status
  npx autorenew status --json --limit 50
  npx autorenew status example.com`;

const FLAGS = {
  account: { type: 'string' },
  limit: { type: 'string' },
  json: { type: 'boolean' },
  verbose: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** `status`: what the ledger knows. Needs neither a policy nor registrar credentials. */
export const statusCommand: Command = async (args, io) => {
  const domainArg = args[0] !== undefined && !args[0].startsWith('-') ? args[0] : undefined;
  const flags = parseFlags('status', domainArg !== undefined ? args.slice(1) : args, FLAGS, STATUS_USAGE);
  if (flags.help) {
    io.out(STATUS_USAGE);
    return EXIT.ok;
  }
  const limit = flags.limit ? Number(flags.limit) : 20;
  if (!Number.isInteger(limit) || limit < 1) {
    io.err(`status: --limit must be a positive integer; ${STATUS_USAGE.split('\n')[0]}`);
    return EXIT.invalidInput;
  }
  // A name that is no domain is refused, as hold and retry refuse it (review 2026-12-04).
  const domain = domainArg !== undefined ? (parseDomainArgs([domainArg])[0] as string) : undefined;
  // Reads only the ledger: no policy, no registrar credentials needed.
  const none = sayNoLedger(io, 'status', { account: flags.account, json: !!flags.json });
  if (none) {
    // Not the answer of an empty ledger: `ledger: null` says there is none here.
    const empty = domain !== undefined ? { domain, claims: [] } : { openBatches: [], lastRuns: [], recentBatches: [] };
    if (flags.json) io.out(terminalJson({ ...empty, ledger: null, location: none.location }));
    return EXIT.ok;
  }
  const opened = await openAccountLedgers(io, { account: flags.account, command: 'status' });
  try {
    // "no renewal recorded" from a ledger no renew run reads sent a person to renew by hand what the renew runs'
    // own ledger had bought (review 2026-12-06, round 7).
    const unread = await isEveryAccountUnread(opened);
    const unseen = unread ? undefined : await describeUnseenAccounts(opened);
    if (unread || unseen) {
      const warning = terminalLine(unseen ?? unreadLedgerWarning(opened.location, opened.shared));
      if (flags.json) io.err(`autorenew status: ${warning}`);
      else io.out(warning);
    }
    if (domain !== undefined) {
      return await domainHistory(opened.accounts, opened.labelled, domain, io, !!flags.json);
    }
    const { labelled } = opened;
    // One account's rows with its name first when the output names accounts (several, or a named one).
    const tag = <T extends object>(label: string, rows: T[]): (T & { account?: string })[] =>
      labelled ? rows.map((r) => ({ account: label, ...r })) : rows;
    const perAccount = await Promise.all(
      opened.accounts.map(async ({ label, ledger }) => {
        const [o, r, b] = await Promise.all([
          ledger.listOpenBatches(),
          ledger.lastRuns(),
          ledger.listRecentBatches(limit),
        ]);
        return { label, open: tag(label, o), runs: tag(label, r), recent: tag(label, b) };
      }),
    );
    const stored = [
      perAccount.flatMap((a) => a.open),
      perAccount.flatMap((a) => a.runs),
      perAccount.flatMap((a) => a.recent),
    ] as const;
    if (flags.json) {
      const [openBatches, lastRuns, recentBatches] = stored;
      io.out(terminalJson({ openBatches, lastRuns, recentBatches }));
      return EXIT.ok;
    }
    // Every stored string (domains, TaskNos, registrar messages, errors) as one printable line.
    const [open, runs, recent] = terminalDeep(stored);
    const width = Math.max(0, ...opened.accounts.map((a) => a.label.length));
    const col = (row: { account?: string }) => (labelled ? `${(row.account ?? '').padEnd(width)}  ` : '');
    io.out(`open batches: ${open.length}`);
    for (const b of open) {
      io.out(
        `  ${col(b)}${b.batchId} ${shownStatus(b)} ${b.entries.length} domain(s)${b.taskNo ? ` TaskNo ${b.taskNo}` : ''} since ${formatDateUtc(b.createdAtMs)}${b.pendingNotices.length ? ` (notices pending: ${b.pendingNotices.join(',')})` : ''}`,
      );
    }
    for (const r of runs) {
      const counts = Object.entries(r.summary)
        .map(([k, v]) => `${k}=${v}`)
        .join(' ');
      io.out(
        `${col(r)}last ${r.job}: ${new Date(r.finishedAtMs).toISOString()} ${r.ok ? 'ok' : 'FAILED'} ${counts}${r.error ? ` error: ${r.error}` : ''}`,
      );
    }
    io.out(`recent outcomes (${recent.length} batch(es)):`);
    for (const b of recent) {
      for (const e of b.entries) {
        io.out(
          `  ${col(b)}${e.domain} ${formatDateUtc(e.expiryMs)} +${e.years}y ${e.outcome ?? shownStatus(b)}${e.newExpiryMs ? ` -> ${formatDateUtc(e.newExpiryMs)}` : ''}${e.message ? ` (${e.message})` : ''}`,
        );
      }
    }
    return EXIT.ok;
  } finally {
    await opened.close();
  }
};

/**
 * A batch's status as a person should read it: an INTENT whose submit start is durable may have reached the
 * registrar (its TaskNo or UNKNOWN write failed after the paid call), and "INTENT" reads as "not sent", which invites a
 * renewal by hand (review 2026-12-06, round 4).
 */
function shownStatus(b: { status: string; submitStartedAtMs?: number }): string {
  return b.status === 'INTENT' && b.submitStartedAtMs !== undefined
    ? `UNKNOWN (submit started ${new Date(b.submitStartedAtMs).toISOString()}: it may have been bought; check settles it)`
    : b.status;
}

/**
 * `status <domain>`: every claim of the domain, newest expiry first, each with the batch that holds it; per account
 * (each claim entry with its `account` in JSON) when the output names accounts.
 */
async function domainHistory(
  accounts: readonly AccountLedger[],
  labelled: boolean,
  domain: string,
  io: CliIO,
  json: boolean,
): Promise<number> {
  const found = await Promise.all(
    accounts.map(async ({ label, ledger }) => {
      const claims = await ledger.listClaimsForDomain(domain);
      const batches = await Promise.all(claims.map((c) => ledger.getBatch(c.batchId)));
      return { label, claims, batches };
    }),
  );
  if (json) {
    const claims = found.flatMap(({ label, claims, batches }) =>
      claims.map((claim, i) => ({ ...(labelled ? { account: label } : {}), claim, batch: batches[i] ?? null })),
    );
    io.out(terminalJson({ domain, claims }));
    return EXIT.ok;
  }
  for (const { label, claims, batches } of found) {
    accountHistory(labelled ? label : undefined, domain, claims, batches, io);
  }
  return EXIT.ok;
}

type Claims = Awaited<ReturnType<AccountLedger['ledger']['listClaimsForDomain']>>;
type Batches = Awaited<ReturnType<AccountLedger['ledger']['getBatch']>>[];

/** One account's part of `status <domain>`; `label` names the account when the output names accounts. */
function accountHistory(label: string | undefined, domain: string, claims: Claims, batches: Batches, io: CliIO) {
  const prefix = label !== undefined ? `account ${label}: ` : '';
  const safe = terminalDeep({ claims, batches });
  if (safe.claims.length === 0) {
    io.out(`${prefix}${terminalDeep(domain)}: no renewal recorded in this ledger`);
    return;
  }
  io.out(`${prefix}${terminalDeep(domain)}: ${safe.claims.length} renewal(s) recorded`);
  for (const [i, c] of safe.claims.entries()) {
    const b = safe.batches[i];
    const taskNos = [...(c.taskNo ? [c.taskNo] : []), ...(c.previousTaskNos ?? [])];
    io.out(
      `  expiry ${formatDateUtc(c.expiryMs)} +${c.years}y: ${c.status}, ${c.attempts} failed attempt(s)${c.nextEligibleAtMs !== undefined ? `, retry after ${new Date(c.nextEligibleAtMs).toISOString()}` : ''}${c.newExpiryMs ? `, new expiry ${formatDateUtc(c.newExpiryMs)}` : ''}; claimed ${new Date(c.claimedAtMs).toISOString()}, updated ${new Date(c.updatedAtMs).toISOString()}`,
    );
    if (taskNos.length) io.out(`    TaskNo(s): ${taskNos.join(', ')}`);
    if (c.code || c.message) io.out(`    last failure: ${[c.code, c.message].filter(Boolean).join(': ')}`);
    if (!b) {
      io.out(`    batch ${c.batchId}: not found`);
      continue;
    }
    const entry = b.entries.find((e) => e.domain === c.domain && e.expiryMs === c.expiryMs);
    io.out(
      `    batch ${b.batchId}: ${shownStatus(b)}${b.taskNo ? `, TaskNo ${b.taskNo}` : ''}, ${b.entries.length} domain(s), run ${b.runId}${entry?.outcome ? `, outcome ${entry.outcome}` : ''}${b.error ? `, error ${b.error.message}` : ''}`,
    );
    io.out(
      `    notices sent: ${b.sentNotices.length ? b.sentNotices.join(', ') : 'none'}; pending: ${b.pendingNotices.length ? b.pendingNotices.join(', ') : 'none'}`,
    );
  }
  // The newest expiry's claim only (a named retry resets every failed claim of the domain): a claim whose row
  // failed while the registrar showed it renewed is never advised a bare retry, which would let the next run buy it
  // again under a lagging listing (review 2026-12-06, round 4).
  const newest = safe.claims[0];
  const which = label !== undefined ? ` --account ${label}` : '';
  if (newest?.status === 'FAILED' && newest.code === RENEWED_ELSEWHERE_CODE) {
    io.out(
      `the registrar showed it renewed though its row failed: nothing to do; look at the domain in the console first, and only if it shows the old expiry and its task list no renewal of it: autorenew retry ${terminalDeep(domain)}${which}`,
    );
  } else if (newest?.status === 'FAILED' && newest.attempts > 0) {
    io.out(`after fixing the cause of the failure: autorenew retry ${terminalDeep(domain)}${which}`);
  }
}
