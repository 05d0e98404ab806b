import { AutorenewError } from './errors';
import { redact } from './redact';

export type Level = 'debug' | 'info' | 'warn' | 'error';
const ORDER: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/** Structured JSON-lines logger (one object per line: level, msg, time, run/batch ids, TaskNo). */
export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
  child(fields: Record<string, unknown>): Logger;
}

/** Plain, loggable description of an error: class, message, context; never the raw cause (it may hold requests). */
export function describeError(err: unknown): Record<string, unknown> {
  if (err instanceof AutorenewError) return { error: err.name, message: err.message, ...err.context };
  if (err instanceof Error) return { error: err.name, message: err.message };
  return { error: 'Unknown', message: String(err) };
}

/**
 * Creates a logger writing JSON lines to `sink` (default: console.log, which Lambda ships to CloudWatch).
 * Every line is passed through `redact`.
 */
export function createLogger(
  options: { level?: Level; sink?: (line: string) => void; fields?: Record<string, unknown>; now?: () => number } = {},
): Logger {
  const min = ORDER[options.level ?? 'info'];
  const sink = options.sink ?? ((line: string) => console.log(line));
  const now = options.now ?? Date.now;
  const base = options.fields ?? {};
  const write = (level: Level, msg: string, fields?: Record<string, unknown>) => {
    if (ORDER[level] < min) return;
    const line = JSON.stringify({ level, msg, time: new Date(now()).toISOString(), ...base, ...fields });
    sink(redact(line));
  };
  return {
    debug: (m, f) => write('debug', m, f),
    info: (m, f) => write('info', m, f),
    warn: (m, f) => write('warn', m, f),
    error: (m, f) => write('error', m, f),
    child: (fields) => createLogger({ ...options, fields: { ...base, ...fields } }),
  };
}
