// osls variable resolver: `${file(./scripts/outputs.cjs)}` in serverless.yml's `resources` list returns the stack
// outputs `autorenew doctor --stage` reads (lib/deployment/stack.ts, OUTPUT): the settings the functions run with,
// and which Alibaba account the stack serves. An empty setting gets no output (CloudFormation wants a value).
'use strict';

/** A label or UID of the Alibaba account; never an AccessKeyId (an output is readable by anyone who may describe stacks). */
const ACCOUNT = /^[A-Za-z0-9._:@/+=-]{1,128}$/;
const KEY_SHAPED = /^(?:LTAI|STS\.|AKIA|ASIA)/i;

/**
 * The Alibaba account a stack serves: `alibabaAccount` when set (the account UID, or a label the operator keeps
 * unique per account), else `secret:<secretName>` (stacks reading one secret in one region serve one key's account).
 * Throws with one line on an AccessKeyId-shaped or malformed value.
 * @param {string} alibabaAccount @param {string} secretName
 */
function alibabaAccountLabel(alibabaAccount, secretName) {
  const value = String(alibabaAccount ?? '').trim();
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
function buildOutputs(p) {
  const Outputs = {};
  const add = (name, value, Description) => {
    if (value !== undefined && String(value) !== '') Outputs[name] = { Description, Value: String(value) };
  };
  add('SecretName', p.secretName, 'Secrets Manager secret holding the Alibaba key (AUTORENEW_SECRET_ID)');
  add('ReadOnlySecretName', p.readOnlySecretName, "The read-only key's secret, read by check");
  add('Endpoint', p.endpoint, 'Domain API endpoint (AUTORENEW_ENDPOINT)');
  add('BssEndpoint', p.bssEndpoint, 'BSS endpoint of the balance read (AUTORENEW_BSS_ENDPOINT)');
  add('DryRun', p.dryRun, 'true: renew plans and sends the plan digest, buys nothing');
  add('RenewSchedule', p.renewSchedule, 'Schedule of the renew function');
  add('CheckSchedule', p.checkSchedule, 'Schedule of the check function');
  add(
    'AlibabaAccount',
    alibabaAccountLabel(p.alibabaAccount, p.secretName),
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
  return buildOutputs(params);
};
module.exports.buildOutputs = buildOutputs;
module.exports.alibabaAccountLabel = alibabaAccountLabel;
