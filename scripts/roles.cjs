// osls variable resolver: `${file(./scripts/roles.cjs)}` in serverless.yml's `resources` list returns the two
// execution roles, one per job, generated from dist/iam.json (scripts/iam-facts.mjs, from lib/iam.ts: the one table
// of what each job calls). Each role gets exactly its job's ledger actions, split by resource: item actions on the
// table, Query on the open-batches index only.
'use strict';
const { readFileSync } = require('node:fs');
const { join } = require('node:path');
const { readAccountsFacts } = require('./accounts-env.cjs');

const JOBS = ['renew', 'check'];
// Secrets Manager names: letters, digits and /_+=.@- (the name lands inside an Fn::Sub, so nothing else may pass).
const SECRET_NAME = /^[A-Za-z0-9/_+=.@-]{1,512}$/;

function readFacts(root) {
  const file = join(root, 'dist', 'iam.json');
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new Error(`cannot read ${file} (${err.code ?? err.message}): run "npm run package", which generates it`);
  }
}

function checkSecretName(param, value) {
  if (!SECRET_NAME.test(value)) {
    throw new Error(
      `param "${param}" (${JSON.stringify(value)}) is not a Secrets Manager secret name: use letters, digits and /_+=.@-`,
    );
  }
  return value;
}

/** The ARN pattern of a secret by name: Secrets Manager appends "-" and 6 random characters. */
function secretArn(name) {
  return {
    'Fn::Sub': `arn:\${AWS::Partition}:secretsmanager:\${AWS::Region}:\${AWS::AccountId}:secret:${name}-??????`,
  };
}

/**
 * The secret names each job's role may read. One account: renew the main secret, check the read-only one (else the
 * main one). With accounts: renew every account's secretId, check each account's readOnlySecretId or else its
 * secretId, in the accounts' order, each once.
 * @returns {{ renew: string[], check: string[] }}
 */
function secretsOf(params) {
  const accounts = params.accounts ?? [];
  if (accounts.length === 0) {
    const main = checkSecretName('secretName', params.secretName);
    const readOnly = params.readOnlySecretName ? checkSecretName('readOnlySecretName', params.readOnlySecretName) : '';
    return { renew: [main], check: [readOnly || main] };
  }
  const names = (pick) => [
    ...new Set(accounts.map((a, i) => checkSecretName(`accounts[${i}] (${a.name || 'default'})`, pick(a)))),
  ];
  return { renew: names((a) => a.secretId), check: names((a) => a.readOnlySecretId || a.secretId) };
}

/** One secret: its ARN pattern, as before accounts; several: the list. */
function secretResource(names) {
  return names.length === 1 ? secretArn(names[0]) : names.map(secretArn);
}

/**
 * Builds `{ Resources: { RenewRole, CheckRole } }`.
 * @param {{ openIndexName: string, claimPartitionPatterns: string[], markPartitionPatterns: string[],
 *   holdPartitionPatterns: string[],
 *   service: { readSecret: string, publish: string, logs: string[] },
 *   jobs: Record<string, { table: string[], openIndex: string[], claimPartitions: string[], markPartitions: string[] }> }} facts dist/iam.json
 * @param {{ service: string, stage: string, secretName: string, readOnlySecretName?: string,
 *   accounts?: { name: string, secretId: string, readOnlySecretId?: string }[] }} params
 *   readOnlySecretName: the read-only Alibaba key check uses instead of the main one (empty: the main one);
 *   accounts: dist/accounts.json's (the `accounts` param), which replace both secret params
 */
