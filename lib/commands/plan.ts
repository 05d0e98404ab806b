import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { namesAccounts } from '../accounts';
import type { AccountJob } from '../compose/accounts';
import { openLocalAccounts } from '../compose/local';
import { InputError } from '../errors';
import { explainEmptyListing } from '../renewal/empty-plan';
import { listingWindow } from '../renewal/plan';
import { createPlanFile } from '../renewal/plan-file';
import { formatPlanTable, planToJson } from '../renewal/plan-format';
import { listAndPlan } from '../renewal/plan-listing';
import type { Plan } from '../renewal/plan-types';
import { JOB_FLAGS, parseFlags } from './args';
import { type Command, EXIT } from './io';
import { withProgress } from './progress';
import { terminalDeep, terminalJson, terminalLine } from './terminal-text';

export const PLAN_USAGE = `usage: autorenew plan [--policy FILE] [--account NAME] [--at DATE] [--out PLAN.json] [--json] [--verbose]

Dry run: lists the domains in the policy's widest window, decides each one and prints why. Never buys anything.
--out saves the plan (versioned, hashed) for \`autorenew renew --plan PLAN.json\`, which buys exactly that plan.
With several accounts (AUTORENEW_ACCOUNTS), every account's plan, each line starting with its account (JSON:
{"accounts": {NAME: plan}}); --account NAME plans only that one (needed with --out). A named account's plan shows
its account (a column; an "account" field in JSON).

examples:
  ALIBABA_CLOUD_ACCESS_KEY_ID=... ALIBABA_CLOUD_ACCESS_KEY_SECRET=... npx autorenew plan
  npx autorenew plan --policy policies/examples/brand-portfolio.json --at 2027-01-15 --json
  npx autorenew plan --out plan.json && npx autorenew renew --plan plan.json`;

const FLAGS = { ...JOB_FLAGS, out: { type: 'string' } } as const;

/** `plan`: the free part of a run (list + plan), printed as a table, plain lines or JSON; per account. */
export const planCommand: Command = async (args, io) => {
  const flags = parseFlags('plan', args, FLAGS, PLAN_USAGE);
  if (flags.help) {
    io.out(PLAN_USAGE);
    return EXIT.ok;
  }
  const rt = await openLocalAccounts(io, {
    ...flags,
    atAllowedAnywhere: true,
    notifyTo: 'err',
    alibabaAccess: 'read',
  });
  try {
    if (flags.out && rt.jobs.length > 1) {
      throw new InputError(
        `a plan file is one account's plan; ${rt.jobs.length} accounts are configured (${rt.jobs.map((j) => j.label).join(', ')}): pass --account NAME with --out`,
        { path: '--account' },
      );
    }
    // Named accounts are shown by name; the plan of a lone unnamed account looks as it always has.
    const labelled = namesAccounts(rt.config.accounts);
    const plans: Plan[] = [];
    for (const job of rt.jobs) {
      const what = labelled ? `listing and planning (account ${job.label})` : 'listing and planning';
      const plan = await withProgress(io, what, () => listAndPlan(job.deps, job.policy));
      if (plan.decisions.length === 0 && flags.at !== undefined) {
        // Say why nothing shows: one more free listing, of the whole account, only in this case.
        const all = await job.deps.registrar.listDomains({});
        const window = listingWindow(job.policy, plan.nowMs);
        const which = labelled ? `account ${job.label}: ` : '';
        io.err(terminalLine(`${which}${explainEmptyListing(all, window, { nowMs: plan.nowMs, at: flags.at })}`));
      }
      plans.push(plan);
    }
    const only = rt.jobs[0] as AccountJob;
    if (flags.out) {
      const plan = plans[0] as Plan;
      const file = createPlanFile(plan, { endpoint: only.config.endpoint, policy: only.policy, account: only.label });
      await writeFile(resolve(io.cwd, flags.out), `${JSON.stringify(file, null, 2)}\n`, { mode: 0o600 });
      io.err(
        `plan saved to ${flags.out}: ${file.purchases.length} domain(s) to renew, hash ${file.hash.slice(0, 12)}; buy it with autorenew renew --plan ${flags.out}${labelled ? ` --account ${only.label}` : ''}`,
      );
    }
    // Registrar text (domain names, reasons) is made safe before layout, so truncation never cuts an escape in half.
    if (flags.json) {
      const json = plans.map((plan, i) => accountPlanJson(plan, labelled ? rt.jobs[i]?.label : undefined));
      const byAccount = Object.fromEntries(json.map((j, i) => [rt.jobs[i]?.label, j]));
      io.out(terminalJson(json.length === 1 ? json[0] : { accounts: byAccount }));
    } else {
      for (const [i, plan] of plans.entries()) {
        const account = labelled ? rt.jobs[i]?.label : undefined;
        const options = { width: terminalWidth(io.env), tty: io.isTTY, ...(account !== undefined ? { account } : {}) };
        for (const line of formatPlanTable(terminalDeep(plan), options)) io.out(line);
      }
    }
    return EXIT.ok;
  } finally {
    await rt.close();
  }
};

/** A plan's JSON; with `account`, that field first at the top and in each decision. */
function accountPlanJson(plan: Plan, account: string | undefined) {
  const json = planToJson(plan);
  if (account === undefined) return json;
  return { account, ...json, decisions: json.decisions.map((d) => ({ account, ...d })) };
}

/** Terminal width: COLUMNS or stdout's, at least 60, default 80. */
export function terminalWidth(env: Readonly<Record<string, string | undefined>>): number {
  const cols = Number(env.COLUMNS) || process.stdout.columns || 80;
  return Math.max(60, cols);
}
