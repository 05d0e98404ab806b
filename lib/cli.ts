import { askLine } from './commands/ask-line';
import { checkCommand } from './commands/check';
import { closeBatchCommand } from './commands/close-batch';
import { demoCommand } from './commands/demo';
import { doctorCommand } from './commands/doctor';
import { forecastCommand } from './commands/forecast';
import { holdCommand } from './commands/hold';
import { holdsCommand } from './commands/holds';
import { type CliIO, type Command, EXIT } from './commands/io';
import { notifyTestCommand } from './commands/notify-test';
import { planCommand } from './commands/plan';
import { renewCommand } from './commands/renew';
import { retryCommand } from './commands/retry';
import { sandboxCommand } from './commands/sandbox';
import { schemaCommand } from './commands/schema';
import { statusCommand } from './commands/status';
import { terminalLine, terminalText } from './commands/terminal-text';
import { unholdCommand } from './commands/unhold';
import { validateCommand } from './commands/validate';
import { describeEnvironment } from './config-reference';
import { InputError, ValidationError } from './errors';
import { formatIssue } from './policy/load';
import { redact } from './redact';

const COMMANDS: Record<string, { run: Command; about: string }> = {
  demo: { run: demoCommand, about: 'whole cycle on a sandbox: plan, renew, check (what `npm start` runs)' },
  validate: { run: validateCommand, about: 'validate policy files' },
  plan: { run: planCommand, about: 'dry run: every domain with its decision and reason; buys nothing' },
  forecast: { run: forecastCommand, about: 'renewals and their cost month by month (--csv, --json, --ics FILE)' },
  renew: { run: renewCommand, about: 'run the renew job once (--dry-run to plan only)' },
  check: { run: checkCommand, about: 'run the check job once: confirm results, reconcile, notify' },
  status: { run: statusCommand, about: 'ledger: open batches, last runs, recent outcomes' },
  'notify-test': { run: notifyTestCommand, about: 'send a harmless test message to each chat target' },
  retry: { run: retryCommand, about: 'clear failed attempts and backoff so the next renew run retries' },
  'close-batch': {
    run: closeBatchCommand,
    about: 'close a batch check cannot settle (--reason TEXT --yes), releasing its renewals',
  },
  hold: { run: holdCommand, about: 'veto renewing domains (--until DATE, --reason TEXT): never bought while held' },
  unhold: { run: unholdCommand, about: 'remove the holds of domains' },
  holds: { run: holdsCommand, about: 'list the holds: until when, why, expired or not' },
  doctor: {
    run: doctorCommand,
    about: 'read-only checklist: policy, credentials, endpoint, permissions, ledger; --stage NAME: a deployed stage',
  },
  sandbox: { run: sandboxCommand, about: 'start the sandbox registrar (fake Alibaba Domain API)' },
  schema: { run: schemaCommand, about: 'print the policy JSON Schema (--path: where its file is)' },
};

export const HELP = `usage: autorenew <command> [options]    (autorenew <command> --help for details)

commands:
${Object.entries(COMMANDS)
  .map(([name, c]) => `  ${name.padEnd(12)} ${c.about}`)
  .join('\n')}

exit codes: 0 ok, 1 invalid input (nothing bought), 2 job failed, 3 renewals failed
${describeEnvironment()}

examples:
  npx autorenew demo
  npx autorenew validate policies/default.json
  ALIBABA_CLOUD_ACCESS_KEY_ID=... ALIBABA_CLOUD_ACCESS_KEY_SECRET=... npx autorenew plan`;

/** Runs one CLI invocation and returns its exit code. Errors become one line with the fix (stack with --verbose). */
export async function runCli(argv: readonly string[], rawIo: CliIO): Promise<number> {
  // Last line of defence: nothing printed reaches the terminal with a credential (the one redactor), an escape, a
  // bidi or an invisible character.
  const io: CliIO = {
    ...rawIo,
    out: (line) => rawIo.out(terminalText(redact(line))),
    err: (line) => rawIo.err(terminalText(redact(line))),
  };
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    io.out(HELP);
    return name ? EXIT.ok : EXIT.invalidInput;
  }
  const command = COMMANDS[name];
  if (!command) {
    io.err(terminalLine(`autorenew: unknown command "${name}"; run autorenew --help`));
    return EXIT.invalidInput;
  }
  try {
    return await command.run(rest, io);
  } catch (err) {
    if (err instanceof ValidationError) {
      for (const issue of err.issues) io.err(terminalLine(formatIssue(issue)));
    } else {
      // Messages may quote registrar text: one line, as the README promises.
      io.err(terminalLine(`autorenew ${name}: ${err instanceof Error ? err.message : String(err)}`));
    }
    if (rest.includes('--verbose') && err instanceof Error && err.stack) io.err(err.stack);
    if (err instanceof InputError) return EXIT.invalidInput;
    return EXIT.jobFailed;
  }
}

/** Process entry (called by bin/autorenew.js): real stdio; sets the exit code rather than forcing an exit. */
export async function main(): Promise<void> {
  // An error no command caught (a write failing inside the embedded database's own callback, on a full disk):
  // Node's default exit 1 means "invalid input, nothing was bought" here, after a run that may have bought (review).
  process.on('uncaughtException', (err: unknown) => {
    const what = err instanceof Error ? err.message : String(err);
    const stack = process.argv.includes('--verbose') && err instanceof Error && err.stack ? `\n${err.stack}` : '';
    process.stderr.write(
      `${redact(`autorenew: unexpected failure: ${what}; if it stopped a renew run, renewals may have been submitted before it: fix what it names (e.g. free disk space), then run \`autorenew status\` and \`autorenew check\` (every TaskNo written before it is kept)${stack}`)}\n`,
    );
    process.exit(EXIT.jobFailed);
  });
  const isTTY = !!process.stdout.isTTY;
  const io: CliIO = {
    out: (line) => process.stdout.write(`${line}\n`),
    err: (line) => process.stderr.write(`${line}\n`),
    isTTY,
    env: process.env,
    cwd: process.cwd(),
    ...(process.stdin.isTTY && isTTY ? { ask: askLine(process.stdin, process.stdout) } : {}),
  };
  process.exitCode = await runCli(process.argv.slice(2), io);
}
