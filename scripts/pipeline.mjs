// The steps shared by `npm run package` and `npm run deploy`: bundle, validate and bundle the policy, generate the
// deploy facts (table resource, metric names), then hand over to osls. Each step prints what it does.
import { spawnSync } from 'node:child_process';
import { chmod, copyFile, mkdir, readFile, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AccountsError, bundledPolicyName, readDeployAccounts, writeAccountsFile } from './accounts.mjs';
import { writeIamFacts } from './iam-facts.mjs';
import { loadTsModule } from './load-ts.mjs';
import { writeMetricNames } from './metric-names.mjs';
import { writeTableResource } from './table-resource.mjs';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const FUNCTIONS = ['renew', 'check'];
/**
 * Shipped next to each handler as its AWS_LAMBDA_EXEC_WRAPPER: keeps the function's NODE_OPTIONS heap caps in force
 * when the runtime's bootstrap passes heap sizes of its own on the command line (scripts/heap-flags.sh).
 */
export const HEAP_FLAGS_WRAPPER = 'heap-flags.sh';
const DEFAULT_POLICY = 'policies/default.json';
/** `npm run deploy -- --allow-shared-account`: deploy a buying stage although another stack buys for its account. */
const ALLOW_SHARED = '--allow-shared-account';

/** A step failed; the message says what and how to fix it. */
export class PipelineError extends Error {}

/**
 * Reads `--stage`/`-s` and every `--param k=v` from osls-style arguments (both `--x v` and `--x=v` forms).
 * @param {readonly string[]} args
 * @returns {{ stage: string | undefined, params: Record<string, string> }}
 */
export function parseOslsArgs(args) {
  let stage;
  const params = {};
  for (let i = 0; i < args.length; i += 1) {
    const arg = args[i] ?? '';
    // osls reads `-s=prod` as `--stage=prod` (node_modules/osls/lib/cli/param-reg-exp.js): so does this.
    const [flag, inline] = arg.startsWith('-') && arg.includes('=') ? splitOnce(arg, '=') : [arg, undefined];
    const value = () => (inline !== undefined ? inline : args[++i]);
    if (flag === '--stage' || flag === '-s') stage = value();
    else if (flag === '--param') {
      const pair = value() ?? '';
      const [key, v] = splitOnce(pair, '=');
      if (v !== undefined) params[key] = v;
    }
  }
  return { stage, params };
}

/** The endpoints the functions take (lib/config.ts checkLambdaEndpoint): https, a host under aliyuncs.com, nothing else. */
function isAliyunEndpoint(text) {
  let url;
  try {
    url = new URL(text);
  } catch {
    return false;
  }
  return (
    url.protocol === 'https:' &&
    url.username === '' &&
    url.password === '' &&
    url.port === '' &&
    /^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+aliyuncs\.com$/.test(url.hostname.toLowerCase())
  );
}

/** Flags taken here, with whether each takes a value: the checks before osls read exactly these. */
const TAKEN = new Map([
  ['--stage', true],
  ['-s', true],
  ['--param', true],
  ['--strict', false],
  [ALLOW_SHARED, false],
  ['--verbose', false],
]);

/**
 * Refuses every argument the checks before osls do not read the way osls does: osls deploys `--package <dir>` as
 * packaged earlier (not what was checked), runs `deploy function` outside the stack, and reads `-s=prod` as a
 * stage (review 2026-12-07: each deployed something other than what was checked). `--region`, `--config` and
 * `--aws-profile` keep their own advice (checkDeployArgs, credentialsMismatch).
 */
function refuseUnknownArgs(args) {
  for (let i = 0; i < args.length; i += 1) {
    const arg = args[i] ?? '';
    const [flag, inline] = arg.startsWith('-') && arg.includes('=') ? splitOnce(arg, '=') : [arg, undefined];
    if (/^(--region|-r|--config|-c|--aws-profile)$/.test(flag)) {
      if (inline === undefined) i += 1;
      continue;
    }
    const takesValue = TAKEN.get(flag);
    if (takesValue === undefined) {
      throw new PipelineError(
        `${flag} is not taken here: npm run package and deploy take --stage, --param="name=value", --strict, ${ALLOW_SHARED} and --verbose only, so that what osls deploys is what was checked (docs/deploy.md)`,
      );
    }
    if (takesValue && inline === undefined) i += 1;
  }
}

