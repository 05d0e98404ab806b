import { executeRenew } from '../jobs';
import { listAndPlan } from '../renewal/plan-listing';
import { JOB_FLAGS, parseFlags } from './args';
import { isYes, needsConfirmation } from './confirm';
import { type Command, EXIT } from './io';
import { openLocalRuntime } from './local-runtime';
import { withProgress } from './progress';
import { terminalDeep, terminalJson } from './terminal-text';

export const RENEW_USAGE = `usage: autorenew renew [--dry-run] [--yes] [--policy FILE] [--at DATE] [--json] [--verbose]

Runs the renew job once: plan, claim each due domain in the ledger, submit batch renewals, record every TaskNo.
This spends money against a real account. It asks for confirmation on a terminal unless --yes.
--at is accepted only against a loopback sandbox.

examples:
  npx autorenew renew --dry-run
  AUTORENEW_ENDPOINT=http://127.0.0.1:8787 npx autorenew renew --json`;

const FLAGS = {
  'dry-run': { type: 'boolean' },
  yes: { type: 'boolean', short: 'y' },
  ...JOB_FLAGS,
} as const;

/** `renew`: one renew run; exit 3 when the registrar refused a batch, 2 when the job failed. */
export const renewCommand: Command = async (args, io) => {
  const flags = parseFlags('renew', args, FLAGS, RENEW_USAGE);
  if (flags.help) {
    io.out(RENEW_USAGE);
    return EXIT.ok;
  }
  const rt = await openLocalRuntime(io, { ...flags, notifyTo: flags.json ? 'err' : 'out' });
  try {
    const dryRun = !!flags['dry-run'] || rt.config.dryRun;
    const confirm = needsConfirmation({
      dryRun,
      yes: !!flags.yes,
      canAsk: !!io.ask,
      endpoint: rt.config.endpoint,
      env: io.env,
    });
    if (confirm && io.ask) {
      const plan = await withProgress(io, 'listing and planning', () => listAndPlan(rt.deps, rt.policy));
      const answer = await io.ask(
        `Renew ${plan.totals.renew} domain(s) for ${plan.totals.years} year(s) in total at ${rt.config.endpoint}? This is paid and cannot be refunded. [y/N] `,
      );
      if (!isYes(answer)) {
        io.out('cancelled; nothing was submitted');
        return EXIT.ok;
      }
    }
    const { summary } = await withProgress(io, dryRun ? 'planning (dry run)' : 'renewing', () =>
      executeRenew(rt.deps, { policy: rt.policy, dryRun }),
    );
    if (flags.json) io.out(terminalJson(summary));
    else {
      io.out(
        `renew ${summary.dryRun ? '(dry run) ' : ''}run ${summary.runId}: listed ${summary.listed}, planned ${summary.planned}, submitted ${summary.submitted}, unknown ${summary.unknown}, rejected ${summary.rejected}, held elsewhere ${summary.conflicts}, deferred ${summary.deferred}`,
      );
      for (const b of terminalDeep(summary.batches)) {
        io.out(
          `  batch ${b.batchId}: ${b.status}, ${b.domains} domain(s)${b.taskNo ? `, TaskNo ${b.taskNo}` : ''}${b.message ? ` (${b.message})` : ''}`,
        );
      }
    }
    return summary.rejected > 0 ? EXIT.renewalsFailed : EXIT.ok;
  } finally {
    await rt.close();
  }
};
