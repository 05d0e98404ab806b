import { isAbsolute, resolve } from 'node:path';
import { type Account, labelOf, namesAccounts, selectAccounts } from '../accounts';
import { checkPolicyFlag, configForAccount } from '../compose/accounts';
import { buildTargetCredentials } from '../compose/adapters';
import { type Config, readConfig } from '../config';
import { InputError, SecretError } from '../errors';
import type { ChatMessage } from '../notify/chat/formats';
import { sendToTarget } from '../notify/chat/send';
import { formatDateTimeUtc } from '../notify/text/sanitize';
import { loadPolicyFile } from '../policy/load';
import type { Policy } from '../policy/schema';
import { redact } from '../redact';
import { selectSecretId } from '../secrets';
import { parseFlags } from './args';
import { type Command, EXIT } from './io';
import { terminalJson, terminalLine } from './terminal-text';

export const NOTIFY_TEST_USAGE = `usage: autorenew notify-test [--target NAME] [--account NAME] [--policy FILE] [--json]

Sends a harmless test message to each chat target of the policy's notify.targets (or only --target NAME) and
prints each result. Nothing is renewed and nothing goes to SNS. URLs and secrets come from
AUTORENEW_TARGET_<NAME>_URL / _SECRET, or from the "notifyTargets" field of AUTORENEW_SECRET_ID's secret.
With AUTORENEW_ACCOUNTS, each account's own policy and secret are used (or only --account NAME's).
Exit code 0 when every target took the message, 2 when one did not.

examples:
  AUTORENEW_TARGET_OPS_DINGTALK_URL=https://oapi.dingtalk.com/robot/send?access_token=... npx autorenew notify-test
  npx autorenew notify-test --target ops-dingtalk`;

const FLAGS = {
  target: { type: 'string' },
  account: { type: 'string' },
  policy: { type: 'string' },
  json: { type: 'boolean' },
  verbose: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

type PolicyTarget = NonNullable<Policy['notify']['targets']>[number];

export interface NotifyTestResult {
  /** The account, when the configuration names accounts. */
  account?: string;
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
  const accounts = selectAccounts(config.accounts, flags.account);
  checkPolicyFlag(accounts, flags.policy);
  const named = namesAccounts(config.accounts);
  const sends: { account: Account; config: Readonly<Config>; target: PolicyTarget }[] = [];
  const configured: string[] = [];
  const empty: string[] = [];
  for (const account of accounts) {
    const own = configForAccount(config, account);
    const policyPath = isAbsolute(own.policyPath) ? own.policyPath : resolve(io.cwd, own.policyPath);
    const targets = (await loadPolicyFile(policyPath)).notify.targets ?? [];
    if (targets.length === 0) empty.push(named ? `${own.policyPath} (account ${labelOf(account)})` : own.policyPath);
    for (const target of targets) {
      configured.push(named ? `${labelOf(account)}: ${target.name}` : target.name);
      if (!flags.target || target.name.toLowerCase() === flags.target.toLowerCase())
        sends.push({ account, config: own, target });
    }
  }
  if (configured.length === 0) {
    throw new InputError(`${empty.join(', ')} has no notify.targets; add one (README "Chat alerts") and run again`);
  }
  if (sends.length === 0) {
    throw new InputError(`no target "${flags.target}" in notify.targets; configured: ${configured.join(', ')}`);
  }
  const nowMs = Date.now();
  const results: NotifyTestResult[] = await Promise.all(
    sends.map(async ({ account, config: own, target }): Promise<NotifyTestResult> => {
      const who = { ...(named ? { account: labelOf(account) } : {}), target: target.name, kind: target.kind };
      const message: ChatMessage = {
        id: `test-${nowMs}`,
        subject: '[autorenew] test message',
        text: [
          `This is a test message from \`autorenew notify-test\` at ${formatDateTimeUtc(nowMs)}.`,
          `Target "${target.name}" (${target.kind})${named ? ` of account ${labelOf(account)}` : ''} is set up: domain renewal digests for the events ${target.events.join(', ')} (severity ${target.minSeverity} and above) will arrive here.`,
          'Nothing was renewed; nothing needs doing.',
        ].join('\n'),
        event: 'renewed',
        severity: 'info',
        test: true,
      };
      try {
        // The check job's access: its secret (or the read-only one) holds the URLs in AWS.
        const credentials = buildTargetCredentials(own, env, 'read');
        await sendToTarget(target, await credentials.get(target.name), message, { nowMs });
        // And the renew job's, when it reads another secret: a copy missing there passed as "set up" while every renew
        // digest gave up on the target (review 2026-12-07, thirty-first session). Read only: one message is enough.
        const buying = selectSecretId(own, 'buy').secretId;
        if (buying !== selectSecretId(own, 'read').secretId) {
          await buildTargetCredentials(own, env, 'buy')
            .get(target.name)
            .catch((err: unknown) => {
              throw new SecretError(
                `the renew job's secret ${buying} has no usable entry for it (${err instanceof Error ? err.message : String(err)}): put the same notifyTargets into both secrets (docs/deploy.md)`,
                { path: 'notifyTargets' },
              );
            });
        }
        return { ...who, ok: true };
      } catch (err) {
        const error = redact(err instanceof Error ? err.message : String(err));
        return { ...who, ok: false, error };
      }
    }),
  );
  if (flags.json) {
    io.out(terminalJson({ results }));
  } else {
    for (const r of results) {
      const name = `${r.account ? `${r.account}: ` : ''}${r.target} (${r.kind})`;
      io.out(terminalLine(r.ok ? `ok    ${name}` : `FAIL  ${name}: ${r.error}`));
    }
  }
  return results.every((r) => r.ok) ? EXIT.ok : EXIT.jobFailed;
};