function splitOnce(text, sep) {
  const at = text.indexOf(sep);
  return at < 0 ? [text, undefined] : [text.slice(0, at), text.slice(at + 1)];
}

/**
 * The policy file osls will resolve for these arguments: `--param policy=…`, else `params.<stage>.policy`, else
 * `params.default.policy` in serverless.yml, else policies/default.json. Relative to the repository root.
 */
export async function resolvePolicyPath(args, root = ROOT) {
  return (await resolveParam(args, 'policy', root)) || DEFAULT_POLICY;
}

/**
 * The value osls will resolve for param `name`: `--param name=…`, else `params.<stage>.name`, else
 * `params.default.name` in serverless.yml, else ''. A YAML list (e.g. stage `accounts`) comes back as JSON text,
 * as scripts/accounts-env.cjs reads it.
 */
export async function resolveParam(args, name, root = ROOT) {
  const { stage = 'dev', params } = parseOslsArgs(args);
  if (params[name] !== undefined) return params[name];
  // js-yaml is what osls itself parses serverless.yml with; resolve it through osls so hoisting does not matter.
  const yaml = createRequire(createRequire(join(root, 'package.json')).resolve('osls/package.json'))('js-yaml');
  const config = yaml.load(await readFile(join(root, 'serverless.yml'), 'utf8')) ?? {};
  const value = config.params?.[stage]?.[name] ?? config.params?.default?.[name];
  const { paramText } = createRequire(import.meta.url)('./accounts-env.cjs');
  return paramText(value);
}

/** IAM role names (`<stack>-<region>-<job>`, scripts/roles.cjs) may have at most 64 characters. */
const IAM_NAME_MAX = 64;

function editDistance(a, b) {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i += 1) {
    let prev = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j += 1) {
      const here = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = here;
    }
  }
  return row[b.length];
}

/**
 * Checks the deploy arguments before anything is built (issue 14, deploy guardrails): every `--param` name is one
 * serverless.yml declares (with a "did you mean"), the stage name fits the IAM name limit, the alert addresses are
 * valid, and with `--strict` at least one alert email is set (otherwise a warning). Returns the warnings and a
 * summary of what will be deployed. Throws PipelineError with one line.
 * @param {readonly string[]} args osls-style arguments
 * @param {Record<string, unknown>} config serverless.yml, parsed
 */
