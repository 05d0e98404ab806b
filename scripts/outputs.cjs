// osls variable resolver: `${file(./scripts/outputs.cjs)}` in serverless.yml's `resources` list returns the stack
// outputs `autorenew doctor --stage` reads (lib/deployment/stack.ts, OUTPUT): the settings the functions run with,
// and which Alibaba account the stack serves. An empty setting gets no output (CloudFormation wants a value).
'use strict';
const { readAccountsFacts } = require('./accounts-env.cjs');

/** A label or UID of the Alibaba account; never an AccessKeyId (an output is readable by anyone who may describe stacks). */
const ACCOUNT = /^[A-Za-z0-9._:@/+=-]{1,128}$/;
const KEY_SHAPED = /^(?:LTAI|STS\.|AKIA|ASIA)/i;

/**
 * The Alibaba account a stack serves: `alibabaAccount` when set (the account UID, or a label the operator keeps
 * unique per account), else `secret:<secretName>` (stacks reading one secret in one region serve one key's account).
 * With `accounts` (the `accounts` param): a comma list, one entry per account in order, from `alibabaAccount` (then
 * itself a comma list of as many UIDs or labels) or `secret:<secretId>` of each; lib/deployment/stack.ts compares the
 * entries. Throws with one line on an AccessKeyId-shaped or malformed value.
 * @param {string} alibabaAccount @param {string} secretName
 * @param {readonly { name: string, secretId?: string }[]} [accounts]
 */
function alibabaAccountLabel(alibabaAccount, secretName, accounts = []) {
  if (accounts.length === 0) return checkAccountLabel(String(alibabaAccount ?? '').trim(), secretName);
  const given = String(alibabaAccount ?? '').trim();
  if (given === '') return accounts.map((a) => `secret:${a.secretId}`).join(',');
  const entries = given.split(',').map((e) => e.trim());
  if (entries.length !== accounts.length) {
    throw new Error(
      `param "alibabaAccount" has ${entries.length} entr${entries.length === 1 ? 'y' : 'ies'} for ${accounts.length} accounts: give one account UID (or label) per account, comma-separated, in the order of "accounts" (or leave it empty)`,
    );
  }
  if (entries.includes('')) throw new Error('param "alibabaAccount" has an empty entry: one UID or label per account');
  return entries.map((e) => checkAccountLabel(e, '')).join(',');
}

/** One account's label, checked; empty: `secret:<secretName>`. */
function checkAccountLabel(value, secretName) {
  if (value === '') return `secret:${secretName}`;
  if (KEY_SHAPED.test(value)) {
    throw new Error(
      'param "alibabaAccount" looks like an AccessKeyId: never put a key in a stack parameter; use the account UID (the number in the Alibaba Cloud console, top right) or a label',
    );
  }
  if (!ACCOUNT.test(value)) {
    throw new Error(
      `param "alibabaAccount" (${JSON.stringify(value)}): use up to 128 letters, digits and ._:@/+=- (the account UID or a label)`,
    );
  }
  return value;
}

/**
 * Builds `{ Outputs }` from the resolved params.
 * @param {Record<string, string>} p secretName, readOnlySecretName, endpoint, bssEndpoint, dryRun, renewSchedule,
 *   checkSchedule, alibabaAccount
 */
function buildOutputs(p, accounts = []) {
  const Outputs = {};
  const add = (name, value, Description) => {
    if (value !== undefined && String(value) !== '') Outputs[name] = { Description, Value: String(value) };
  };
  if (accounts.length > 0) {
    // The single-account settings below are not used with accounts; doctor --stage reads the accounts instead.
    p = { ...p, secretName: '', readOnlySecretName: '', endpoint: '', bssEndpoint: '' };
    add(
      'Accounts',
      JSON.stringify(accounts),
      'The Alibaba accounts served (AUTORENEW_ACCOUNTS without policies): names, sites, endpoints, secret names',
    );
  }
  add('SecretName', p.secretName, 'Secrets Manager secret holding the Alibaba key (AUTORENEW_SECRET_ID)');
  add('ReadOnlySecretName', p.readOnlySecretName, "The read-only key's secret, read by check");
  add('Endpoint', p.endpoint, 'Domain API endpoint (AUTORENEW_ENDPOINT)');
  add('BssEndpoint', p.bssEndpoint, 'BSS endpoint of the balance read (AUTORENEW_BSS_ENDPOINT)');
  add('DryRun', p.dryRun, 'true: renew plans and sends the plan digest, buys nothing');
  add('RenewSchedule', p.renewSchedule, 'Schedule of the renew function');
  add('CheckSchedule', p.checkSchedule, 'Schedule of the check function');
  add(
    'AlibabaAccount',
    alibabaAccountLabel(p.alibabaAccount, p.secretName, accounts),
    'The Alibaba account this stack buys for (param alibabaAccount, else the secret); doctor --stage warns when another stack serves it',
  );
  return { Outputs };
}

const NAMES = [
  'secretName',
  'readOnlySecretName',
  'endpoint',
  'bssEndpoint',
  'dryRun',
  'renewSchedule',
  'checkSchedule',
  'alibabaAccount',
];

/** osls entry point: params through the framework, so stage params and `--param` both apply. */
module.exports = async ({ resolveVariable }) => {
  const params = {};
  for (const name of NAMES) params[name] = await resolveVariable(`param:${name}`);
  const facts = readAccountsFacts(await resolveVariable('param:accounts'));
  return buildOutputs(params, facts?.accounts ?? []);
};
module.exports.buildOutputs = buildOutputs;
module.exports.alibabaAccountLabel = alibabaAccountLabel;
