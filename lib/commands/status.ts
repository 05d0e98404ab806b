import { openLocalLedger } from '../compose/local';
import type { Ledger } from '../ledger/port';
import { normalizeDomain } from '../registrar/domain-name';
import { formatDateUtc } from '../renewal/dates';
import { parseFlags } from './args';
import { type CliIO, type Command, EXIT } from './io';
import { terminalDeep, terminalJson } from './terminal-text';

export const STATUS_USAGE = `usage: autorenew status [domain] [--limit N] [--json]

Shows the ledger: open batches, the last run of each job, and recent outcomes. Reads only.
With a domain: its whole history, every claim (expiry, status, attempts, backoff, TaskNos, last failure) with the
batch that holds it (status, TaskNo, outcome, notices sent and pending).

examples:
  npx autorenew status
  npx autorenew status --json --limit 50
  npx autorenew status example.com`;

const FLAGS = {
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
  // Reads only the ledger: no policy, no registrar credentials needed.
  const { ledger, close } = await openLocalLedger(io);
  try {
    if (domainArg !== undefined) return await domainHistory(ledger, normalizeDomain(domainArg), io, !!flags.json);
    const stored = await Promise.all([ledger.listOpenBatches(), ledger.lastRuns(), ledger.listRecentBatches(limit)]);
    if (flags.json) {
      const [openBatches, lastRuns, recentBatches] = stored;
      io.out(terminalJson({ openBatches, lastRuns, recentBatches }));
      return EXIT.ok;
    }
    // Every stored string (domains, TaskNos, registrar messages, errors) as one printable line.
    const [open, runs, recent] = terminalDeep(stored);
    io.out(`open batches: ${open.length}`);
    for (const b of open) {
      io.out(
        `  ${b.batchId} ${b.status} ${b.entries.length} domain(s)${b.taskNo ? ` TaskNo ${b.taskNo}` : ''} since ${formatDateUtc(b.createdAtMs)}${b.pendingNotices.length ? ` (notices pending: ${b.pendingNotices.join(',')})` : ''}`,
      );
    }
    for (const r of runs) {
      const counts = Object.entries(r.summary)
        .map(([k, v]) => `${k}=${v}`)
        .join(' ');
      io.out(
        `last ${r.job}: ${new Date(r.finishedAtMs).toISOString()} ${r.ok ? 'ok' : 'FAILED'} ${counts}${r.error ? ` error: ${r.error}` : ''}`,
      );
    }
    io.out(`recent outcomes (${recent.length} batch(es)):`);
    for (const b of recent) {
      for (const e of b.entries) {
        io.out(
          `  ${e.domain} ${formatDateUtc(e.expiryMs)} +${e.years}y ${e.outcome ?? b.status}${e.newExpiryMs ? ` -> ${formatDateUtc(e.newExpiryMs)}` : ''}${e.message ? ` (${e.message})` : ''}`,
        );
      }
    }
    return EXIT.ok;
  } finally {
    await close();
  }
};

/** `status <domain>`: every claim of the domain, newest expiry first, each with the batch that holds it. */
async function domainHistory(ledger: Ledger, domain: string, io: CliIO, json: boolean): Promise<number> {
  const claims = await ledger.listClaimsForDomain(domain);
  const batches = await Promise.all(claims.map((c) => ledger.getBatch(c.batchId)));
  if (json) {
    io.out(terminalJson({ domain, claims: claims.map((claim, i) => ({ claim, batch: batches[i] ?? null })) }));
    return EXIT.ok;
  }
  const safe = terminalDeep({ claims, batches });
  if (safe.claims.length === 0) {
    io.out(`${terminalDeep(domain)}: no renewal recorded in this ledger`);
    return EXIT.ok;
  }
  io.out(`${terminalDeep(domain)}: ${safe.claims.length} renewal(s) recorded`);
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
      `    batch ${b.batchId}: ${b.status}${b.taskNo ? `, TaskNo ${b.taskNo}` : ''}, ${b.entries.length} domain(s), run ${b.runId}${entry?.outcome ? `, outcome ${entry.outcome}` : ''}${b.error ? `, error ${b.error.message}` : ''}`,
    );
    io.out(
      `    notices sent: ${b.sentNotices.length ? b.sentNotices.join(', ') : 'none'}; pending: ${b.pendingNotices.length ? b.pendingNotices.join(', ') : 'none'}`,
    );
  }
  if (safe.claims.some((c) => c.status === 'FAILED' && c.attempts > 0)) {
    io.out(`after fixing the cause of the failure: autorenew retry ${terminalDeep(domain)}`);
  }
  return EXIT.ok;
}
