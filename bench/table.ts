import type { BenchReport } from './bench';
import { CONFIRM, DETAIL, LIST, SUBMIT } from './minimum';
import { LIMITS, type SizeReport, wallLimitFor } from './report';

const s = (ms: number) => (ms / 1000).toFixed(2);
const x = (v: number | null | undefined) => (typeof v === 'number' && Number.isFinite(v) ? v.toFixed(2) : '-');
const cpu = (v: number | null | undefined) => (typeof v === 'number' && Number.isFinite(v) ? v.toFixed(2) : '-');

function row(cells: readonly string[]): string {
  return `| ${cells.join(' | ')} |`;
}

function callCell(size: SizeReport, action: string): string {
  return `${size.job.calls[action] ?? 0}/${size.job.expected[action] ?? 0}`;
}

/** The results as Markdown tables (stdout and the README). */
/** The per-size table: calls against the minimum, wall against the critical path, CPU, memory, the baseline. */
function sizesTable(sizes: readonly SizeReport[]): string[] {
  const lines = [
    row([
      'N',
      'R',
      'List',
      'Submit',
      'Detail',
      'Confirm',
      'calls/min',
      'wall s',
      'path s',
      'wall/path',
      'CPU ms/domain',
      'CPU ms/renewal',
      'peak RSS MB renew/check',
      'start RSS MB',
      'naive s',
      'speed-up',
    ]),
    row(Array.from({ length: 16 }, () => '---')),
  ];
  for (const size of sizes) {
    lines.push(
      row([
        String(size.n),
        String(size.portfolio.renewals),
        callCell(size, LIST),
        callCell(size, SUBMIT),
        callCell(size, DETAIL),
        callCell(size, CONFIRM),
        x(size.job.callsOverExpected),
        s(size.job.wallMs),
        s(size.job.criticalPathMs.total),
        x(size.job.wallOverCriticalPath),
        cpu(size.job.cpuMsPerListed),
        cpu(size.job.cpuMsPerRenewal),
        `${size.job.renewPeakRssMb.toFixed(0)}/${size.job.checkPeakRssMb.toFixed(0)}`,
        size.job.startupRssMb.toFixed(0),
        size.baseline ? s(size.baseline.wallMs) : '-',
        size.speedUp !== undefined ? `${x(size.speedUp)}x` : '-',
      ]),
    );
  }
  return lines;
}

