import { displayWidth } from '../renewal/plan-format';

/**
 * Lays out rows under a header as left-aligned columns two spaces apart (wide characters count two columns).
 * Cells must already be single printable lines (terminalLine).
 */
export function formatColumns(header: readonly string[], rows: readonly (readonly string[])[]): string[] {
  const widths = header.map((h, i) => Math.max(displayWidth(h), ...rows.map((r) => displayWidth(r[i] ?? ''))));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c + ' '.repeat((widths[i] ?? 0) - displayWidth(c))))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)];
}
