import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openLocalRuntime } from '../compose/local';
import { executeCheck, executeRenew } from '../jobs';
import { noticeDaysOf } from '../renewal/notice';
import { formatPlanTable } from '../renewal/plan-format';
import { listAndPlan } from '../renewal/plan-listing';
import type { RenewSummary } from '../renewal/run-renew';
import { startSandbox } from '../sandbox';
import { parseFlags } from './args';
import { buildDemoPortfolio } from './demo-portfolio';
import { type Command, EXIT } from './io';
import { terminalWidth } from './plan';

export const DEMO_USAGE = `usage: autorenew demo [--policy FILE] [--verbose]

The whole cycle with no accounts: starts the sandbox registrar with a mixed portfolio and a balance, an embedded
ledger in a temporary directory and the console notifier; holds one domain, prints the priced plan, renews (the
advance notice goes out), lets the notice period pass on the sandbox's clock, renews within the balance (a domain
it cannot afford is deferred with a top-up message), checks until every batch is final, prints the digests and a
summary, then stops everything it started.

examples:
  npm start
  npx autorenew demo --policy policies/examples/brand-portfolio.json`;

const FLAGS = {
  policy: { type: 'string' },
  verbose: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

const DAY_MS = 86_400_000;
/** The domain the demo puts on hold (see lib/commands/demo-portfolio.ts). */
const DEMO_HELD = 'acme-events.org';

function describeRun(summary: RenewSummary | undefined): string {
  if (!summary) return '';
  return `planned ${summary.planned}, submitted ${summary.submitted} domain(s) in ${summary.batches.length} batch(es); unknown ${summary.unknown}, rejected ${summary.rejected}, deferred ${summary.deferred}`;
}

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
      // The jobs follow the sandbox's simulated clock, so the demo can let a week pass in an instant.
      const deps = { ...rt.deps, clock: { now: () => sandbox.now() } };
      io.out(
        `sandbox registrar at ${sandbox.url} with ${sandbox.state().domains.length} domains and a balance of ${sandbox.state().balance} CNY; ledger in ${ledgerDir}`,
      );
      // A person vetoes one renewal (autorenew hold): it is planned as held and never bought.
      await deps.ledger.putHold({
        domain: DEMO_HELD,
        reason: 'brand retired; let it lapse',
        createdAtMs: deps.clock.now(),
      });
      io.out(`held ${DEMO_HELD} (as \`autorenew hold ${DEMO_HELD}\` would)`);
      io.out('');
      io.out('== plan (free: nothing is bought) ==');
      const plan = await listAndPlan(deps, rt.policy);
      for (const line of formatPlanTable(plan, { width: terminalWidth(io.env), tty: io.isTTY })) io.out(line);

      const runs = [];
      io.out('');
      io.out('== renew, day 1: the advance notice goes out; only what would lapse first is bought ==');
      runs.push(await executeRenew(deps, { policy: rt.policy, dryRun: false }));
      io.out(describeRun(runs[0]?.summary));
      const noticeDays = noticeDaysOf(rt.policy);
      if (noticeDays > 0) {
        sandbox.setClock({ advanceMs: noticeDays * DAY_MS });
        io.out('');
        io.out(`== renew, ${noticeDays} days later: the notice has run its course; bought within the balance ==`);
        runs.push(await executeRenew(deps, { policy: rt.policy, dryRun: false }));
        io.out(describeRun(runs[1]?.summary));
      }

      io.out('');
      io.out('== check (until every batch is final) ==');
      let renewed = 0;
      let failed = 0;
      for (let poll = 1; poll <= MAX_POLLS; poll++) {
        const result = await executeCheck(deps, { policy: rt.policy });
        renewed += result.renewed;
        failed += result.failed;
        const open = (await deps.ledger.listOpenBatches()).filter((b) => b.status !== 'CLOSED');
        if (open.length === 0) break;
        io.out(
          `  waiting for the registrar: ${result.pending} domain(s) in ${open.length} task(s) still running (check ${poll})`,
        );
        await new Promise((r) => setTimeout(r, POLL_MS));
      }
      const state = sandbox.state();
      const planned = runs.reduce((n, r) => n + r.summary.planned, 0);
      io.out('');
      io.out(
        `demo done: ${plan.totals.listed} domains listed, ${planned} planned, ${renewed} renewed, ${failed} failed, ${plan.totals.listed - planned} skipped; the sandbox executed ${state.renewals.length} renewal(s) and holds ${state.submissions.length} submission(s)`,
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