export function formatReport(report: BenchReport): string {
  const st = report.settings;
  const m = report.machine;
  const lines = [
    `Machine: ${m.cpus} x ${m.cpuModel}, ${m.memoryGb} GB, Node ${m.node}, ${m.os}; ${report.startedAt}`,
    `Settings: latency ${st.latencyMs} ms per call${st.ledgerLatencyMs ? ` (ledger ${st.ledgerLatencyMs} ms per request)` : ''}, QPS budget ${st.qps} calls/s (job and baseline), page size ${st.pageSize}, ` +
      `list concurrency ${st.listConcurrency}, max batch ${st.maxBatchSize}, due share ${st.shares.due}`,
    '',
    ...sizesTable(report.sizes),
  ];
  if (report.unbudgeted) {
    lines.push(
      '',
      `Without a call budget (QPS ${report.unbudgeted.qps} calls/s, same latency, no baseline):`,
      '',
      ...sizesTable(report.unbudgeted.sizes),
    );
  }
  lines.push(
    '',
    "Calls are actual/minimum per Action as counted by the sandbox. CPU is the job process's own user + system time",
    'over both runs (process.cpuUsage), per listed domain and per renewal: unlike wall time, load barely moves it.',
    "Renew and check run in two processes, as the two functions do; peak RSS is each one's maxRSS. Start RSS is a",
    'job process once its code is loaded and its clients built, before the first call (no AWS SDK: the ledger has',
    'its own HTTP client; nothing is published and the keys are given, so SNS and Secrets Manager are not loaded).',
  );
  const probed = report.sizes.filter((size) => size.job.liveMb);
  if (probed.length > 0) {
    lines.push(
      '',
      row([
        'N',
        'live heap MB start',
        'after renew',
        'after check',
        'RSS MB after GC (check)',
        'at peak RSS: RSS MB',
        'heap total MB',
        'heap used MB',
        'external MB',
      ]),
      row(Array.from({ length: 9 }, () => '---')),
      ...probed.map((size) => {
        const l = size.job.liveMb as NonNullable<typeof size.job.liveMb>;
        return row([
          String(size.n),
          l.start.heapUsed.toFixed(1),
          l.afterRenew.heapUsed.toFixed(1),
          l.afterCheck.heapUsed.toFixed(1),
          l.afterCheck.rss.toFixed(0),
          l.atPeakRss.rss.toFixed(0),
          l.atPeakRss.heapTotal.toFixed(0),
          l.atPeakRss.heapUsed.toFixed(0),
          l.atPeakRss.external.toFixed(1),
        ]);
      }),
    );
  }
  if (report.bundles) {
    const b = report.bundles;
    lines.push(
      '',
      row([
        'bundle',
        'size KB',
        'node flags (its NODE_OPTIONS)',
        `load ms (median of ${b.runs})`,
        'empty file, same flags ms',
        'over empty ms',
      ]),
      row(['---', '---', '---', '---', '---', '---']),
      row(['(empty)', '0.0', '(none)', b.emptyMedianMs.toFixed(1), '-', '-']),
      ...b.bundles.map((h) =>
        row([
          h.name,
          (h.bytes / 1024).toFixed(1),
          h.nodeOptions.join(' ') || '(none)',
          h.loadMedianMs.toFixed(1),
          h.emptyMedianMs.toFixed(1),
          h.overheadMs.toFixed(1),
        ]),
      ),
    );
  }
  if (report.budgets) {
    lines.push(
      '',
      row(['budget', 'measured ms', 'limit ms']),
      row(['---', '---', '---']),
      ...report.budgets.map((b) => row([b.what, b.measuredMs.toFixed(0), String(b.limitMs)])),
    );
  }
  lines.push('', ...formatAcceptance(report));
  return lines.join('\n');
}

function formatAcceptance(report: BenchReport): string[] {
  const out: string[] = [];
  const mark = (ok: boolean) => (ok ? 'PASS' : 'FAIL');
  const passes = [
    { prefix: '', qps: report.settings.qps, sizes: report.sizes },
    ...(report.unbudgeted ? [{ prefix: `QPS ${report.unbudgeted.qps} `, ...report.unbudgeted }] : []),
  ];
  for (const { prefix, qps, sizes } of passes) {
    for (const size of sizes) {
      const a = size.acceptance;
      out.push(
        `${prefix}N=${size.n}: calls = minimum ${mark(a.callsAtMinimum)}; wall/path ${x(size.job.wallOverCriticalPath)} <= ${wallLimitFor(qps)} ${mark(a.wallWithinLimit)}` +
          (a.rssUnderLimit !== undefined
            ? `; peak RSS ${size.job.peakRssMb.toFixed(0)} MB <= ${LIMITS.peakRssMb} MB ${mark(a.rssUnderLimit)}`
            : '') +
          `; all ${size.portfolio.renewals} renewed ${mark(a.allRenewed)}`,
      );
      if (size.repeats) {
        out.push(
          `  ${prefix}N=${size.n} runs (fastest first; the median is reported): wall/path ${size.repeats.map((r) => x(r.wallOverCriticalPath)).join(', ')}; CPU ms/renewal ${size.repeats.map((r) => x(r.cpuMsPerRenewal)).join(', ')}`,
        );
      }
    }
  }
  if (report.bundles) {
    out.push(
      `bundles <= ${LIMITS.bundleBytes / 1024} KB and load over empty <= ${LIMITS.loadOverheadMs} ms ${mark(report.bundles.allUnderLimit)}`,
    );
  }
  for (const b of report.budgets ?? []) {
    out.push(`${b.name} ${b.measuredMs.toFixed(0)} ms < ${b.limitMs} ms ${mark(b.passed)}`);
  }
  out.push(report.passed ? 'bench: all acceptance checks passed' : 'bench: SOME ACCEPTANCE CHECKS FAILED');
  return out;
}
