import { isAbsolute, resolve } from 'node:path';
import { type Account, labelOf, namesAccounts } from '../accounts';
import { checkPolicyFlag, configForAccount } from '../compose/accounts';
import { buildBilling, buildCredentials, buildRegistrar, buildTargetCredentials } from '../compose/adapters';
import { newLocalLedgerDir, openLocalLedger } from '../compose/local';
import { type Config, isSandboxEndpoint, readConfig } from '../config';
import type { StackReader } from '../deployment/stack';
import { AuthRejectedError, AutorenewError, RegistrarError, ValidationError } from '../errors';
import type { RunRecord } from '../ledger/port';
import { formatMoney } from '../money';
import { isRecordedPolicy } from '../policy/hash';
import { formatIssue, loadPolicyFile } from '../policy/load';
import { findGroupCollisions, resolveRule } from '../policy/match';
import { type Policy, targetEnvStem } from '../policy/schema';
import { redact } from '../redact';
import { isNotInAccount } from '../registrar/not-in-account';
import type { ListedDomain, Registrar } from '../registrar/port';
import { quoteOptionsOf } from '../renewal/pricing';
import { type AlibabaAccess, selectSecretId } from '../secrets';
import { parseFlags } from './args';
import type { DoctorCheck } from './checklist';
import { ledgerTableCheck, readStage, type StageView, stageResourceChecks, stageRunChecks } from './doctor-stage';
import { type CliIO, type Command, EXIT } from './io';
import { terminalLine } from './terminal-text';

export const DOCTOR_USAGE = `usage: autorenew doctor [--policy FILE] [--stage NAME] [--verbose]

Read-only checklist of what a run depends on, with a fix for each failure: the policy (valid, rules that match),
the credentials (env or Secrets Manager, the secret's JSON fields), the endpoint (https, reachable), each registrar
operation the jobs need (probed with read-only calls: QueryDomainList, QueryTaskList; the paid renewal is never
called), and the ledger. Buys nothing, writes nothing. Exit 0 when nothing would stop a run, 1 otherwise.

--stage NAME checks a deployed stage instead: it reads the stack aliyun-domain-autorenew-NAME (AWS credentials,
AWS_REGION) and uses its outputs (ledger table, alert topic, secret, endpoint); adds the stack's state, dry run,
the schedule rules, the table's key schema and index, confirmed email subscriptions, the last renew and check runs,
and other stacks of the region serving the same Alibaba account. Pass --policy with the file that was deployed.

examples:
  npx autorenew doctor
  AWS_REGION=us-east-1 npx autorenew doctor --stage prod --policy policies/prod.json
  AUTORENEW_SECRET_ID=autorenew/alibaba npx autorenew doctor --policy policies/prod.json`;

