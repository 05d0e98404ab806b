import { formatDateUtc } from '../renewal/dates';
import { parseFlags } from './args';
import { type Command, EXIT } from './io';
import { openLocalLedger } from './local-runtime';
import { terminalDeep, terminalJson } from './terminal-text';

export const STATUS_USAGE = `usage: autorenew status [--limit N] [--json]

Shows the ledger: open batches, the last run of each job, and recent outcomes. Reads only.

examples:
  npx autorenew status
  npx autorenew status --json --limit 50`;

const FLAGS = {
  limit: { type: 'string' },
  json: { type: 'boolean' },
  verbose: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** `status`: what the ledger knows. Needs neither a policy nor registrar credentials. */
export const statusCommand: Command = async (args, io) => {
  const flags = parseFlags('status', args, FLAGS, STATUS_USAGE);
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
