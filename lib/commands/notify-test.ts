import { isAbsolute, resolve } from 'node:path';
import { buildTargetCredentials } from '../compose/adapters';
import { readConfig } from '../config';
import { InputError } from '../errors';
import type { ChatMessage } from '../notify/chat/formats';
import { sendToTarget } from '../notify/chat/send';
import { formatDateTimeUtc } from '../notify/text/sanitize';
import { loadPolicyFile } from '../policy/load';
import { redact } from '../redact';
import { parseFlags } from './args';
import { type Command, EXIT } from './io';
import { terminalJson, terminalLine } from './terminal-text';

export const NOTIFY_TEST_USAGE = `usage: autorenew notify-test [--target NAME] [--policy FILE] [--json]

Sends a harmless test message to each chat target of the policy's notify.targets (or only --target NAME) and
prints each result. Nothing is renewed and nothing goes to SNS. URLs and secrets come from
AUTORENEW_TARGET_<NAME>_URL / _SECRET, or from the "notifyTargets" field of AUTORENEW_SECRET_ID's secret.
Exit code 0 when every target took the message, 2 when one did not.

examples:
  AUTORENEW_TARGET_OPS_DINGTALK_URL=https://oapi.dingtalk.com/robot/send?access_token=... npx autorenew notify-test
  npx autorenew notify-test --target ops-dingtalk`;

const FLAGS = {
  target: { type: 'string' },
  policy: { type: 'string' },
  json: { type: 'boolean' },
  verbose: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

export interface NotifyTestResult {
  target: string;
  kind: string;
  ok: boolean;
  error?: string;
}

/** `notify-test [--target NAME]`: the first thing to run after configuring chat targets. */
export const notifyTestCommand: Command = async (args, io) => {
  const flags = parseFlags('notify-test', args, FLAGS, NOTIFY_TEST_USAGE);
  if (flags.help) {
    io.out(NOTIFY_TEST_USAGE);
    return EXIT.ok;
  }
  const env = { ...io.env, ...(flags.policy ? { AUTORENEW_POLICY: flags.policy } : {}) };
  const config = readConfig(env);
  const policyPath = isAbsolute(config.policyPath) ? config.policyPath : resolve(io.cwd, config.policyPath);
  const policy = await loadPolicyFile(policyPath);
  const all = policy.notify.targets ?? [];
  if (all.length === 0) {
    throw new InputError(`${config.policyPath} has no notify.targets; add one (README "Chat alerts") and run again`);
  }
  const targets = flags.target ? all.filter((t) => t.name.toLowerCase() === flags.target?.toLowerCase()) : all;
  if (targets.length === 0) {
    throw new InputError(
      `no target "${flags.target}" in notify.targets; configured: ${all.map((t) => t.name).join(', ')}`,
    );
  }
  // The check job's access: its secret (or the read-only one) holds the URLs in AWS.
  const credentials = buildTargetCredentials(config, env, 'read');
  const nowMs = Date.now();
  const results: NotifyTestResult[] = await Promise.all(
    targets.map(async (target): Promise<NotifyTestResult> => {
      const message: ChatMessage = {
        id: `test-${nowMs}`,
        subject: '[autorenew] test message',
        text: [
          `This is a test message from \`autorenew notify-test\` at ${formatDateTimeUtc(nowMs)}.`,
          `Target "${target.name}" (${target.kind}) is set up: domain renewal digests for the events ${target.events.join(', ')} (severity ${target.minSeverity} and above) will arrive here.`,
          'Nothing was renewed; nothing needs doing.',
        ].join('\n'),
        event: 'renewed',
        severity: 'info',
        test: true,
      };
      try {
        await sendToTarget(target, await credentials.get(target.name), message, { nowMs });
        return { target: target.name, kind: target.kind, ok: true };
      } catch (err) {
        const error = redact(err instanceof Error ? err.message : String(err));
        return { target: target.name, kind: target.kind, ok: false, error };
      }
    }),
  );
  if (flags.json) {
    io.out(terminalJson({ results }));
  } else {
    for (const r of results) {
      io.out(terminalLine(r.ok ? `ok    ${r.target} (${r.kind})` : `FAIL  ${r.target} (${r.kind}): ${r.error}`));
    }
  }
  return results.every((r) => r.ok) ? EXIT.ok : EXIT.jobFailed;
};