const FLAGS = {
  policy: { type: 'string' },
  stage: { type: 'string' },
  verbose: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

export type { CheckStatus, DoctorCheck } from './checklist';

/** The RAM action a `Forbidden*` refusal names, e.g. `domain:QueryTaskList`; undefined for other errors. */
export function forbiddenAction(err: unknown): string | undefined {
  if (!(err instanceof AutorenewError)) return undefined;
  const code = err.context.code ?? '';
  if (!/^Forbidden/.test(code)) return undefined;
  return `domain:${err.context.action ?? 'unknown'}`;
}

function message(err: unknown): string {
  return redact(err instanceof Error ? err.message : String(err));
}

/** Rules that match no listed domain (shadowed by an earlier rule, or patterns that match nothing). */
export function idleRules(policy: Policy, domains: readonly ListedDomain[]): string[] {
  const used = new Set<string>();
  for (const d of domains) {
    const rule = resolveRule(policy, d).rule;
    if (rule !== undefined) used.add(rule);
  }
  return policy.rules.map((r) => r.name).filter((name) => !used.has(name));
}

/** One read-only probe of a registrar operation; a RAM refusal names the missing action. */
async function probe<T>(
  name: string,
  action: string,
  run: () => Promise<T>,
  describe: (value: T) => string,
): Promise<{ check: DoctorCheck; value?: T }> {
  try {
    const value = await run();
    return { check: { status: 'ok', name, detail: `${action} permitted: ${describe(value)}` }, value };
  } catch (err) {
    const missing = forbiddenAction(err);
    if (missing) {
      return {
        check: {
          status: 'FAIL',
          name,
          detail: `RAM refused ${action}: the key lacks ${missing}`,
          fix: `grant ${missing} to the RAM user's policy (docs/deploy.md, step 1)`,
        },
      };
    }
    if (err instanceof AuthRejectedError) {
      return {
        check: {
          status: 'FAIL',
          name,
          detail: message(err),
          fix: 'the AccessKey pair is wrong, disabled or rotated: check ALIBABA_CLOUD_ACCESS_KEY_ID/_SECRET or the secret',
        },
      };
    }
    return {
      check: {
        status: 'FAIL',
        name,
        detail: message(err),
        fix:
          err instanceof RegistrarError
            ? 'check AUTORENEW_ENDPOINT (host, DNS, network) and try again'
            : 'see the message; run with --verbose for details',
      },
    };
  }
}

function endpointCheck(config: Readonly<Config>): DoctorCheck {
  const url = new URL(config.endpoint);
  if (url.protocol === 'https:') return { status: 'ok', name: 'endpoint', detail: `${config.endpoint} (https)` };
  if (url.protocol === 'http:' && isSandboxEndpoint(config.endpoint)) {
    return { status: 'ok', name: 'endpoint', detail: `${config.endpoint} (loopback sandbox: nothing real is bought)` };
  }
  return {
    status: 'FAIL',
    name: 'endpoint',
    detail: `${config.endpoint} is not https; signed requests would travel in clear text`,
    fix: 'set AUTORENEW_ENDPOINT=https://domain.aliyuncs.com (plain http is for a loopback sandbox only)',
  };
}

async function credentialChecks(
  config: Readonly<Config>,
  env: CliIO['env'],
  policy: Policy | undefined,
  nowMs: number,
  source: Pick<Account, 'keyEnv' | 'profile'> = {},
): Promise<{ checks: DoctorCheck[]; domains?: ListedDomain[] }> {
  const { keyEnv } = source;
  const checks: DoctorCheck[] = [];
  let domains: ListedDomain[] | undefined;
  const accesses: AlibabaAccess[] = config.readOnlySecretId ? ['buy', 'read'] : ['buy'];
  for (const access of accesses) {
    const { secretId } = selectSecretId(config, access);
    const label = access === 'buy' ? 'credentials' : 'read-only credentials';
    const keyVars = keyEnv ? `${keyEnv.id}/${keyEnv.secret}` : 'ALIBABA_CLOUD_ACCESS_KEY_ID/_SECRET';
    const keyPair = keyEnv
      ? `${keyEnv.id} and ${keyEnv.secret}`
      : 'ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET';
    const local = source.profile ? `Alibaba Cloud CLI profile ${source.profile.name}` : keyVars;
    const from = secretId ? `Secrets Manager secret ${secretId}` : local;
    const provider = buildCredentials(config, env, access, source);
    try {
      await provider.get();
      checks.push({ status: 'ok', name: label, detail: `resolved from ${from}` });
    } catch (err) {
      checks.push({
        status: 'FAIL',
        name: label,
        detail: message(err),
        fix:
          source.profile && !secretId
            ? `run \`aliyun configure --profile ${source.profile.name}\` (an AK profile), or give the account accessKeyIdEnv/accessKeySecretEnv`
            : !secretId
              ? `export ${keyPair}, or set ${keyEnv ? "the account's secretId" : 'AUTORENEW_SECRET_ID'}`
              : err instanceof AutorenewError && err.context.code === undefined
                ? `store JSON {"accessKeyId": "...", "accessKeySecret": "..."} in ${secretId}`
                : `the secret could not be read: check that ${secretId} exists in AWS_REGION, that these AWS credentials may call secretsmanager:GetSecretValue on it, and that Secrets Manager is reachable`,
      });
      continue;
    }
    if (!policy) continue;
    const registrar: Registrar = buildRegistrar(config, policy, provider);
    const who = access === 'buy' ? '' : ' (read-only key)';
    const list = await probe(
      `QueryDomainList${who}`,
      'QueryDomainList',
      () => registrar.listDomains({}),
      (all) => `${all.length} domain(s) in the account`,
    );
    checks.push(list.check);
    if (list.value && !domains) domains = list.value;
    const tasks = await probe(
      `QueryTaskList${who}`,
      'QueryTaskList',
      () => registrar.listTasks({ fromMs: nowMs - 86_400_000, toMs: nowMs }),
      (t) => `${t.length} task(s) in the last day`,
    );
    checks.push(tasks.check);
    // The reads check makes of every batch: the rows of a task, and a domain's expiry. Unprobed, a key refused them
    // passed doctor, bought, and check could confirm nothing (review 2026-12-07). A made-up name or TaskNo when the
    // account has none to read: anything but a RAM refusal says the action is permitted.
    const known = list.value?.[0]?.domainName;
    checks.push(
      (
        await probe(
          `QueryDomainByDomainName${who}`,
          'QueryDomainByDomainName',
          () =>
            registrar.getDomain(known ?? 'autorenew-doctor-probe.com').catch((err: unknown) => {
              if (known === undefined && isNotInAccount(err)) return undefined;
              throw err;
            }),
          () => (known ? `looked up ${known}` : 'looked up a name not in the account'),
        )
      ).check,
    );
    const taskNo = tasks.value?.[0]?.taskNo;
    checks.push(
      (
        await probe(
          `QueryTaskDetailList${who}`,
          'QueryTaskDetailList',
          () =>
            registrar.listTaskDetails(taskNo ?? 'autorenew-doctor-probe').catch((err: unknown) => {
              if (taskNo === undefined && !forbiddenAction(err) && !(err instanceof AuthRejectedError)) return [];
              throw err;
            }),
          (rows) => (taskNo ? `${rows.length} row(s) of task ${taskNo}` : 'read a made-up task'),
        )
      ).check,
    );
    if (access === 'buy') checks.push(...(await moneyChecks(config, provider, policy, list.value)));
  }
  if (checks.some((c) => c.name.startsWith('QueryDomainList') && c.status === 'ok'))
    checks.push({
      status: 'ok',
      name: 'renewal permission',
      detail: 'SaveBatchTaskForCreatingOrderRenew is paid: doctor never calls it (the first real renew run does)',
    });
  return { checks, ...(domains ? { domains } : {}) };
}

/**
 * The money pre-flight (issue 15), read-only: the balance is readable and in the policy's currency, and the
 * registrar prices one listed domain (else the policy's table must, or domains are skipped as unpriced).
 */
async function moneyChecks(
  config: Readonly<Config>,
  provider: ReturnType<typeof buildCredentials>,
  policy: Policy,
  domains: ListedDomain[] | undefined,
): Promise<DoctorCheck[]> {
  const checks: DoctorCheck[] = [];
  const billing = buildBilling(config, provider);
  const balance = await probe(
    'balance',
    'QueryAccountBalance',
    () => billing.readBalance(),
    (b) => formatMoney(b.availableCash),
  );
  if (balance.check.status === 'FAIL') {
    balance.check.fix = `${balance.check.fix ?? ''}; the RAM action is bss:DescribeAcccount (or bssapi:QueryAccountBalance), the endpoint AUTORENEW_BSS_ENDPOINT (${config.bssEndpoint}). Until it reads, money.balanceUnreadable decides (default: buy nothing)`;
  }
  checks.push(balance.check);
  if (balance.value && balance.value.availableCash.currency !== policy.money.currency) {
    checks.push({
      status: 'FAIL',
      name: 'currency',
      detail: `the account is in ${balance.value.availableCash.currency}, the policy's money.currency is ${policy.money.currency}: a run would stop before buying`,
      fix: `set money.currency to ${balance.value.availableCash.currency} (and its amounts)`,
    });
  }
  // A domain that can be renewed at its list price: one in redemption or premium may rightly have no renew price.
  const sample = domains?.find((d) => d.standing !== 'redemption' && !d.premium) ?? domains?.[0];
  const registrar = buildRegistrar(config, policy, provider);
  if (sample && registrar.quoteRenewals) {
    const quote = registrar.quoteRenewals;
    const priced = await probe(
      'prices',
      'QueryDomainRealTimePrice / CheckDomain',
      () =>
        quote(
          [{ domainName: sample.domainName, premium: sample.premium }],
          policy.money.currency,
          quoteOptionsOf(policy),
        ),
      (a) =>
        a.quotes[0]
          ? `${sample.domainName} costs ${formatMoney(a.quotes[0].perYear)} a year (${a.quotes[0].source})`
          : `no price for ${sample.domainName}${a.unpriced[0] ? `: ${a.unpriced[0].why}` : ''}${a.unavailable.length ? ` (refused: ${a.unavailable.map((u) => `${u.source} ${u.code}`).join(', ')})` : ''}`,
    );
    const unpriced = priced.value && priced.value.quotes.length === 0;
    // A stated price that cannot be used is never replaced by the table: a warning even with one (price-unusable).
    const unusable = priced.value?.unpriced[0]?.suspect === true;
    checks.push(
      unusable
        ? {
            status: 'warn',
            name: 'prices',
            detail: priced.check.detail,
            fix: 'the registrar stated a price that cannot be used; such a domain is never bought (price-unusable): compare with the renewal price in the console',
          }
        : unpriced && !policy.money.priceTable
          ? {
              status: 'warn',
              name: 'prices',
              detail: priced.check.detail,
              fix: `add money.priceTable (one-year price per TLD) to the policy, or domains no source prices are skipped as unpriced${policy.money.checkDomainPrice === 'ignore' ? '; or, once you have compared CheckDomain\'s Price with the console\'s renewal price, money.checkDomainPrice "use"' : ''}`,
            }
          : priced.check,
    );
  }
  return checks;
}

/** The checks of one account (its config as configForAccount gives it), appended to `checks`. */
async function accountChecks(
  io: CliIO,
  config: Readonly<Config>,
  env: CliIO['env'],
  source: Pick<Account, 'keyEnv' | 'profile'>,
  checks: DoctorCheck[],
): Promise<void> {
  let policy: Policy | undefined;
  const policyPath = isAbsolute(config.policyPath) ? config.policyPath : resolve(io.cwd, config.policyPath);
  try {
    policy = await loadPolicyFile(policyPath);
    checks.push({
      status: 'ok',
      name: 'policy',
      detail: `${config.policyPath}: valid (version ${policy.version}, ${policy.rules.length} rule(s))`,
    });
  } catch (err) {
    const detail = err instanceof ValidationError ? err.issues.map((i) => formatIssue(i)).join('; ') : message(err);
    checks.push({
      status: 'FAIL',
      name: 'policy',
      detail,
      fix: `fix the file (autorenew validate ${config.policyPath}), or set AUTORENEW_POLICY / --policy`,
    });
  }
  const endpoint = endpointCheck(config);
  checks.push(endpoint);
  const creds = await credentialChecks(
    config,
    env,
    endpoint.status === 'FAIL' ? undefined : policy,
    Date.now(),
    source,
  );
  checks.push(...creds.checks);
  if (config.secretId && !config.readOnlySecretId) {
    checks.push({
      status: 'warn',
      name: 'read-only key',
      detail: 'check and plan read with the key that can buy (AUTORENEW_SECRET_ID)',
      fix: 'store a read-only key (docs/alibaba-ram-policy-readonly.json) and set AUTORENEW_READONLY_SECRET_ID (param readOnlySecretName)',
    });
  }
  // Each chat target's URL (no send): a target without one never gets a digest, and nothing else said so before
  // its first failure (review 2026-12-07, thirty-first session). Both jobs' secrets when they differ: each job
  // reads its own (renew the buying one, check the read-only one).
  if (policy && (policy.notify.targets ?? []).length > 0) checks.push(...(await targetChecks(config, env, policy)));
  if (policy && creds.domains) {
    const idle = idleRules(policy, creds.domains);
    checks.push(
      idle.length === 0
        ? {
            status: 'ok',
            name: 'rules',
            detail: `every rule matches at least one of ${creds.domains.length} domain(s)`,
          }
        : {
            status: 'warn',
            name: 'rules',
            detail: `rule(s) matching no domain in the account: ${idle.join(', ')}`,
            fix: 'check their match patterns and groups, and whether an earlier rule already takes those domains',
          },
    );
    // Group names are compared without case, width or kind of space (a no-break space copied from the console matched
    // nothing): two console groups that differ only so are one group to the policy (review 2026-12-08).
    const collisions = findGroupCollisions(creds.domains);
    if (collisions.length > 0)
      checks.push({
        status: 'warn',
        name: 'groups',
        detail: `console groups the policy reads as one (names compared without case, width or kind of space): ${collisions.map((names) => names.map((n) => JSON.stringify(n)).join(' and ')).join('; ')}`,
        fix: 'a groups rule naming one of them takes all of them: rename one of the groups in the console, or name the domains in match instead',
      });
  }
}

/** One check per chat target of the policy: its URL (and secret) can be read where each job reads them. */
async function targetChecks(config: Readonly<Config>, env: CliIO['env'], policy: Policy): Promise<DoctorCheck[]> {
  const sources = [...new Set([selectSecretId(config, 'buy').secretId, selectSecretId(config, 'read').secretId])];
  const checks: DoctorCheck[] = [];
  for (const target of policy.notify.targets ?? []) {
    const missing: string[] = [];
    for (const [i, secretId] of sources.entries()) {
      const access = i === 0 ? 'buy' : 'read';
      try {
        await buildTargetCredentials(config, env, access).get(target.name);
      } catch (err) {
        missing.push(`${secretId ? `secret ${secretId}` : 'the environment'}: ${message(err)}`);
      }
    }
    checks.push(
      missing.length === 0
        ? { status: 'ok', name: `chat target ${target.name}`, detail: `${target.kind}: its URL is set` }
        : {
            status: 'FAIL',
            name: `chat target ${target.name}`,
            detail: missing.join('; '),
            fix: `set ${targetEnvStem(target.name)}_URL (local runs), or the notifyTargets field of each job's secret (docs/deploy.md)`,
          },
    );
  }
  return checks;
}

/**
 * The policy the stage's runs last used (RunRecord.policyHash, the newest record carrying one) against the one
 * doctor reads: an edit not deployed yet reads "valid" and ran nowhere (review 2026-12-07, thirty-first session).
 * Compared without comments when the record allows (isRecordedPolicy).
 */
function deployedPolicyCheck(runs: readonly RunRecord[], policy: Policy, policyPath: string): DoctorCheck | undefined {
  const hashed = runs.filter((r) => r.policyHash !== undefined).sort((a, b) => b.startedAtMs - a.startedAtMs)[0];
  if (!hashed) return undefined;
  return isRecordedPolicy(hashed, policy)
    ? {
        status: 'ok',
        name: 'deployed policy',
        detail: `${policyPath} is the policy the stage's last ${hashed.job} run used`,
      }
    : {
        status: 'warn',
        name: 'deployed policy',
        detail: `${policyPath} is not the policy the stage's last ${hashed.job} run used (${new Date(hashed.startedAtMs).toISOString()}): an edit not deployed yet, or another file`,
        fix: 'deploy the edit (npm run deploy), or pass the file the stage was deployed with (--policy); a deploy counts from the next run (check runs hourly)',
      };
}

/**
 * Runs every check, in order; later checks that need an earlier one's result are skipped when it failed. With
 * `stage`, the deployed stage's stack is read first and its outputs replace the environment's settings.
 */
export async function runDoctor(
  io: CliIO,
  options: { policy?: string; stage?: string; stacks?: StackReader },
): Promise<DoctorCheck[]> {
  const checks: DoctorCheck[] = [];
  let view: StageView | undefined;
  if (options.stage !== undefined) {
    view = await readStage(io, options.stage, options.stacks);
    checks.push(...view.checks);
    if (!view.env) return checks;
  }
  const env = { ...io.env, ...(view?.env ?? {}), ...(options.policy ? { AUTORENEW_POLICY: options.policy } : {}) };
  let config: Readonly<Config>;
  try {
    config = readConfig(env);
    checkPolicyFlag(config.accounts, options.policy);
  } catch (err) {
    const path = err instanceof AutorenewError ? err.context.path : undefined;
    return [
      ...checks,
      {
        status: 'FAIL',
        name: path === 'AUTORENEW_ENDPOINT' ? 'endpoint' : 'configuration',
        detail: message(err),
        fix: `correct ${path ?? 'the variable named above'}; nothing was sent`,
      },
    ];
  }
  // Each account is checked on its own: its policy, endpoint, key, listing and money (names prefixed with it).
  const several = namesAccounts(config.accounts);
  for (const account of config.accounts) {
    const named = several ? `[${labelOf(account)}] ` : '';
    const before = checks.length;
    await accountChecks(io, configForAccount(config, account), env, account, checks);
    for (const c of checks.slice(before)) c.name = `${named}${c.name}`;
  }
  // The table's keys and index, with or without --stage: a hand-made table without the open-batches index read as
  // "readable" and every check run failed on it (review 2026-12-07, thirty-first session).
  const resources = view
    ? await stageResourceChecks(view, env)
    : config.table
      ? [await ledgerTableCheck(env, config.table, 'warn')]
      : [];
  checks.push(...resources);
  // A missing or foreign table is already a FAIL; opening it as a ledger could only repeat that (or, against a local
  // endpoint override, create it: doctor writes nothing).
  if (resources.some((c) => c.name === 'ledger table' && c.status === 'FAIL')) return checks;
  // Nor an embedded ledger where none is yet: opened, it was created, and a renew run here then did not warn that it
  // started on an empty ledger (review 2026-12-07).
  const none = newLocalLedgerDir(io, config);
  if (none !== undefined) {
    checks.push({
      status: 'warn',
      name: 'ledger',
      detail: `no embedded ledger at ${none} yet: a renew run here starts an empty one; if autorenew runs from another directory, set AUTORENEW_LEDGER_DIR to its ledger`,
    });
    return checks;
  }
  try {
    // Read-only: a table missing at a local endpoint override is reported, never created.
    const opened = await openLocalLedger(io, config, env, { createTable: false });
    try {
      const where = config.table ? `table ${config.table}` : `embedded ledger in ${config.ledgerDir}`;
      // Each account's runs live in its own keyspace: the stage's last-run checks hold for every account.
      for (const account of config.accounts) {
        const named = several ? `[${labelOf(account)}] ` : '';
        const runs = await opened.forAccount(account.name).lastRuns();
        if (view)
          checks.push(...stageRunChecks(view, runs, Date.now()).map((c) => ({ ...c, name: `${named}${c.name}` })));
        const accountConfig = configForAccount(config, account);
        const policyPath = isAbsolute(accountConfig.policyPath)
          ? accountConfig.policyPath
          : resolve(io.cwd, accountConfig.policyPath);
        const policy = await loadPolicyFile(policyPath).catch(() => undefined);
        const deployed = policy && deployedPolicyCheck(runs, policy, accountConfig.policyPath);
        if (deployed) checks.push({ ...deployed, name: `${named}${deployed.name}` });
        checks.push({
          status: 'ok',
          name: `${named}ledger`,
          detail: `${where} readable (${runs.length} recorded run(s))`,
        });
      }
    } finally {
      await opened.close();
    }
  } catch (err) {
    checks.push({
      status: 'FAIL',
      name: 'ledger',
      detail: message(err),
      fix: config.table
        ? 'check AUTORENEW_TABLE, the AWS region and credentials, and dynamodb:GetItem/Query permissions'
        : 'check AUTORENEW_LEDGER_DIR is a writable directory, and no other run holds the ledger',
    });
  }
  return checks;
}

/** `doctor`: the read-only checklist. */
export const doctorCommand: Command = async (args, io) => {
  const flags = parseFlags('doctor', args, FLAGS, DOCTOR_USAGE);
  if (flags.help) {
    io.out(DOCTOR_USAGE);
    return EXIT.ok;
  }
  const checks = await runDoctor(io, {
    ...(flags.policy !== undefined ? { policy: flags.policy } : {}),
    ...(flags.stage !== undefined ? { stage: flags.stage } : {}),
  });
  for (const c of checks) {
    io.out(terminalLine(`${c.status.padEnd(4)}  ${c.name}: ${c.detail}`));
    if (c.fix && c.status !== 'ok') io.out(terminalLine(`      fix: ${c.fix}`));
  }
  const failed = checks.filter((c) => c.status === 'FAIL').length;
  const warned = checks.filter((c) => c.status === 'warn').length;
  io.out(
    `doctor: ${checks.length - failed - warned} ok, ${warned} warning(s), ${failed} failed${failed ? '; a run would stop' : ''}`,
  );
  return failed > 0 ? EXIT.invalidInput : EXIT.ok;
};
