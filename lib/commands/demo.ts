import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { executeCheck, executeRenew } from '../jobs';
import { formatPlanTable } from '../renewal/plan-format';
import { listAndPlan } from '../renewal/plan-listing';
import { startSandbox } from '../sandbox';
import { parseFlags } from './args';
import { buildDemoPortfolio } from './demo-portfolio';
import { type Command, EXIT } from './io';
import { openLocalRuntime } from './local-runtime';
import { terminalWidth } from './plan';

export const DEMO_USAGE = `usage: autorenew demo [--policy FILE] [--verbose]

The whole cycle with no accounts: starts the sandbox registrar with a mixed portfolio, an embedded ledger in a
temporary directory and the console notifier; prints the plan, renews, checks until every batch is final, prints
the digest and a summary, then stops everything it started.

examples:
  npm start
  npx autorenew demo --policy policies/examples/brand-portfolio.json`;

const FLAGS = {
  policy: { type: 'string' },
  verbose: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** Simulated ms a sandbox task spends in each stage: fast, so the demo finishes in seconds. */
const TASK_MS = 400;
const POLL_MS = 300;
const MAX_POLLS = 100;

/** `demo` (= `npm start`): plan -> renew -> check on the sandbox, end to end, with the real job code. */
export const demoCommand: Command = async (args, io) => {
  const flags = parseFlags('demo', args, FLAGS, DEMO_USAGE);
  if (flags.help) {
    io.out(DEMO_USAGE);
    return EXIT.ok;
  }
  const sandbox = await startSandbox({ fixture: buildDemoPortfolio(Date.now()), taskMs: TASK_MS });
  const ledgerDir = await mkdtemp(join(tmpdir(), 'autorenew-demo-'));
  const env = {
    ...io.env,
    AUTORENEW_ENDPOINT: sandbox.url,
    ALIBABA_CLOUD_ACCESS_KEY_ID: sandbox.accessKeyId,
    ALIBABA_CLOUD_ACCESS_KEY_SECRET: sandbox.accessKeySecret,
    AUTORENEW_LEDGER_DIR: ledgerDir,
    AUTORENEW_TABLE: undefined,
    AUTORENEW_TOPIC_ARN: undefined,
    AUTORENEW_SECRET_ID: undefined,
    AUTORENEW_DRY_RUN: undefined,
    ALIBABA_CLOUD_SECURITY_TOKEN: undefined,
  };
  try {
    const rt = await openLocalRuntime({ ...io, env }, { ...flags });
    try {
      io.out(
        `sandbox registrar at ${sandbox.url} with ${sandbox.state().domains.length} domains; ledger in ${ledgerDir}`,
      );
      io.out('');
      io.out('== plan (free: nothing is bought) ==');
      const plan = await listAndPlan(rt.deps, rt.policy);
      for (const line of formatPlanTable(plan, { width: terminalWidth(io.env), tty: io.isTTY })) io.out(line);

      io.out('');
      io.out('== renew ==');
      const { summary } = await executeRenew(rt.deps, { policy: rt.policy, dryRun: false });
      io.out(
        `submitted ${summary.submitted} domain(s) in ${summary.batches.length} batch(es); unknown ${summary.unknown}, rejected ${summary.rejected}`,
      );

      io.out('');
      io.out('== check (until every batch is final) ==');
      let renewed = 0;
      let failed = 0;
      for (let poll = 1; poll <= MAX_POLLS; poll++) {
        const result = await executeCheck(rt.deps, { policy: rt.policy });
        renewed += result.renewed;
        failed += result.failed;
        const open = (await rt.deps.ledger.listOpenBatches()).filter((b) => b.status !== 'CLOSED');
        if (open.length === 0) break;
        io.out(
          `  waiting for the registrar: ${result.pending} domain(s) in ${open.length} task(s) still running (check ${poll})`,
        );
        await new Promise((r) => setTimeout(r, POLL_MS));
      }
      const state = sandbox.state();
      io.out('');
      io.out(
        `demo done: ${plan.totals.listed} domains listed, ${plan.totals.renew} planned, ${renewed} renewed, ${failed} failed, ${plan.totals.skip} skipped; the sandbox executed ${state.renewals.length} renewal(s) and holds ${state.submissions.length} submission(s)`,
      );
      return EXIT.ok;
    } finally {
      await rt.close();
    }
  } finally {
    await sandbox.close();
    await rm(ledgerDir, { recursive: true, force: true });
  }
};
