// An istanbul report for `npm run coverage`: one row per folder (the summary nodes of the package tree), with line,
// statement, branch and function percentages. Named in jest.config.js coverageReporters by its absolute path.
const { ReportBase } = require('istanbul-lib-report');

const KEYS = ['lines', 'statements', 'branches', 'functions'];

class FolderTable extends ReportBase {
  constructor(options = {}) {
    super(options);
    this.rows = [];
    this.file = options.file ?? null;
  }

  onStart(_root, context) {
    this.writer = context.writer.writeFile(this.file);
  }

  onSummary(node) {
    const name = node.getQualifiedName() || 'all files';
    const summary = node.getCoverageSummary();
    this.rows.push([name, ...KEYS.map((k) => summary[k].pct)]);
  }

  onEnd() {
    const rows = [...this.rows].sort((a, b) =>
      a[0] === 'all files' ? -1 : b[0] === 'all files' ? 1 : a[0] < b[0] ? -1 : 1,
    );
    const width = Math.max(6, ...rows.map((r) => r[0].length));
    const cell = (v) => (typeof v === 'number' ? v.toFixed(1) : String(v)).padStart(11);
    this.writer.println('');
    this.writer.println(`${'folder'.padEnd(width)} ${KEYS.map(cell).join('')}`);
    for (const [name, ...pcts] of rows) this.writer.println(`${name.padEnd(width)} ${pcts.map(cell).join('')}`);
    this.writer.close();
  }
}

module.exports = FolderTable;
