// osls variable resolvers for the functions' environment: `${file(./scripts/accounts-env.cjs):<key>}`. Without the
// `accounts` param every key is today's single-account setting (its param); with it, the single-account variables are
// empty (lib/config.ts refuses them next to AUTORENEW_ACCOUNTS) and AUTORENEW_ACCOUNTS comes from dist/accounts.json,
// which scripts/package.mjs generated from the same param (scripts/accounts.mjs).
'use strict';
const { readFileSync } = require('node:fs');
const { join } = require('node:path');

const ROOT = join(__dirname, '..');

/** The param as text (a YAML list in stage params arrives as an array). */
function paramText(value) {
  if (value === undefined || value === null) return '';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/**
 * dist/accounts.json when the `accounts` param is set, else undefined. Throws when the file is missing or was made
 * from another value of the param (a package step skipped or run with other params).
 * @param {unknown} param the resolved `accounts` param
 * @param {string} [root] repository root
 * @returns {{ source: string, environment: { renew: string, check: string },
 *   accounts: { name: string, secretId: string, readOnlySecretId?: string }[] } | undefined}
 */
function readAccountsFacts(param, root = ROOT) {
  const source = paramText(param);
  if (source.trim() === '') return undefined;
  const file = join(root, 'dist', 'accounts.json');
  let facts;
  try {
    facts = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new Error(`cannot read ${file} (${err.code ?? err.message}): run "npm run package", which generates it`);
  }
  if (facts.source !== source || !Array.isArray(facts.accounts)) {
    throw new Error(
      `${file} was generated for another "accounts" param: run "npm run package" (or deploy) with the same params`,
    );
  }
  return facts;
}

/** A resolver: `single` is the param used without accounts; `multi(facts)` the value with them. */
function variable(single, multi) {
  return async ({ resolveVariable }) => {
    const facts = readAccountsFacts(await resolveVariable('param:accounts'));
    if (facts) return multi(facts);
    return single === undefined ? '' : paramText(await resolveVariable(`param:${single}`));
  };
}

module.exports = {
  endpoint: variable('endpoint', () => ''),
  bssEndpoint: variable('bssEndpoint', () => ''),
  secretName: variable('secretName', () => ''),
  readOnlySecretName: variable('readOnlySecretName', () => ''),
  renewAccounts: variable(undefined, (facts) => facts.environment.renew),
  checkAccounts: variable(undefined, (facts) => facts.environment.check),
};
module.exports.readAccountsFacts = readAccountsFacts;
module.exports.paramText = paramText;
