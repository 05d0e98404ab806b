import { namesAccounts } from '../accounts';
import { openLocalAccounts } from '../compose/local';
import { executeCheck } from '../jobs';
import { mergeAccountResults, runAccounts, throwIfAnyFailed } from '../jobs/accounts';
import { CHECK_COUNTS, formatCounts } from '../jobs/counts';
import { JOB_FLAGS, parseFlags } from './args';
import { type Command, EXIT } from './io';
import { withProgress } from './progress';
import { refuseOtherPolicy } from './stage-policy';
import { terminalJson } from './terminal-text';

export const CHECK_USAGE = `usage: autorenew check [--policy-differs] [--policy FILE] [--at DATE] [--json] [--verbose]

Runs the check job once: reads open batches from the ledger, fetches task results, confirms new expiry dates,
reconciles unknown submissions and prints (or publishes) the digest. --at only against a loopback sandbox.
On a ledger table (AUTORENEW_TABLE) only with the policy the stage's last run (renew or check) used: it settles by
that file's rules (when an unknown order is released, retries), and another is refused (exit 1) unless
--policy-differs.

examples:
  npx autorenew check
  npx autorenew check --json`;

const FLAGS = { 'policy-differs': { type: 'boolean' }, ...JOB_FLAGS } as const;

/** `check`: one check run; exit 3 when renewals failed in this run. */
export const checkCommand: Command = async (args, io) => {
  const flags = parseFlags('check', args, FLAGS, CHECK_USAGE);
  if (flags.help) {
    io.out(CHECK_USAGE);
    return EXIT.ok;
  }
  const rt = await openLocalAccounts(io, {
    ...flags,
    job: 'check',
    notifyTo: flags.json ? 'err' : 'out',
    alibabaAccess: 'read',
  });
  try {
    if (rt.config.table !== undefined && !flags['policy-differs'])
      await refuseOtherPolicy(
        rt.jobs,
        rt.config.table,
        'settle by rules the stage does not run (when an unknown order is released and bought again, retries)',
      );
    const results = await withProgress(io, 'checking open batches', () =>
      runAccounts(rt.room, rt.runId, rt.jobs, (job) => executeCheck(job.deps, { policy: job.policy, runId: rt.runId })),
    );
    const summaries = throwIfAnyFailed('check', rt.runId, results);
    if (flags.json) io.out(terminalJson(mergeAccountResults(rt.jobs, summaries)));
    else {
      for (const [i, summary] of summaries.entries()) {
        const job = rt.jobs[i];
        const account = namesAccounts(rt.config.accounts) ? `account ${job?.label}: ` : '';
        io.out(`${account}check run ${summary.runId}: ${formatCounts(CHECK_COUNTS, summary, 8)}`);
      }
    }
    return summaries.some((summary) => summary.failed > 0) ? EXIT.renewalsFailed : EXIT.ok;
  } finally {
    await rt.close();
  }
};