export function checkDeployArgs(args, config) {
  refuseUnknownArgs(args);
  const { stage = 'dev', params } = parseOslsArgs(args);
  const strict = args.includes('--strict');
  const declared = { ...(config.params?.default ?? {}), ...(config.params?.[stage] ?? {}) };
  const known = Object.keys(declared);
  for (const name of Object.keys(params)) {
    if (known.includes(name)) continue;
    const near = known
      .map((k) => [k, editDistance(k.toLowerCase(), name.toLowerCase())])
      .sort((a, b) => a[1] - b[1])[0];
    const hint = near && near[1] <= 3 ? `did you mean "${near[0]}"? ` : '';
    throw new PipelineError(`unknown --param "${name}": ${hint}known parameters: ${known.join(', ')} (docs/deploy.md)`);
  }
  const value = (name) => String(params[name] ?? declared[name] ?? '');
  // osls would deploy to a --region flag's region, while every check here (the IAM name length, the stacks that buy
  // for the same account) and the secret's ARN read the `region` param: one way only.
  const regionFlag = args.find((a) => /^(--region|-r)(=|$)/.test(a));
  if (regionFlag !== undefined) {
    throw new PipelineError(
      `${regionFlag.split('=')[0]} is not taken here: give the region as --param="region=<region>" (the checks before osls and the stack's secret read that param)`,
    );
  }
  // osls would deploy another service file's stack (its params, its policy), while every check here and the policy
  // bundled read serverless.yml: `--config serverless.prod.yml` deployed policies/default.json, which buys every
  // domain due within 30 days (review 2026-12-07). One file only.
  const configFlag = args.find((a) => /^(--config|-c)(=|$)/.test(a));
  if (configFlag !== undefined) {
    throw new PipelineError(
      `${configFlag.split('=')[0]} is not taken here: the checks before osls and the policy bundled read serverless.yml; give a stage's settings as params of serverless.yml (params.<stage>) or --param="name=value"`,
    );
  }
  if (!/^[A-Za-z0-9-]+$/.test(stage)) {
    throw new PipelineError(`stage name ${JSON.stringify(stage)}: use letters, digits and hyphens only`);
  }
  const region = value('region') || 'us-east-1';
  const longest = `${config.service}-${stage}-${region}-renew`;
  if (longest.length > IAM_NAME_MAX) {
    throw new PipelineError(
      `stage name "${stage}" is too long: the IAM role name ${longest} would have ${longest.length} characters (at most ${IAM_NAME_MAX}); use a stage name of at most ${stage.length - (longest.length - IAM_NAME_MAX)} characters`,
    );
  }
  const { buildSubscriptions } = createRequire(import.meta.url)('./subscriptions.cjs');
  try {
    buildSubscriptions(value('alertEmails'), value('alertSms'));
  } catch (err) {
    throw new PipelineError(err.message);
  }
  const { alibabaAccountLabel } = createRequire(import.meta.url)('./outputs.cjs');
  // With the `accounts` param the account labels are checked once the accounts are read (prepareArtifacts).
  const several = value('accounts').trim() !== '';
  let account;
  try {
    account = several ? '' : alibabaAccountLabel(value('alibabaAccount'), value('secretName'));
  } catch (err) {
    throw new PipelineError(err.message);
  }
  // The functions refuse any other endpoint at every run (lib/config.ts checkLambdaEndpoint); refused here before it is
  // printed or deployed, never quoted: one with user:password@ went to the summary, the CI log and the functions'
  // environment (review 2026-12-07).
  for (const name of ['endpoint', 'bssEndpoint']) {
    const text = value(name).trim();
    if (text !== '' && !isAliyunEndpoint(text)) {
      throw new PipelineError(
        `param "${name}" is not an https://<name>.aliyuncs.com URL (with no user, password or port), which is all the functions take: the value is not shown; fix it`,
      );
    }
  }
  // The functions read AUTORENEW_DRY_RUN leniently, but the stack output DryRun is compared as written (doctor, and
  // the deploy's account check): "1" or "yes" was a dry-run stage that doctor reported as buying.
  const dryRunText = value('dryRun').trim();
  if (dryRunText !== 'true' && dryRunText !== 'false') {
    throw new PipelineError(
      `param "dryRun" is ${JSON.stringify(value('dryRun'))}: use true (plan and notify, buy nothing) or false (buy what is due)`,
    );
  }
  const emails = value('alertEmails')
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean);
  const warnings = [];
  if (emails.length === 0) {
    const message = 'no alert email: nobody hears of failed renewals; set --param="alertEmails=ops@example.com"';
    if (strict) throw new PipelineError(`${message} (--strict)`);
    warnings.push(message);
  }
  const summary = [
    `stage ${stage}, region ${region}`,
    `schedules: renew ${value('renewSchedule')}, check ${value('checkSchedule')}`,
    `dryRun ${value('dryRun')}, endpoint ${value('endpoint')}`,
    ...(several
      ? ['accounts: from the "accounts" param (listed below once read)']
      : [
          `secret ${value('secretName')}${value('readOnlySecretName') ? `, read-only secret ${value('readOnlySecretName')}` : ''}`,
          `Alibaba account ${account}${value('alibabaAccount') ? '' : ' (set --param="alibabaAccount=<account UID>" to name it)'}`,
        ]),
    `alert emails: ${emails.length ? emails.join(', ') : 'none'}; SMS: ${value('alertSms') || 'none'}`,
    `policy ${value('policy') || DEFAULT_POLICY}`,
  ];
  return {
    warnings,
    summary,
    intended: {
      stage,
      region,
      alibabaAccount: account,
      dryRun: dryRunText === 'true',
      ...(several ? {} : { secretName: value('secretName') }),
    },
  };
}

