import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { openLocalRuntime } from '../compose/local';
import { InputError } from '../errors';
import { executeRenew } from '../jobs';
import { formatCounts, RENEW_COUNTS } from '../jobs/counts';
import {
  checkPlanAge,
  createPlanFile,
  DEFAULT_PLAN_MAX_AGE_MS,
  type PlanFile,
  PlanMovedError,
  parseMaxAge,
  parsePlanFile,
  planGuard,
} from '../renewal/plan-file';
import { listAndPlan } from '../renewal/plan-listing';
import { JOB_FLAGS, parseFlags } from './args';
import { isYes, needsConfirmation } from './ask-before-buying';
import { type CliIO, type Command, EXIT } from './io';
import { withProgress } from './progress';
import { terminalDeep, terminalJson, terminalLine } from './terminal-text';

export const RENEW_USAGE = `usage: autorenew renew [--dry-run] [--yes] [--plan PLAN.json [--max-age 24h]] [--policy FILE] [--at DATE] [--json] [--verbose]

Runs the renew job once: plan, claim each due domain in the ledger, submit batch renewals, record every TaskNo.
This spends money against a real account. It asks for confirmation on a terminal unless --yes.
--dry-run buys nothing and prints the plan digest (subject "DRY RUN"): what would be bought, and what would not, why.
--plan buys exactly a plan saved by \`autorenew plan --out\`: it refuses, buying nothing (exit 1) and showing the
difference, if the listing has moved since (an expiry, a status, what would be bought), if the policy or endpoint
changed, or if the plan is older than --max-age (default 24h; units s, m, h, d).
--at is accepted only against a loopback sandbox.

examples:
  npx autorenew renew --dry-run
  npx autorenew plan --out plan.json && npx autorenew renew --plan plan.json --max-age 2h
  AUTORENEW_ENDPOINT=http://127.0.0.1:8787 npx autorenew renew --json`;

const FLAGS = {
  'dry-run': { type: 'boolean' },
  yes: { type: 'boolean', short: 'y' },
  plan: { type: 'string' },
  'max-age': { type: 'string' },
  ...JOB_FLAGS,
} as const;

function printRefusal(io: CliIO, err: PlanMovedError): number {
  io.err(terminalLine(`autorenew renew: ${err.message}`));
  for (const line of err.differences) io.err(terminalLine(`  ${line}`));
  io.err('make a new plan (autorenew plan --out FILE), read it, then renew --plan with it');
  return EXIT.invalidInput;
}

/** `renew`: one renew run; exit 3 when the registrar refused a batch, 2 when the job failed. */
export const renewCommand: Command = async (args, io) => {
  const flags = parseFlags('renew', args, FLAGS, RENEW_USAGE);
  if (flags.help) {
    io.out(RENEW_USAGE);
    return EXIT.ok;
  }
  if (flags['max-age'] !== undefined && !flags.plan) throw new InputError('--max-age needs --plan FILE');
  const maxAgeMs = flags['max-age'] !== undefined ? parseMaxAge(flags['max-age']) : DEFAULT_PLAN_MAX_AGE_MS;
  let saved: PlanFile | undefined;
  if (flags.plan) {
    let text: string;
    try {
      text = await readFile(resolve(io.cwd, flags.plan), 'utf8');
    } catch (err) {
      throw new InputError(
        `cannot read the plan file ${flags.plan} (${(err as NodeJS.ErrnoException).code ?? 'error'}); make one with autorenew plan --out ${flags.plan}`,
      );
    }
    saved = parsePlanFile(text, flags.plan);
  }
  const rt = await openLocalRuntime(io, { ...flags, notifyTo: flags.json ? 'err' : 'out' });
  try {
    const dryRun = !!flags['dry-run'] || rt.config.dryRun;
    const context = { endpoint: rt.config.endpoint, policy: rt.policy };
    if (saved) {
      checkPlanAge(saved, rt.deps.clock.now(), maxAgeMs);
      // Checked here first, so a moved listing is shown before any question; checked again inside the run.
      const fresh = await withProgress(io, 'listing and comparing with the plan', () =>
        listAndPlan(rt.deps, rt.policy),
      );
      try {
        planGuard(saved, context)(fresh);
      } catch (err) {
        if (err instanceof PlanMovedError) return printRefusal(io, err);
        throw err;
      }
    }
    const confirm = needsConfirmation({
      dryRun,
      yes: !!flags.yes,
      canAsk: !!io.ask,
      endpoint: rt.config.endpoint,
      env: io.env,
    });
    if (confirm && io.ask) {
      if (!saved) {
        // The plan confirmed is the plan bought: the run refuses if its own listing differs from this one.
        const plan = await withProgress(io, 'listing and planning', () => listAndPlan(rt.deps, rt.policy));
        saved = createPlanFile(plan, context);
      }
      const years = saved.purchases.reduce((sum, p) => sum + p.years, 0);
      const answer = await io.ask(
        `Renew ${saved.purchases.length} domain(s) for ${years} year(s) in total at ${rt.config.endpoint}? This is paid and cannot be refunded. [y/N] `,
      );
      if (!isYes(answer)) {
        io.out('cancelled; nothing was submitted');
        return EXIT.ok;
      }
    }
    let summary: Awaited<ReturnType<typeof executeRenew>>['summary'];
    try {
      ({ summary } = await withProgress(io, dryRun ? 'planning (dry run)' : 'renewing', () =>
        executeRenew(rt.deps, { policy: rt.policy, dryRun, ...(saved ? { guard: planGuard(saved, context) } : {}) }),
      ));
    } catch (err) {
      if (err instanceof PlanMovedError) return printRefusal(io, err);
      throw err;
    }
    if (flags.json) io.out(terminalJson(summary));
    else {
      io.out(
        `renew ${summary.dryRun ? '(dry run) ' : ''}run ${summary.runId}: ${formatCounts(RENEW_COUNTS, summary, 7)}`,
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
