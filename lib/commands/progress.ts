import type { CliIO } from './io';

/**
 * Runs `work`; on a terminal, if it is still running after `afterMs` (default 1000 ms), writes `label…` to stderr and
 * then the elapsed seconds every `afterMs`, so a long listing never looks hung. Silent on pipes, where progress
 * lines would only clutter logs and JSON consumers.
 */
export async function withProgress<T>(io: CliIO, label: string, work: () => Promise<T>, afterMs = 1000): Promise<T> {
  if (!io.isTTY) return work();
  const started = Date.now();
  let shown = false;
  const timer = setInterval(() => {
    const seconds = Math.round((Date.now() - started) / 1000);
    io.err(shown ? `  ${label}: ${seconds} s` : `${label}…`);
    shown = true;
  }, afterMs);
  try {
    return await work();
  } finally {
    clearInterval(timer);
  }
}
