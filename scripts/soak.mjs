// Soak: the chaos scenario of test/reliability (crashes, overlapping and duplicate runs, registrar faults, and the
// partial faults of issue 12: transient ledger errors, executed-then-failed paid calls, queued and lagging tasks,
// out-of-order tasks, truncated expiries, IDN form flips, shifting pages) for simulated years.
// Usage: node scripts/soak.mjs [--years 10] [--seed 1] [--domains 30] [--step-hours 48] [--accounts 1|2]
// --accounts 2: two Alibaba accounts (the second with its own portfolio, key and ledger keyspace, a few names shared
// with the first), every run over both through one accounts room; the checks run per account (domains per account).
// Exit 1 when any money-safety check fails (the seed is printed so the run can be repeated exactly).
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { loadTsModule } from './load-ts.mjs';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const root = resolve(import.meta.dirname, '..');
const { values } = parseArgs({
  options: {
    years: { type: 'string', default: '10' },
    seed: { type: 'string', default: '1' },
    domains: { type: 'string', default: '30' },
    'step-hours': { type: 'string', default: '48' },
    accounts: { type: 'string', default: '1' },
  },
});
const years = Number(values.years);
const seed = Number(values.seed);
const domains = Number(values.domains);
const stepHours = Number(values['step-hours']);
const accounts = Number(values.accounts);
if (
  !(years > 0) ||
  !Number.isInteger(seed) ||
  !Number.isInteger(domains) ||
  domains < 3 ||
  !(stepHours > 0) ||
  (accounts !== 1 && accounts !== 2)
) {
  console.error(
    'usage: node scripts/soak.mjs [--years N (>0)] [--seed INT] [--domains INT (>=3)] [--step-hours H (>0)] [--accounts 1|2]',
  );
  process.exit(1);
}

const { runChaos, describeViolations } = await loadTsModule(root, 'test/helpers/chaos.ts');
const days = Math.round(years * 365);
const report = await runChaos({
  seed,
  days,
  domains,
  stepHours,
  spreadDays: 365,
  ...(accounts === 2 ? { accounts: 2 } : {}),
  onDay: (day) => {
    if (day % 365 === 0 && day > 0) process.stderr.write(`  year ${day / 365} done\n`);
  },
});
const violations = describeViolations(report);
const rows = [
  ['seed', report.seed],
  ...(accounts === 2 ? [['accounts', accounts]] : []),
  ['simulated days', report.days],
  ['renew runs', report.renewRuns],
  ['check runs', report.checkRuns],
  ['crashes (in-process)', report.crashes],
  ...(report.processCrashes !== undefined
    ? [['  of which the whole process (both accounts)', report.processCrashes]]
    : []),
  ['runs failed on their own', report.failedRuns],
  ['faults injected: throttled', report.faultsInjected.throttled],
  ['faults injected: 5xx', report.faultsInjected.errored],
  ['faults injected: lost responses', report.faultsInjected.lost],
  ['faults injected: executed, then an error', report.partial.executeThenFail],
  ['faults injected: transient ledger errors', report.partial.ledgerFaults],
  ['submissions accepted', report.submissions],
  ['renewals executed', report.renewals],
  ...(report.perAccount ?? []).map((a) => [`  of which account ${a.label}`, a.renewals]),
  ...(report.globalCap
    ? [
        ['renew runs under a global daily cap', report.globalCap.runs],
        ['domains deferred by the global cap', report.globalCap.deferred],
      ]
    : []),
  ['failure notices', report.failureNotices],
  ['wall time (s)', (report.elapsedMs / 1000).toFixed(1)],
];
// The money-safety table of issue 12: every measure must be 0.
const safety = [
  ['duplicate renewals', report.duplicates.length + report.doubleRenewals.length],
  ['lost TaskNos', report.lostTasks.length],
  ['silent lapses (expired, never alerted)', report.silentlyLapsed.length],
  ['false "renewed"', report.falseRenewed.length],
  ['orphaned claims', report.orphanedClaims.length + report.repairs.length],
  ['unnotified / repeated failures', report.unnotifiedFailures.length + report.repeatedFailureNotices.length],
  ['open batches after drain', report.openAtEnd],
  ...(report.globalCapExceeded ? [['days over the global daily cap', report.globalCapExceeded.length]] : []),
];
const width = Math.max(...[...rows, ...safety].map(([k]) => String(k).length));
console.log(`| ${'measure'.padEnd(width)} | value |`);
console.log(`| ${'-'.repeat(width)} | ----- |`);
for (const [k, v] of rows) console.log(`| ${String(k).padEnd(width)} | ${v} |`);
console.log('');
console.log(`| ${'money-safety measure'.padEnd(width)} | value | required |`);
console.log(`| ${'-'.repeat(width)} | ----- | -------- |`);
for (const [k, v] of safety) console.log(`| ${String(k).padEnd(width)} | ${v} | 0 |`);
if (violations.length > 0 || report.openAtEnd > 0) {
  const again = `--seed ${seed} --years ${years}${accounts === 2 ? ' --accounts 2' : ''}`;
  console.error(`SOAK FAILED (seed ${seed}; repeat with ${again}):`);
  for (const v of violations) console.error(`  ${v}`);
  process.exit(1);
}
