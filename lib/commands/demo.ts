import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { PER_ACCOUNT_VARIABLES } from '../accounts';
import { openLocalAccounts } from '../compose/local';
import { DEFAULT_POLICY } from '../config';
import { executeCheck, executeRenew } from '../jobs';
import { runAccounts, throwIfAnyFailed } from '../jobs/accounts';
import { loadPolicyFile } from '../policy/load';
import { noticeDaysOf } from '../renewal/notice';
import { formatPlanTable } from '../renewal/plan-format';
import { listAndPlan } from '../renewal/plan-listing';
import type { RenewSummary } from '../renewal/run-renew';
import { startSandbox } from '../sandbox';
import { INTL_VERSION } from '../sandbox/ops';
import { parseFlags } from './args';
import { buildDemoPortfolio, buildIntlPortfolio } from './demo-portfolio';
import { type CliIO, type Command, EXIT } from './io';
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

function describeRuns(jobs: readonly { label: string }[], runs: readonly { summary: RenewSummary }[]): string {
  return runs
    .map(({ summary }, i) => {
      const label = jobs[i]?.label ?? '?';
      return `account ${label}: planned ${summary.planned}, submitted ${summary.submitted} domain(s) in ${summary.batches.length} batch(es); unknown ${summary.unknown}, rejected ${summary.rejected}, deferred ${summary.deferred}`;
    })
    .join('\n');
}

/** The demo's international account's key pair in the sandbox (not a secret: the sandbox is local). */
const DEMO_INTL_KEY = { accessKeyId: 'demo-intl-key-id', accessKeySecret: 'demo-intl-key-secret' };
/** The demo sets the accounts itself: none of the single-account variables may leak in from the shell. */
const SINGLE_ACCOUNT_VARIABLES = [
  ...PER_ACCOUNT_VARIABLES,
  'ALIBABA_CLOUD_ACCESS_KEY_ID',
  'ALIBABA_CLOUD_ACCESS_KEY_SECRET',
  'ALIBABA_CLOUD_SECURITY_TOKEN',
];

/** Simulated ms a sandbox task spends in each stage: fast, so the demo finishes in seconds. */
const TASK_MS = 400;
const POLL_MS = 300;
const MAX_POLLS = 100;

/**
 * The policy file the demo runs with: `file` itself, or a copy at `copy` without its `notify.targets`, so the demo's
 * made-up digests reach no real chat target, even in a shell holding the targets' URLs (review 2026-12-05, round 5,
 * L: `demo --policy` posted them to the team's webhook).
 */
async function withoutChatTargets(io: Pick<CliIO, 'err'>, file: string, copy: string): Promise<string> {
  const raw = JSON.parse(await readFile(file, 'utf8')) as { notify?: { targets?: unknown } };
  if (raw.notify?.targets === undefined) return file;
  delete raw.notify.targets;
  await writeFile(copy, JSON.stringify(raw));
  io.err("demo: the policy's chat targets (notify.targets) are left out: the demo posts to no chat");
  return copy;
}

