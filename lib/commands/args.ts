import { parseArgs } from 'node:util';
import { InputError } from '../errors';
import { parseUtcDateOrInstant } from '../renewal/hold-time';

/** Flags every job command accepts (plan, renew, check): the policy, a pretend date, JSON output, verbosity, help. */
export const JOB_FLAGS = {
  policy: { type: 'string' },
  /** One of AUTORENEW_ACCOUNTS by name (README, Several accounts). */
  account: { type: 'string' },
  at: { type: 'string' },
  json: { type: 'boolean' },
  verbose: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

type OptionSpec = Record<string, { type: 'string' | 'boolean'; short?: string }>;

/**
 * Strict flag parsing: unknown flags, stray arguments and an empty value are InputErrors. The message is one line
 * (the CLI prefixes `autorenew <command>:`): the problem, then the usage line and where to find the rest.
 */
export function parseFlags<T extends OptionSpec>(
  command: string,
  args: readonly string[],
  options: T,
  usage: string,
): FlagValues<T> {
  return parseCommandLine(command, args, options, usage, false).values;
}

type FlagValues<T extends OptionSpec> = { [K in keyof T]?: T[K]['type'] extends 'boolean' ? boolean : string };

/** Like {@link parseFlags}, but the command also takes positional arguments (e.g. domain names). */
export function parseFlagsAndArgs<T extends OptionSpec>(
  command: string,
  args: readonly string[],
  options: T,
  usage: string,
): { values: FlagValues<T>; positionals: string[] } {
  return parseCommandLine(command, args, options, usage, true);
}

function parseCommandLine<T extends OptionSpec>(
  command: string,
  args: readonly string[],
  options: T,
  usage: string,
  allowPositionals: boolean,
): { values: FlagValues<T>; positionals: string[] } {
  const usageLine = usage.split('\n')[0] ?? '';
  let parsed: { values: Record<string, unknown>; positionals: string[] };
  try {
    parsed = parseArgs({ args: [...args], options, strict: true, allowPositionals });
  } catch (err) {
    const message = err instanceof Error ? (err.message.split('\n')[0] ?? '') : String(err);
    throw new InputError(`${message.replace(/\. To specify .*$/, '')}; ${usageLine} (autorenew ${command} --help)`);
  }
  // An empty value (--plan "$PLAN" with PLAN unset) read as an absent flag: renew ran unguarded and bought, renew
  // and plan ran under the default policy, plan --out and forecast --ics wrote nothing and said nothing (review
  // 2026-12-05, round 4). No flag of any command means anything when empty.
  for (const [name, value] of Object.entries(parsed.values))
    if (typeof value === 'string' && value.trim() === '')
      throw new InputError(
        `--${name} needs a value (it was empty, as "$VAR" is with VAR unset); nothing was done; ${usageLine} (autorenew ${command} --help)`,
      );
  return { values: parsed.values as FlagValues<T>, positionals: parsed.positionals };
}

/**
 * Parses `--at`: a UTC day (its midnight) or a timestamp with its zone.
 * @returns epoch ms (UTC)
 * @throws InputError for anything else, a rolled-over date (2027-02-30) or a zone-less time included
 */
export function parseAt(value: string): number {
  const parsed = parseUtcDateOrInstant(value);
  if (parsed === undefined)
    throw new InputError(
      `--at ${JSON.stringify(value)} is not a date; use e.g. 2027-01-31 or 2027-01-31T08:00:00Z (a timestamp names its zone)`,
    );
  return parsed.ms;
}
