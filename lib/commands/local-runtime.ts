import { isAbsolute, resolve } from 'node:path';
import { type Clock, fixedClock, systemClock } from '../clock';
import { type Config, isLoopbackEndpoint, readConfig } from '../config';
import { InputError } from '../errors';
import { openLedgerFromEnv } from '../ledger/embedded';
import { createLogger } from '../log';
import { loadPolicyFile } from '../policy/load';
import type { Policy } from '../policy/schema';
import type { JobDeps } from '../renewal/deps';
import {
  assembleDeps,
  buildCredentials,
  buildNotifier,
  buildRegistrar,
  buildTargetCredentials,
  withChatTargets,
} from '../runtime';
import type { AlibabaAccess } from '../secrets';
import { parseAt } from './args';
import type { CliIO } from './io';

export interface LocalRuntime {
  config: Readonly<Config>;
  policy: Policy;
  deps: JobDeps;
  close(): Promise<void>;
}

/** Opens the ledger the environment names (AUTORENEW_TABLE, or the embedded one under AUTORENEW_LEDGER_DIR). */
export function openLocalLedger(
  io: CliIO,
  config: Readonly<Config> = readConfig(io.env),
  env: Readonly<Record<string, string | undefined>> = io.env,
) {
  return openLedgerFromEnv({ ...env, AUTORENEW_LEDGER_DIR: resolve(io.cwd, config.ledgerDir) });
}

/**
 * Builds the CLI-side dependencies: config from the environment, the policy (validated first: M5), the registrar
 * (env credentials or Secrets Manager), the ledger (AUTORENEW_TABLE or the embedded one), the console notifier
 * (or SNS when AUTORENEW_TOPIC_ARN is set). `--at` sets the job clock; outside `plan` it is allowed only against a
 * loopback sandbox, so nobody buys renewals in the real account with a pretend date.
 */
export async function openLocalRuntime(
  io: CliIO,
  options: {
    policy?: string;
    at?: string;
    atAllowedAnywhere?: boolean;
    verbose?: boolean;
    notifyTo?: 'out' | 'err';
    /** `read` (plan, check): the read-only key of AUTORENEW_READONLY_SECRET_ID when set. Default `buy`. */
    alibabaAccess?: AlibabaAccess;
  },
): Promise<LocalRuntime> {
  const env = { ...io.env, ...(options.policy ? { AUTORENEW_POLICY: options.policy } : {}) };
  const config = readConfig(env);
  let clock: Clock = systemClock;
  if (options.at !== undefined) {
    if (!options.atAllowedAnywhere && !isLoopbackEndpoint(config.endpoint)) {
      throw new InputError(
        '--at is only allowed against a loopback sandbox endpoint (AUTORENEW_ENDPOINT=http://127.0.0.1:...)',
      );
    }
    clock = fixedClock(parseAt(options.at));
  }
  const policyPath = isAbsolute(config.policyPath) ? config.policyPath : resolve(io.cwd, config.policyPath);
  const policy = await loadPolicyFile(policyPath);
  const opened = await openLocalLedger(io, config, env);
  const write = options.notifyTo === 'err' ? io.err : io.out;
  const access = options.alibabaAccess ?? 'buy';
  const log = createLogger({ level: options.verbose ? 'debug' : 'warn', sink: io.err });
  const deps = assembleDeps({
    registrar: buildRegistrar(config, policy, env, buildCredentials(config, env, access)),
    ledger: opened.ledger,
    // SNS or console, plus the policy's chat targets (issue 17) when it has any.
    notifier: withChatTargets(buildNotifier(config, write), policy, {
      credentials: buildTargetCredentials(config, env, access),
      marks: opened.ledger,
      clock,
      log,
    }),
    clock,
    log,
  });
  return { config, policy, deps, close: opened.close };
}
