/** What a CLI command may touch of the outside world; tests pass their own. */
export interface CliIO {
  /** Write one line (no trailing newline needed) to stdout. */
  out(line: string): void;
  /** Write one line to stderr. */
  err(line: string): void;
  /** stdout is a terminal (tables and progress) rather than a pipe (plain lines). */
  isTTY: boolean;
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
  /** Asks a question on the terminal and returns the answer; absent when there is no terminal to ask. */
  ask?: (question: string) => Promise<string>;
}

/** Exit codes, documented in the README. */
export const EXIT = { ok: 0, invalidInput: 1, jobFailed: 2, renewalsFailed: 3 } as const;

/** A CLI command: parses its own arguments, returns the exit code. */
export type Command = (args: readonly string[], io: CliIO) => Promise<number>;
