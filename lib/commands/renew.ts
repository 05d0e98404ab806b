import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { namesAccounts } from '../accounts';
import type { AccountJob } from '../compose/accounts';
import { findNotAnsweringAsSandbox, openLocalAccounts } from '../compose/local';
import { isSandboxEndpoint } from '../config';
import { InputError } from '../errors';
import { executeRenew } from '../jobs';
import { mergeAccountResults, runAccounts, throwIfAnyFailed } from '../jobs/accounts';
import { formatCounts, RENEW_COUNTS } from '../jobs/counts';
import { formatMoney } from '../money';
import {
  checkPlanAge,
  createPlanFile,
  DEFAULT_PLAN_MAX_AGE_MS,
  type PlanFile,
  PlanMovedError,
  type PurchaseItem,
  parseMaxAge,
  parsePlanFile,
  planGuard,
} from '../renewal/plan-file';
import { listAndPlan } from '../renewal/plan-listing';
import type { RenewSummary } from '../renewal/run-renew';
import { JOB_FLAGS, parseFlags } from './args';
import { confirmationFor, isYes } from './ask-before-buying';
import { type CliIO, type Command, EXIT } from './io';
import { withProgress } from './progress';
import { refuseOtherPolicy } from './stage-policy';
import { terminalDeep, terminalJson, terminalLine } from './terminal-text';

export const RENEW_USAGE = `usage: autorenew renew [--dry-run] [--yes] [--plan PLAN.json [--max-age 24h]] [--no-run-check] [--policy-differs] [--policy FILE] [--at DATE] [--json] [--verbose]

Runs the renew job once: plan, claim each due domain in the ledger, submit batch renewals, record every TaskNo.
This spends money against a real account. It asks for confirmation on a terminal unless --yes; with no terminal
(a pipe, cron, CI) it refuses, buying nothing (exit 1), unless --yes.
--dry-run buys nothing and prints the plan digest (subject "DRY RUN"): what would be bought, and what would not, why.
--plan buys exactly a plan saved by \`autorenew plan --out\`: it refuses, buying nothing (exit 1) and showing the
difference, if the listing has moved since (an expiry, a status, what would be bought, a higher price), if the
policy or endpoint changed, or if the plan is older than --max-age (default 24h; units s, m, h, d).
--at is accepted only against a loopback sandbox.
On a ledger table (AUTORENEW_TABLE) it buys only for an account with a renew run recorded there: a shell without the
stage's AUTORENEW_ACCOUNTS reads another keyspace than the stage's runs (their claims, holds and budgets). Before the
first renew run on a table, pass --no-run-check. And only with the policy the stage's last run (renew or check) used,
the file it was deployed with: another is refused, buying nothing (exit 1), unless --policy-differs.

examples:
  npx autorenew renew --dry-run
  npx autorenew plan --out plan.json && npx autorenew renew --plan plan.json --max-age 2h
  AUTORENEW_ENDPOINT=http://127.0.0.1:8787 npx autorenew renew --json`;

