import type { Sandbox } from '../../lib/sandbox';
import { INTL_VERSION } from '../../lib/sandbox/ops';

/** The key pair of the sandbox's `intl` account in the two-account CLI tests. */
export const INTL_KEY = { accessKeyId: 'intl-key-id', accessKeySecret: 'intl-key-secret' } as const;

/**
 * The CLI environment of two accounts on one sandbox: the unnamed account (the sandbox's primary, China site) and
 * `intl` (international site, API 2017-12-18, its own policy file `intlPolicy`), each with its key in named variables.
 */
export function twoAccountEnv(sandbox: Sandbox, intlPolicy: string): Record<string, string> {
  return {
    AUTORENEW_ACCOUNTS: JSON.stringify([
      { name: '', endpoint: sandbox.url, accessKeyIdEnv: 'CN_ID', accessKeySecretEnv: 'CN_SECRET' },
      {
        name: 'intl',
        site: 'intl',
        endpoint: sandbox.url,
        apiVersion: INTL_VERSION,
        accessKeyIdEnv: 'INTL_ID',
        accessKeySecretEnv: 'INTL_SECRET',
        policy: intlPolicy,
      },
    ]),
    CN_ID: sandbox.accessKeyId,
    CN_SECRET: sandbox.accessKeySecret,
    INTL_ID: INTL_KEY.accessKeyId,
    INTL_SECRET: INTL_KEY.accessKeySecret,
  };
}