/** `demo` (= `npm start`): plan -> renew -> check on the sandbox, end to end, with the real job code. */
export const demoCommand: Command = async (args, io) => {
  const flags = parseFlags('demo', args, FLAGS, DEMO_USAGE);
  if (flags.help) {
    io.out(DEMO_USAGE);
    return EXIT.ok;
  }
  const sandbox = await startSandbox({
    fixture: buildDemoPortfolio(Date.now()),
    taskMs: TASK_MS,
    accounts: [{ name: 'intl', ...DEMO_INTL_KEY, currency: 'USD', fixture: buildIntlPortfolio(Date.now()) }],
  });
  const ledgerDir = await mkdtemp(join(tmpdir(), 'autorenew-demo-'));
  try {
    // Two accounts in one run, one per site: the China-site portfolio and a small international one (USD).
    const givenPolicy = resolve(io.cwd, flags.policy ?? DEFAULT_POLICY);
    const notice = noticeDaysOf(await loadPolicyFile(givenPolicy)); // validated where it is, errors naming it
    const cnPolicy = await withoutChatTargets(io, givenPolicy, join(ledgerDir, 'policy.json'));
    const intlPolicy = join(ledgerDir, 'intl-policy.json');
    await writeFile(
      intlPolicy,
      // The sandbox answers intl renew fees in CheckDomain's Price, so the demo's policy reads it (README, The
      // international site: a real account checks one such price against the console first).
      JSON.stringify({
        version: 1,
        money: { currency: 'USD', checkDomainPrice: 'use' },
        notify: { advanceDays: notice },
      }),
    );
    const env = {
      ...io.env,
      AUTORENEW_ACCOUNTS: JSON.stringify([
        {
          name: 'cn',
          endpoint: sandbox.url,
          accessKeyIdEnv: 'DEMO_CN_KEY_ID',
          accessKeySecretEnv: 'DEMO_CN_KEY_SECRET',
        },
        {
          name: 'intl',
          site: 'intl',
          endpoint: sandbox.url,
          accessKeyIdEnv: 'DEMO_INTL_KEY_ID',
          accessKeySecretEnv: 'DEMO_INTL_KEY_SECRET',
          policy: intlPolicy,
        },
      ]),
      AUTORENEW_POLICY: cnPolicy,
      DEMO_CN_KEY_ID: sandbox.accessKeyId,
      DEMO_CN_KEY_SECRET: sandbox.accessKeySecret,
      DEMO_INTL_KEY_ID: DEMO_INTL_KEY.accessKeyId,
      DEMO_INTL_KEY_SECRET: DEMO_INTL_KEY.accessKeySecret,
      AUTORENEW_LEDGER_DIR: ledgerDir,
      AUTORENEW_GLOBAL_MAX_DOMAINS: undefined,
      AUTORENEW_TABLE: undefined,
      AUTORENEW_TOPIC_ARN: undefined,
      AUTORENEW_DRY_RUN: undefined,
      ...Object.fromEntries(SINGLE_ACCOUNT_VARIABLES.map((name) => [name, undefined])),
    };
    const rt = await openLocalAccounts({ ...io, env }, { verbose: !!flags.verbose });
    try {
      // The jobs follow the sandbox's simulated clock, so the demo can let a week pass in an instant.
      const clock = { now: () => sandbox.now() };
      const jobs = rt.jobs.map((job) => ({ ...job, deps: { ...job.deps, clock } }));
      const cn = jobs[0] as (typeof jobs)[number];
      io.out(
        `sandbox registrar at ${sandbox.url}: account cn (China site) with ${sandbox.state().domains.length} domains and ${sandbox.state().balance} CNY, account intl (international site, API ${INTL_VERSION}) with ${sandbox.state('intl').domains.length} domains and ${sandbox.state('intl').balance} USD; ledger in ${ledgerDir}`,
      );
      // A person vetoes one renewal (autorenew hold): it is planned as held and never bought.
      await cn.deps.ledger.putHolds([
        {
          domain: DEMO_HELD,
          reason: 'brand retired; let it lapse',
          createdAtMs: clock.now(),
        },
      ]);
      io.out(`held ${DEMO_HELD} in account cn (as \`autorenew hold ${DEMO_HELD} --account cn\` would)`);
      const plans = [];
      for (const job of jobs) {
        io.out('');
        io.out(`== plan, account ${job.label} (free: nothing is bought) ==`);
        const plan = await listAndPlan(job.deps, job.policy);
        plans.push(plan);
        for (const line of formatPlanTable(plan, { width: terminalWidth(io.env), tty: io.isTTY })) io.out(line);
      }
      const renewAll = async (runId = randomUUID()) =>
        throwIfAnyFailed(
          'renew',
          runId,
          await runAccounts(rt.room, runId, jobs, (job) =>
            executeRenew(job.deps, { policy: job.policy, dryRun: false, runId }),
          ),
        );
      const runs = [];
      io.out('');
      io.out('== renew, day 1, both accounts: the advance notice goes out; only what would lapse first is bought ==');
      runs.push(...(await renewAll()));
      io.out(describeRuns(jobs, runs.slice(-jobs.length)));
      if (notice > 0) {
        sandbox.setClock({ advanceMs: notice * DAY_MS });
        io.out('');
        io.out(`== renew, ${notice} days later: the notice has run its course; bought within each balance ==`);
        runs.push(...(await renewAll()));
        io.out(describeRuns(jobs, runs.slice(-jobs.length)));
      }

      io.out('');
      io.out('== check (until every batch is final) ==');
      let renewed = 0;
      let failed = 0;
      for (let poll = 1; poll <= MAX_POLLS; poll++) {
        const runId = randomUUID();
        const results = throwIfAnyFailed(
          'check',
          runId,
          await runAccounts(rt.room, runId, jobs, (job) => executeCheck(job.deps, { policy: job.policy, runId })),
        );
        renewed += results.reduce((n, r) => n + r.renewed, 0);
        failed += results.reduce((n, r) => n + r.failed, 0);
        const open = (await Promise.all(jobs.map((j) => j.deps.ledger.listOpenBatches())))
          .flat()
          .filter((b) => b.status !== 'CLOSED');
        if (open.length === 0) break;
        const pending = results.reduce((n, r) => n + r.pending, 0);
        io.out(
          `  waiting for the registrar: ${pending} domain(s) in ${open.length} task(s) still running (check ${poll})`,
        );
        await new Promise((r) => setTimeout(r, POLL_MS));
      }
      const states = [sandbox.state(), sandbox.state('intl')];
      const listed = plans.reduce((n, p) => n + p.totals.listed, 0);
      const planned = runs.reduce((n, r) => n + r.summary.planned, 0);
      io.out('');
      io.out(
        `demo done: ${listed} domains listed, ${planned} planned, ${renewed} renewed, ${failed} failed, ${listed - planned} skipped; the sandbox executed ${states.reduce((n, s) => n + s.renewals.length, 0)} renewal(s) and holds ${states.reduce((n, s) => n + s.submissions.length, 0)} submission(s), in 2 accounts`,
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