const FLAGS = {
  'dry-run': { type: 'boolean' },
  yes: { type: 'boolean', short: 'y' },
  plan: { type: 'string' },
  'max-age': { type: 'string' },
  'no-run-check': { type: 'boolean' },
  'policy-differs': { type: 'boolean' },
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
  const localOptions = {
    ...flags,
    job: 'renew',
    notifyTo: flags.json ? 'err' : 'out',
    buying: !flags['dry-run'],
  } as const;
  let rt = await openLocalAccounts(io, localOptions);
  let open = true;
  try {
    if (saved && rt.jobs.length > 1) {
      throw new InputError(
        `a plan file is one account's plan; ${rt.jobs.length} accounts are configured: pass --account NAME with --plan`,
        { path: '--account' },
      );
    }
    const dryRun = !!flags['dry-run'] || rt.config.dryRun;
    if (!dryRun && rt.config.table !== undefined && !flags['no-run-check']) {
      // Every account the shell configures, not only the one --account picks (the refusal's own advice was refused).
      await refuseUnreadKeyspace(rt.jobs, rt.config.table, new Set(rt.configuredAccounts));
    }
    if (!dryRun && rt.config.table !== undefined && !flags['policy-differs'])
      await refuseOtherPolicy(rt.jobs, rt.config.table, 'buy by rules, limits and years the stage does not run');
    const contextOf = (job: AccountJob) => ({ endpoint: job.config.endpoint, policy: job.policy, account: job.label });
    /** The plan each account's run must match before it buys (a saved or a confirmed one), by account label. */
    const plans = new Map<string, PlanFile>();
    if (saved) {
      const job = rt.jobs[0] as AccountJob;
      checkPlanAge(saved, job.deps.clock.now(), maxAgeMs);
      // Checked here first, so a moved listing is shown before any question; checked again inside the run.
      const fresh = await withProgress(io, 'listing and comparing with the plan', () =>
        listAndPlan(job.deps, job.policy),
      );
      try {
        planGuard(saved, contextOf(job))(fresh);
      } catch (err) {
        if (err instanceof PlanMovedError) return printRefusal(io, err);
        throw err;
      }
      plans.set(job.label, saved);
    }
    const where = rt.jobs.map((j) => j.config.endpoint).join(', ');
    const forwarder = dryRun || flags.yes ? undefined : await findNotAnsweringAsSandbox(rt.config);
    const confirm = confirmationFor({
      dryRun,
      yes: !!flags.yes,
      canAsk: !!io.ask,
      // Any account at a real registrar means real money: ask. So does a loopback URL that is not the sandbox.
      endpoint:
        forwarder ?? rt.config.accounts.find((a) => !isSandboxEndpoint(a.endpoint))?.endpoint ?? rt.config.endpoint,
      answersAsSandbox: forwarder === undefined,
    });
    if (confirm === 'needs-yes') {
      throw new InputError(
        `renew would buy real renewals at ${where} and there is no terminal to ask on: pass --yes to confirm (or --dry-run to see the plan); nothing was bought`,
        { path: '--yes' },
      );
    }
    if (confirm === 'ask' && io.ask) {
      for (const job of rt.jobs) {
        if (plans.has(job.label)) continue;
        // The plan confirmed is the plan bought: the run refuses if its own listing differs from this one.
        const plan = await withProgress(io, 'listing and planning', () => listAndPlan(job.deps, job.policy));
        plans.set(job.label, createPlanFile(plan, contextOf(job)));
      }
      const purchases = [...plans.values()].flatMap((p) => p.purchases);
      const years = purchases.reduce((sum, p) => sum + p.years, 0);
      const accounts =
        rt.jobs.length > 1 ? ` in ${rt.jobs.length} accounts (${rt.jobs.map((j) => j.label).join(', ')})` : '';
      // The embedded ledger is one process's at a time: held while nobody answers, it kept the scheduled check and
      // renew of that ledger waiting until they failed, a whole weekend for a question left open (review 2026-12-07;
      // `hold` looks up before opening it, round 8). Closed while the person reads, opened again after a yes: the run
      // buys only what its own listing shows equal to the plan confirmed (planGuard), whatever changed meanwhile.
      const embedded = rt.config.table === undefined;
      if (embedded) {
        open = false;
        await rt.close();
      }
      const answer = await io.ask(
        `Renew ${purchases.length} domain(s) for ${years} year(s) in total${accounts} at ${where}${describeCost(purchases)}? This is paid and cannot be refunded. [y/N] `,
      );
      if (!isYes(answer)) {
        io.out('cancelled; nothing was submitted');
        return EXIT.ok;
      }
      if (embedded) {
        rt = await openLocalAccounts(io, { ...localOptions, reopened: true });
        open = true;
      }
      // Checked again at the answer: a "y" given hours later bought a plan --max-age refuses by then (review
      // 2026-12-07, twenty-seventh session).
      if (saved) checkPlanAge(saved, (rt.jobs[0] as AccountJob).deps.clock.now(), maxAgeMs);
    }
    // A plan saved or confirmed covers the accounts it was made for: one added (or renamed) in the accounts file while
    // the question was open ran with no guard and bought on a "y" that never named it (review 2026-12-07).
    if (plans.size > 0) {
      const now = rt.jobs.map((j) => j.label);
      const changed = now.filter((l) => !plans.has(l)).concat([...plans.keys()].filter((l) => !now.includes(l)));
      if (changed.length > 0) {
        throw new InputError(
          `the accounts changed since the plan was ${saved ? 'made' : 'confirmed'} (${changed.map((l) => l || '(unnamed)').join(', ')}): nothing was bought; run renew again`,
          { path: 'AUTORENEW_ACCOUNTS' },
        );
      }
    }
    let summaries: RenewSummary[];
    try {
      const results = await withProgress(io, dryRun ? 'planning (dry run)' : 'renewing', () =>
        runAccounts(rt.room, rt.runId, rt.jobs, (job) => {
          const plan = plans.get(job.label);
          return executeRenew(job.deps, {
            policy: job.policy,
            dryRun,
            runId: rt.runId,
            ...(plan ? { guard: planGuard(plan, contextOf(job)) } : {}),
            ...(job.global ? { global: job.global } : {}),
          });
        }),
      );
      summaries = throwIfAnyFailed('renew', rt.runId, results).map((r) => r.summary);
    } catch (err) {
      if (err instanceof PlanMovedError) return printRefusal(io, err);
      throw err;
    }
    if (flags.json) io.out(terminalJson(mergeAccountResults(rt.jobs, summaries)));
    else {
      for (const [i, summary] of summaries.entries()) {
        const job = rt.jobs[i] as AccountJob;
        const account = namesAccounts(rt.config.accounts) ? `account ${job.label}: ` : '';
        io.out(
          `${account}renew ${summary.dryRun ? '(dry run) ' : ''}run ${summary.runId}: ${formatCounts(RENEW_COUNTS, summary, 7)}`,
        );
        for (const b of terminalDeep(summary.batches)) {
          io.out(
            `  batch ${b.batchId}: ${b.status}, ${b.domains} domain(s)${b.taskNo ? `, TaskNo ${b.taskNo}` : ''}${b.message ? ` (${b.message})` : ''}`,
          );
        }
      }
    }
    return summaries.some((summary) => summary.rejected > 0) ? EXIT.renewalsFailed : EXIT.ok;
  } finally {
    if (open) await rt.close();
  }
};

