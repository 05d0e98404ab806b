import { isAbsolute, resolve } from 'node:path';
import { ValidationError } from '../errors';
import { formatIssue, loadPolicyFile } from '../policy/load';
import { type CliIO, type Command, EXIT } from './io';

/** Policy used when neither arguments nor AUTORENEW_POLICY name one (relative to the working directory). */
export const DEFAULT_POLICY_PATH = 'policies/default.json';

const USAGE = `usage: autorenew validate [policy.json ...]  (default: $AUTORENEW_POLICY or policies/default.json)

Checks policy files against the schema. Problems are printed as \`file:line:col path: message\`, one per line, and
the exit code is 1.

examples:
  npx autorenew validate
  npx autorenew validate policies/examples/*.json`;

/**
 * `validate [files...]`: checks each policy file. Problems go to stderr as `file:line:col path: message`, one per
 * line, and the exit code is 1; a valid file gets one summary line on stdout. Files are shown as given.
 */
export const validateCommand: Command = async (args: readonly string[], io: CliIO) => {
  if (args.includes('--help') || args.includes('-h')) {
    io.out(USAGE);
    return EXIT.ok;
  }
  const flag = args.find((a) => a.startsWith('-'));
  if (flag !== undefined) {
    io.err(`validate: unknown option "${flag}"; ${USAGE.split('\n')[0]}`);
    return EXIT.invalidInput;
  }
  const files = args.length > 0 ? args : [io.env.AUTORENEW_POLICY || DEFAULT_POLICY_PATH];
  let failed = 0;
  for (const file of files) {
    try {
      const policy = await loadPolicyFile(isAbsolute(file) ? file : resolve(io.cwd, file));
      const rules = policy.rules.length;
      io.out(
        `${file}: ok (version ${policy.version}, ${rules} rule${rules === 1 ? '' : 's'}, window ${policy.window.daysBeforeExpiry}/${policy.window.daysAfterExpiry} days)`,
      );
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      failed++;
      for (const issue of err.issues) io.err(formatIssue({ ...issue, file }));
    }
  }
  if (failed > 0 && files.length > 1) io.err(`${failed} of ${files.length} policy files are invalid`);
  return failed > 0 ? EXIT.invalidInput : EXIT.ok;
};