/** Runs a command with inherited output; throws PipelineError on a non-zero exit. */
function run(title, command, args, options = {}) {
  console.log(`\n> ${title}\n  $ ${[relative(ROOT, command) || command, ...args].join(' ')}`);
  const started = Date.now();
  const result = spawnSync(command, args, { cwd: ROOT, stdio: 'inherit', ...options });
  if (result.error) throw new PipelineError(`${title}: could not start ${command}: ${result.error.message}`);
  if (result.status !== 0) throw new PipelineError(`${title} failed (exit ${result.status}); see the output above`);
  console.log(`  done in ${Date.now() - started} ms`);
}

/**
 * Validates the policy with the CLI (`autorenew validate`, which prints `file:line:col path: message` lines and
 * exits 1 on problems). A missing file or unparsable JSON is reported here too, so packaging never ships a policy
 * the validator did not accept.
 */
async function validatePolicy(policyPath) {
  const absolute = resolve(ROOT, policyPath);
  console.log(`\n> validate policy ${policyPath}`);
  const info = await stat(absolute).catch(() => undefined);
  if (!info?.isFile()) {
    throw new PipelineError(
      `policy file ${policyPath} not found: create it (see policies/) or pass --param="policy=<path>"`,
    );
  }
  try {
    JSON.parse(await readFile(absolute, 'utf8'));
  } catch (err) {
    throw new PipelineError(`policy file ${policyPath} is not valid JSON (${err.message}): fix it and package again`);
  }
  const result = spawnSync(process.execPath, [join(ROOT, 'bin', 'autorenew.js'), 'validate', policyPath], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  if (result.stdout) process.stdout.write(result.stdout);
  if (result.stderr) process.stderr.write(result.stderr);
  if (result.status !== 0) {
    throw new PipelineError(`policy file ${policyPath} is invalid (see the lines above): fix it and package again`);
  }
  return absolute;
}

/**
 * Everything before osls: validate the policy, build, copy the policy next to each handler, generate the deploy facts.
 * @param {readonly string[]} args the osls arguments (for `--stage` and `--param policy=…`)
 */
export async function prepareArtifacts(args, command = 'package') {
  const yaml = createRequire(createRequire(join(ROOT, 'package.json')).resolve('osls/package.json'))('js-yaml');
  const config = yaml.load(await readFile(join(ROOT, 'serverless.yml'), 'utf8')) ?? {};
  const { warnings, summary, intended } = checkDeployArgs(args, config);
  console.log('\n> what will be deployed');
  for (const line of summary) console.log(`  ${line}`);
  for (const line of warnings) console.log(`  warning: ${line}`);
  // The policy first: a bad one stops the run before anything is built.
  const policyPath = await resolvePolicyPath(args);
  const policy = await validatePolicy(policyPath);
  const rules = JSON.parse(await readFile(policy, 'utf8')).rules ?? [];
  console.log(
    `  policy rules (first match wins): ${rules.length ? rules.map((r) => `${r.name}${r.renew === false ? ' (never renew)' : ''}`).join(', ') : 'none (defaults for every domain)'}`,
  );
  const accountsParam = await resolveParam(args, 'accounts');
  const { accounts, label } = await readAccounts(accountsParam, args);
  if (command === 'deploy') {
    const several = accounts.length > 0 ? { alibabaAccount: label, accounts: JSON.stringify(accounts) } : {};
    await checkAccountBeforeDeploy({ ...intended, ...several }, args);
  }
  const accountPolicies = [];
  for (const account of accounts.filter((a) => a.policyPath)) {
    accountPolicies.push([account, await validatePolicy(account.policyPath)]);
  }
  run('build handlers', process.execPath, [join(ROOT, 'scripts', 'build.mjs')]);
  for (const fn of FUNCTIONS) {
    await copyFile(policy, join(ROOT, 'dist', fn, 'policy.json'));
    console.log(`  copied ${policyPath} -> dist/${fn}/policy.json`);
    // The function's AWS_LAMBDA_EXEC_WRAPPER (serverless.yml): the bootstrap refuses a script that is not executable.
    const wrapper = join(ROOT, 'dist', fn, HEAP_FLAGS_WRAPPER);
    await copyFile(await checkedWrapper(), wrapper);
    await chmod(wrapper, 0o755);
    console.log(`  copied scripts/${HEAP_FLAGS_WRAPPER} -> dist/${fn}/${HEAP_FLAGS_WRAPPER}`);
    for (const [account, file] of accountPolicies) {
      await mkdir(join(ROOT, 'dist', fn, 'policies'), { recursive: true });
      await copyFile(file, join(ROOT, 'dist', fn, bundledPolicyName(account)));
      console.log(`  copied ${account.policyPath} -> dist/${fn}/${bundledPolicyName(account)}`);
    }
  }
  console.log('\n> generate deploy facts from lib/');
  console.log(
    `  ${relative(ROOT, await writeAccountsFile(ROOT, accountsParam, accounts))} (from the "accounts" param)`,
  );
  console.log(`  ${relative(ROOT, await writeTableResource(ROOT))} (from lib/ledger/table.ts)`);
  console.log(`  ${relative(ROOT, await writeMetricNames(ROOT))} (from lib/metrics.ts)`);
  console.log(`  ${relative(ROOT, await writeIamFacts(ROOT))} (from lib/iam.ts)`);
}

/**
 * The wrapper to ship (scripts/heap-flags.sh), refused with one line when a checkout gave it CR line endings:
 * `#!/bin/sh\r` is no interpreter, and both functions would fail to start (exit 127) on every run after the deploy.
 * @param {string} [file] the script (default: scripts/heap-flags.sh)
 * @returns {Promise<string>} `file`
 */
export async function checkedWrapper(file = join(ROOT, 'scripts', HEAP_FLAGS_WRAPPER)) {
  const text = await readFile(file, 'utf8');
  if (!text.startsWith('#!/bin/sh\n') || text.includes('\r')) {
    throw new PipelineError(
      `${relative(ROOT, file)} has CR line endings or no "#!/bin/sh" first line, and the functions would not start ` +
        "with it; give it LF line endings (sed -i 's/\\r$//' on it; .gitattributes asks git for LF in *.sh files)",
    );
  }
  return file;
}

/**
 * The accounts of the `accounts` param (none when it is empty), checked for Lambda, with what the stack will record
 * as its AlibabaAccount; throws PipelineError with one line.
 */
async function readAccounts(param, args) {
  if (param.trim() === '') return { accounts: [] };
  console.log('\n> read accounts (param "accounts")');
  try {
    const accounts = await readDeployAccounts(param, ROOT);
    const { alibabaAccountLabel } = createRequire(import.meta.url)('./outputs.cjs');
    const label = alibabaAccountLabel(await resolveParam(args, 'alibabaAccount'), '', accounts);
    for (const a of accounts) {
      console.log(
        `  ${a.name === '' ? 'default (unnamed: the ledger items of the single-account deployment)' : a.name}: site ${a.site}, secret ${a.secretId}${a.readOnlySecretId ? `, read-only secret ${a.readOnlySecretId}` : ''}, policy ${a.policyPath ?? "the deployment's"}`,
      );
    }
    console.log(`  Alibaba accounts ${label}`);
    return { accounts, label };
  } catch (err) {
    if (err instanceof AccountsError || /^param "/.test(err.message)) throw new PipelineError(err.message);
    throw err;
  }
}

/**
 * Deploy only, before anything is built: refuses to deploy a buying stage while another stack of the region buys for
 * the same Alibaba account (lib/deployment/deploy-account.ts). Each stack has its own ledger, and every stage
 * defaults to dryRun=false with the same secret, so `--stage test` beside `prod` bought the same renewals twice.
 * `--allow-shared-account` skips it (printed). Throws PipelineError with one line.
 * @param {{ stage: string, region: string, alibabaAccount: string, dryRun: boolean }} intended
 * @param {readonly string[]} args
 */
export async function checkAccountBeforeDeploy(intended, args) {
  console.log('\n> check the Alibaba account is not bought for by another stack');
  if (args.includes(ALLOW_SHARED)) {
    console.log(`  skipped (${ALLOW_SHARED}): ${intended.alibabaAccount} may be bought for by another stack too`);
    return;
  }
  const mismatch = credentialsMismatch(args, process.env, intended.stage);
  if (mismatch) throw new PipelineError(mismatch);
  const { readDeployAccount, AutorenewError } = await loadTsModule(ROOT, 'lib/deployment/deploy-account.ts');
  try {
    console.log(`  ${intended.dryRun ? 'dry run: ' : ''}${await readDeployAccount(intended)}`);
  } catch (err) {
    if (err instanceof AutorenewError) throw new PipelineError(err.message);
    throw err;
  }
}

/**
 * Why the account check could read another AWS account's stacks than osls deploys to, or undefined. The check lists
 * stacks with the AWS SDK's default credentials (AWS_ACCESS_KEY_ID before AWS_PROFILE); osls takes `--aws-profile`,
 * then AWS_<STAGE>_PROFILE and AWS_<STAGE>_ACCESS_KEY_ID, then AWS_PROFILE before the keys, then AWS_DEFAULT_PROFILE
 * (node_modules/osls/lib/aws/credentials.js). Only the settings both read the same way are taken (review 2026-12-05,
 * round 4, helper G: `--aws-profile prodacct` checked the default account and deployed beside prodacct's buyer).
 * @param {readonly string[]} args @param {Record<string, string | undefined>} env @param {string} stage
 */
export function credentialsMismatch(args, env, stage) {
  const set = (name) => (env[name] ?? '') !== '';
  const stageUpper = stage.toUpperCase();
  const use =
    'give the deploy credentials as AWS_PROFILE alone, or as AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY alone, so the account check reads the stacks of the AWS account osls deploys to';
  const flag = args.find((a) => a === '--aws-profile' || a.startsWith('--aws-profile='));
  if (flag !== undefined) return `--aws-profile is not taken here: ${use}`;
  for (const name of [`AWS_${stageUpper}_PROFILE`, `AWS_${stageUpper}_ACCESS_KEY_ID`]) {
    if (set(name)) return `${name} is set (osls would deploy with it): ${use}`;
  }
  if (set('AWS_PROFILE') && set('AWS_ACCESS_KEY_ID')) {
    return `AWS_PROFILE and AWS_ACCESS_KEY_ID are both set (osls takes the profile, the AWS SDK the keys): ${use}`;
  }
  if (set('AWS_DEFAULT_PROFILE') && !set('AWS_PROFILE') && !set('AWS_ACCESS_KEY_ID')) {
    return `AWS_DEFAULT_PROFILE is set without AWS_PROFILE (osls takes it, the AWS SDK does not): ${use}`;
  }
  return undefined;
}

/** Runs `osls <command> ...args` from the repository root. */
export function runOsls(command, args) {
  const bin = join(ROOT, 'node_modules', 'osls', 'bin', 'serverless.js');
  run(`osls ${command}`, process.execPath, [bin, command, ...args]);
}

/** Entry point for the two scripts: prints a one-line error (no stack) and exits 1 on failure. */
export async function main(command, args) {
  const started = Date.now();
  try {
    await prepareArtifacts(args, command);
    runOsls(
      command,
      args.filter((a) => a !== '--strict' && a !== ALLOW_SHARED),
    );
    console.log(`\n${command} finished in ${Date.now() - started} ms`);
  } catch (err) {
    console.error(`\nerror: ${err instanceof PipelineError ? err.message : (err?.stack ?? err)}`);
    process.exitCode = 1;
  }
}
