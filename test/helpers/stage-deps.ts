import { randomUUID } from 'node:crypto';
import { createAlibabaRegistrar } from '../../lib/alibaba';
import { createAlibabaBilling } from '../../lib/alibaba/billing';
import type { Ledger } from '../../lib/ledger/port';
import { createLogger } from '../../lib/log';
import type { Registrar } from '../../lib/registrar/port';
import type { JobDeps } from '../../lib/renewal/deps';
import type { Sandbox } from '../../lib/sandbox';
import { createCapturingNotifier } from './world';

/** The sandbox's client options, as a stage's functions would use them (its key, no real backoff). */
export function sandboxClientOptions(sandbox: Sandbox) {
  const key = { accessKeyId: sandbox.accessKeyId, accessKeySecret: sandbox.accessKeySecret };
  return {
    endpoint: sandbox.url,
    credentials: { get: async () => key, refresh: async () => key },
    qps: 10_000,
    maxAttempts: 4,
    timeoutMs: 5_000,
    sleep: async () => {},
  };
}

/** A stage's renew function over `ledger` (an account's keyspace of its table), on the sandbox. */
export function stageDepsOn(sandbox: Sandbox, ledger: Ledger, registrar?: Registrar): JobDeps {
  return {
    registrar: registrar ?? createAlibabaRegistrar(sandboxClientOptions(sandbox)),
    billing: createAlibabaBilling(sandboxClientOptions(sandbox)),
    ledger,
    notifier: createCapturingNotifier(),
    clock: { now: () => sandbox.now() },
    log: createLogger({ level: 'warn', sink: () => {} }),
    metrics: () => {},
    newId: randomUUID,
    sleep: async () => {},
  };
}