function buildRoles(facts, params) {
  const secretOf = secretsOf(params);
  const topicName = `${params.service}-${params.stage}-alerts`;
  const tableArn = { 'Fn::GetAtt': ['LedgerTable', 'Arn'] };
  const Resources = {};
  for (const job of JOBS) {
    const grants = facts.jobs[job];
    if (!grants) throw new Error(`dist/iam.json has no grants for job "${job}": update lib/iam.ts`);
    const Statement = [
      {
        Sid: 'ReadAlibabaKey',
        Effect: 'Allow',
        Action: facts.service.readSecret,
        Resource: secretResource(secretOf[job]),
      },
      { Sid: 'LedgerItems', Effect: 'Allow', Action: grants.table, Resource: tableArn },
    ];
    if (grants.claimPartitions.length > 0) {
      // Queries of one domain's claims only: every partition key the request touches must be a claim's.
      Statement.push({
        Sid: 'LedgerClaimQueries',
        Effect: 'Allow',
        Action: grants.claimPartitions,
        Resource: tableArn,
        Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': facts.claimPartitionPatterns } },
      });
    }
    if ((grants.markPartitions ?? []).length > 0) {
      // Batch writes of marks only: BatchWriteItem carries deletes too, so on the whole table it let either role
      // delete any claim, batch, hold or budget (review 2026-12-07, thirty-first session).
      Statement.push({
        Sid: 'LedgerMarkWrites',
        Effect: 'Allow',
        Action: grants.markPartitions,
        Resource: tableArn,
        Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': facts.markPartitionPatterns } },
      });
    }
    // The holds item is the operator's veto: neither role writes it (PutItem and UpdateItem on the table could).
    const holdWrites = [...grants.table, ...(grants.markPartitions ?? [])].filter((a) =>
      ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem'].includes(a),
    );
    if (holdWrites.length > 0 && facts.holdPartitionPatterns) {
      Statement.push({
        Sid: 'NoHoldWrites',
        Effect: 'Deny',
        Action: holdWrites,
        Resource: tableArn,
        Condition: { 'ForAnyValue:StringLike': { 'dynamodb:LeadingKeys': facts.holdPartitionPatterns } },
      });
    }
    if (grants.openIndex.length > 0) {
      Statement.push({
        Sid: 'LedgerOpenIndex',
        Effect: 'Allow',
        Action: grants.openIndex,
        Resource: { 'Fn::Join': ['/', [tableArn, 'index', facts.openIndexName]] },
      });
    }
    Statement.push(
      {
        Sid: 'PublishAlerts',
        Effect: 'Allow',
        Action: facts.service.publish,
        // By name, not Ref: the key policy names the roles and the topic depends on the key.
        Resource: { 'Fn::Sub': `arn:\${AWS::Partition}:sns:\${AWS::Region}:\${AWS::AccountId}:${topicName}` },
      },
      {
        // The log group itself is created by the stack (with retention), so no logs:CreateLogGroup.
        Sid: 'WriteOwnLogs',
        Effect: 'Allow',
        Action: facts.service.logs,
        Resource: {
          'Fn::Sub': `arn:\${AWS::Partition}:logs:\${AWS::Region}:\${AWS::AccountId}:log-group:/aws/lambda/${params.service}-${params.stage}-${job}:*`,
        },
      },
    );
    Resources[`${job[0].toUpperCase()}${job.slice(1)}Role`] = {
      Type: 'AWS::IAM::Role',
      Properties: {
        RoleName: { 'Fn::Sub': `\${AWS::StackName}-\${AWS::Region}-${job}` },
        AssumeRolePolicyDocument: {
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
        },
        Policies: [{ PolicyName: job, PolicyDocument: { Version: '2012-10-17', Statement } }],
      },
    };
  }
  return { Resources };
}

/** osls entry point; this file lives in <root>/scripts. Params go through the framework (stage params, --param). */
module.exports = async ({ resolveVariable }) =>
  buildRoles(readFacts(join(__dirname, '..')), {
    service: await resolveVariable('self:service'),
    stage: await resolveVariable('sls:stage'),
    secretName: await resolveVariable('param:secretName'),
    readOnlySecretName: await resolveVariable('param:readOnlySecretName'),
    accounts: readAccountsFacts(await resolveVariable('param:accounts'))?.accounts ?? [],
  });
module.exports.buildRoles = buildRoles;