/**
 * Refuses a buying run on a ledger table for an account in whose keyspace no renew run is recorded: a shell without
 * the stage's AUTORENEW_ACCOUNTS runs as the unnamed account, blind to the claims, holds, budgets and open batches of
 * the stage's named accounts, and bought what the scheduled run had claimed, and a held domain (review 2026-12-07;
 * `hold` has refused that shell since round 4). Before anything is listed or bought.
 */
async function refuseUnreadKeyspace(
  jobs: readonly AccountJob[],
  table: string,
  configured: ReadonlySet<string>,
): Promise<void> {
  for (const job of jobs) {
    const last = await job.deps.ledger.lastRun('renew');
    // The stage serves accounts this shell does not configure (its unnamed account beside named ones, the README's
    // way to add accounts): this shell's key may be one of theirs, listing their domains into this keyspace, blind to
    // their claims, and it bought a renewal of theirs again (review 2026-12-07, twenty-sixth session).
    const unseen = (last?.accounts ?? []).filter((name) => !configured.has(name));
    if (unseen.length > 0) {
      throw new InputError(
        `the stage's renew runs on ${table} serve account(s) ${unseen.map((n) => n || '(unnamed)').join(', ')}, which this shell does not configure: this shell's key may be one of theirs, and this run would not see what their runs claimed, hold or spent. Set AUTORENEW_ACCOUNTS as deployed and pass --account NAME; nothing was bought`,
        { path: 'AUTORENEW_ACCOUNTS' },
      );
    }
    if (last !== undefined) continue;
    throw new InputError(
      `no renew run is recorded for account ${job.label} in ${table}: this run would not see what the stage's renew runs claimed, hold or spent, and could buy the same renewal again. If the stage serves several accounts (its Accounts output), set AUTORENEW_ACCOUNTS as deployed and pass --account NAME; before the first renew run on this table, pass --no-run-check; nothing was bought`,
      { path: '--account' },
    );
  }
}

/**
 * `, quoted 276.00 CNY` (per currency), what the policy's price table says where no registrar quote was had, and how
 * many have no price: what the person is asked to pay.
 */
export function describeCost(purchases: readonly PurchaseItem[]): string {
  const sum = (items: readonly PurchaseItem[]) => {
    const sums = new Map<string, number>();
    for (const p of items) if (p.price) sums.set(p.price.currency, (sums.get(p.price.currency) ?? 0) + p.price.minor);
    return [...sums].map(([currency, minor]) => formatMoney({ minor, currency })).join(' + ');
  };
  const quoted = sum(purchases.filter((p) => p.price && !p.priceAssumed && !p.priceFromTable));
  // A table price is what the operator typed into the policy, not what the registrar charges: called "quoted", a
  // person said yes to a quote nobody gave (review 2026-12-07, thirty-first session).
  const table = sum(purchases.filter((p) => p.price && p.priceFromTable));
  // An assumed price is the most the policy pays (limits.maxPricePerDomain), not what anyone quoted (review 2026-12-07).
  const assumed = purchases.filter((p) => p.price && p.priceAssumed);
  const unpriced = purchases.filter((p) => !p.price).length + assumed.length;
  const counted = assumed[0]?.price ? ` (counted as ${formatMoney(assumed[0].price)} each)` : '';
  const parts = [
    ...(quoted ? [`quoted ${quoted}`] : []),
    ...(table
      ? [`${table} by the policy's price table (no registrar quote: the registrar charges its own price)`]
      : []),
    ...(unpriced ? [`${unpriced} unpriced${counted}`] : []),
  ];
  return parts.length ? `, ${parts.join(', ')}` : '';
}
