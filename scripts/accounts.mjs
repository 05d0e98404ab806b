// The `accounts` deploy param (several Alibaba accounts in one stack): read once at packaging time with the Lambda's
// own reader (lib/config.ts readConfig -> lib/accounts.ts parseAccounts), checked for what a Lambda needs, and written
// to dist/accounts.json. serverless.yml's environment (scripts/accounts-env.cjs), the roles (scripts/roles.cjs) and
// the outputs (scripts/outputs.cjs) all read that one file, so the stack cannot disagree with itself.
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, isAbsolute, resolve } from 'node:path';
import { loadTsModule } from './load-ts.mjs';

export const ACCOUNTS_FILE = 'dist/accounts.json';
/** Lambda allows 4 KB of environment in all; the other variables take about 1 KB. */
const ACCOUNTS_ENV_MAX = 3000;
// Secrets Manager names, as scripts/roles.cjs accepts them (the name lands inside an Fn::Sub).
const SECRET_NAME = /^[A-Za-z0-9/_+=.@-]{1,512}$/;

/** A packaging input is wrong; the message says what, where and how to fix it. */
export class AccountsError extends Error {}

/** The param's text as packaging sees it: a JSON array, or a file path made absolute against the repository. */
function sourceText(raw, root) {
  const trimmed = raw.trim();
  if (trimmed.startsWith('[') || isAbsolute(trimmed)) return trimmed;
  return resolve(root, trimmed);
}

function where(account, index) {
  return `account ${JSON.stringify(account.name === '' ? 'default' : account.name)} (accounts[${index}])`;
}

/**
 * Reads and checks the accounts of the `accounts` param (JSON array text or a file path relative to `root`).
 * Throws AccountsError with one line naming the account and the fix.
 * @param {string} raw the param's value, non-empty
 * @param {string} root repository root
 */
export async function readDeployAccounts(raw, root) {
  const { readConfig, checkLambdaEndpoint } = await loadTsModule(root, 'lib/config.ts');
  let accounts;
  try {
    accounts = readConfig({ AUTORENEW_ACCOUNTS: sourceText(raw, root) }).accounts;
  } catch (err) {
    // lib/accounts.ts names the variable the Lambda reads; here the accounts came from the param.
    throw new AccountsError(`param "accounts": ${err.message.replaceAll('AUTORENEW_ACCOUNTS', 'accounts')}`);
  }
  for (const [i, a] of accounts.entries()) {
    if (!a.secretId) {
      throw new AccountsError(
        `param "accounts": ${where(a, i)} has no secretId: in Lambda every account reads its key from Secrets Manager; add "secretId": "<secret name>" (docs/deploy.md, "Adding a second account")`,
      );
    }
    if (a.keyEnv || a.profile) {
      throw new AccountsError(
        `param "accounts": ${where(a, i)} names ${a.profile ? 'an Alibaba Cloud CLI profile' : 'key variables (accessKeyIdEnv...)'}: they are for local runs; a Lambda has no such ${a.profile ? 'file' : 'variables'}, remove them and keep secretId`,
      );
    }
    for (const [field, value] of [
      ['secretId', a.secretId],
      ['readOnlySecretId', a.readOnlySecretId],
    ]) {
      if (value !== undefined && !SECRET_NAME.test(value)) {
        throw new AccountsError(
          `param "accounts": ${where(a, i)}.${field} is not a Secrets Manager secret name (not an ARN): use letters, digits and /_+=.@-`,
        );
      }
    }
    try {
      checkLambdaEndpoint(a.endpoint, `accounts[${i}].endpoint`);
      checkLambdaEndpoint(a.bssEndpoint, `accounts[${i}].bssEndpoint`);
    } catch (err) {
      throw new AccountsError(`param "accounts": ${err.message}`);
    }
  }
  return accounts;
}

/** Where an account's bundled policy lives inside dist/<fn>/ (the unnamed account's label is `default`). */
export function bundledPolicyName(account) {
  return `policies/${account.name === '' ? 'default' : account.name}.json`;
}

/**
 * The AUTORENEW_ACCOUNTS text function `fn` runs with: each account as lib/accounts.ts reads it, its policy rewritten
 * to the bundled copy. renew gets no read-only secrets (its role may not read them, as without accounts).
 */
export function lambdaAccountsJson(accounts, fn) {
  const entries = accounts.map((a) => ({
    name: a.name,
    site: a.site,
    endpoint: a.endpoint,
    bssEndpoint: a.bssEndpoint,
    apiVersion: a.apiVersion,
    secretId: a.secretId,
    ...(fn === 'check' && a.readOnlySecretId ? { readOnlySecretId: a.readOnlySecretId } : {}),
    ...(a.policyPath ? { policy: `/var/task/dist/${fn}/${bundledPolicyName(a)}` } : {}),
  }));
  return JSON.stringify(entries);
}

/**
 * Writes dist/accounts.json: `source` (the param it was made from, so a stale file is refused), the environment
 * text per function, and the secrets each role may read. With no accounts: `source` "" and nothing else.
 * @param {string} root @param {string} source the param's value @param {readonly object[]} accounts
 * @returns {Promise<string>} the path written
 */
export async function writeAccountsFile(root, source, accounts) {
  const facts = { source };
  if (accounts.length > 0) {
    facts.environment = { renew: lambdaAccountsJson(accounts, 'renew'), check: lambdaAccountsJson(accounts, 'check') };
    for (const [fn, text] of Object.entries(facts.environment)) {
      if (text.length > ACCOUNTS_ENV_MAX) {
        throw new AccountsError(
          `param "accounts": ${fn}'s AUTORENEW_ACCOUNTS would have ${text.length} characters (Lambda's environment holds 4 KB in all; at most ${ACCOUNTS_ENV_MAX} here): drop the fields that repeat the site defaults (endpoint, bssEndpoint, apiVersion)`,
        );
      }
    }
    // What the roles and the stack outputs need: names, sites, endpoints and secret names (never a key).
    facts.accounts = JSON.parse(facts.environment.check).map(({ policy: _bundled, ...account }) => account);
  }
  const target = resolve(root, ACCOUNTS_FILE);
  await mkdir(dirname(target), { recursive: true });
  await writeFile(target, `${JSON.stringify(facts, null, 2)}\n`);
  return target;
}
