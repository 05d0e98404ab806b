// osls variable resolver: `${file(./scripts/subscriptions.cjs)}` in serverless.yml's `resources` list returns one
// AWS::SNS::Subscription per address in the `alertEmails` / `alertSms` params (comma lists; empty = none); emails
// also subscribe to the second alarm path (AlertFallbackTopic).
// Logical ids are derived from the address, not its position, so removing one address never replaces (and
// un-confirms) the others.
'use strict';
const { createHash } = require('node:crypto');

const EMAIL = /^[^@\s,]+@[^@\s,]+\.[^@\s,]+$/;
// E.164: what SNS accepts for the sms protocol.
const PHONE = /^\+[1-9]\d{6,14}$/;
const SMS_FILTER = { severity: ['alert'] };

/** Splits a comma list; blanks are dropped, duplicates (case-insensitive) kept once. */
function splitList(value) {
  const seen = new Set();
  const out = [];
  for (const raw of String(value ?? '').split(',')) {
    const item = raw.trim();
    if (item === '' || seen.has(item.toLowerCase())) continue;
    seen.add(item.toLowerCase());
    out.push(item);
  }
  return out;
}

/** Stable CloudFormation logical id for an address. */
function logicalId(prefix, address) {
  return `${prefix}${createHash('sha256').update(address.toLowerCase()).digest('hex').slice(0, 12)}`;
}

function check(items, pattern, param, example) {
  const bad = items.filter((item) => !pattern.test(item));
  if (bad.length > 0) {
    throw new Error(
      `param "${param}" has ${bad.length} invalid entr${bad.length === 1 ? 'y' : 'ies'} (${bad
        .map((b) => JSON.stringify(b))
        .join(', ')}): give a comma-separated list like ${example}`,
    );
  }
}

/**
 * Builds `{ Resources: {...} }` from the two comma lists.
 * @param {string} emails e.g. `ops@example.com,cto@example.com`
 * @param {string} phones E.164 numbers, e.g. `+8613800000000`
 */
function buildSubscriptions(emails, phones) {
  const emailList = splitList(emails);
  const smsList = splitList(phones);
  check(emailList, EMAIL, 'alertEmails', '"ops@example.com,cto@example.com"');
  check(smsList, PHONE, 'alertSms', '"+14155550100,+8613800000000" (E.164: +, country code, number)');
  const Resources = {};
  for (const email of emailList) {
    Resources[logicalId('AlertEmail', email)] = {
      Type: 'AWS::SNS::Subscription',
      Properties: { TopicArn: { Ref: 'AlertTopic' }, Protocol: 'email', Endpoint: email },
    };
    // The second alarm path (alert delivery failures), which does not depend on the alert topic's key.
    Resources[logicalId('AlertPathEmail', email)] = {
      Type: 'AWS::SNS::Subscription',
      Properties: { TopicArn: { Ref: 'AlertFallbackTopic' }, Protocol: 'email', Endpoint: email },
    };
  }
  for (const phone of smsList) {
    Resources[logicalId('AlertSms', phone)] = {
      Type: 'AWS::SNS::Subscription',
      Properties: {
        TopicArn: { Ref: 'AlertTopic' },
        Protocol: 'sms',
        Endpoint: phone,
        // Only failures reach phones: the notifier sets severity=alert for events in the policy's smsEvents.
        FilterPolicyScope: 'MessageAttributes',
        FilterPolicy: SMS_FILTER,
      },
    };
  }
  return { Resources };
}

/** osls entry point: reads the params through the framework so stage params and `--param` both apply. */
module.exports = async ({ resolveVariable }) =>
  buildSubscriptions(await resolveVariable('param:alertEmails'), await resolveVariable('param:alertSms'));
module.exports.buildSubscriptions = buildSubscriptions;
