import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { openLocalRuntime } from '../compose/local';
import { explainEmptyListing } from '../renewal/empty-plan';
import { listingWindow } from '../renewal/plan';
import { createPlanFile } from '../renewal/plan-file';
import { formatPlanTable, planToJson } from '../renewal/plan-format';
import { listAndPlan } from '../renewal/plan-listing';
import { JOB_FLAGS, parseFlags } from './args';
import { type Command, EXIT } from './io';
import { withProgress } from './progress';
import { terminalDeep, terminalJson, terminalLine } from './terminal-text';

export const PLAN_USAGE = `usage: autorenew plan [--policy FILE] [--at DATE] [--out PLAN.json] [--json] [--verbose]

Dry run: lists the domains in the policy's widest window, decides each one and prints why. Never buys anything.
--out saves the plan (versioned, hashed) for \`autorenew renew --plan PLAN.json\`, which buys exactly that plan.

examples:
  ALIBABA_CLOUD_ACCESS_KEY_ID=... ALIBABA_CLOUD_ACCESS_KEY_SECRET=... npx autorenew plan
  npx autorenew plan --policy policies/examples/brand-portfolio.json --at 2027-01-15 --json
  npx autorenew plan --out plan.json && npx autorenew renew --plan plan.json`;

const FLAGS = { ...JOB_FLAGS, out: { type: 'string' } } as const;

/** `plan`: the free part of a run (list + plan), printed as a table, plain lines or JSON. */
export const planCommand: Command = async (args, io) => {
  const flags = parseFlags('plan', args, FLAGS, PLAN_USAGE);
  if (flags.help) {
    io.out(PLAN_USAGE);
    return EXIT.ok;
  }
  const rt = await openLocalRuntime(io, {
    ...flags,
    atAllowedAnywhere: true,
    notifyTo: 'err',
    alibabaAccess: 'read',
  });
  try {
    const plan = await withProgress(io, 'listing and planning', () => listAndPlan(rt.deps, rt.policy));
    if (plan.decisions.length === 0 && flags.at !== undefined) {
      // Say why nothing shows: one more free listing, of the whole account, only in this case.
      const all = await rt.deps.registrar.listDomains({});
      const window = listingWindow(rt.policy, plan.nowMs);
      io.err(terminalLine(explainEmptyListing(all, window, { nowMs: plan.nowMs, at: flags.at })));
    }
    if (flags.out) {
      const file = createPlanFile(plan, { endpoint: rt.config.endpoint, policy: rt.policy });
      await writeFile(resolve(io.cwd, flags.out), `${JSON.stringify(file, null, 2)}\n`, { mode: 0o600 });
      io.err(
        `plan saved to ${flags.out}: ${file.purchases.length} domain(s) to renew, hash ${file.hash.slice(0, 12)}; buy it with autorenew renew --plan ${flags.out}`,
      );
    }
    // Registrar text (domain names, reasons) is made safe before layout, so truncation never cuts an escape in half.
    if (flags.json) io.out(terminalJson(planToJson(plan)));
    else {
      for (const line of formatPlanTable(terminalDeep(plan), { width: terminalWidth(io.env), tty: io.isTTY })) {
        io.out(line);
      }
    }
    return EXIT.ok;
  } finally {
    await rt.close();
  }
};

/** Terminal width: COLUMNS or stdout's, at least 60, default 80. */
export function terminalWidth(env: Readonly<Record<string, string | undefined>>): number {
  const cols = Number(env.COLUMNS) || process.stdout.columns || 80;
  return Math.max(60, cols);
}
