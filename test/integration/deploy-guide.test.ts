import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { cp, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateTopicCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import { EXIT } from '../../lib/commands/io';
import { OUTPUT, type StackSummary, stackNameFor } from '../../lib/deployment/stack';
import { ensureTable } from '../../lib/ledger/create-table';
import { createDynamoLedger } from '../../lib/ledger/dynamodb';
import { type Sandbox, startSandbox } from '../../lib/sandbox';
import { parseCredentialsSecret } from '../../lib/secrets';
import { standinAwsEnv } from '../helpers/aws-standin';
import {
  type CfnTemplate,
  copyPackagingTree,
  getResource,
  REPO_ROOT,
  type RunResult,
  readTemplate,
  removeTree,
  resourcesOfType,
  runNode,
} from '../helpers/cfn-package';
import { type StandIn, startStandIn } from '../helpers/chat-standins';
import { type CliResult, runCliProcess } from '../helpers/cli-process';
import { type DocCommand, docCommands } from '../helpers/doc-commands';
import { type FakeCloudFormation, startFakeCloudFormation } from '../helpers/fake-cloudformation';
import { type FakeEventBridge, startFakeEventBridge } from '../helpers/fake-eventbridge';
import { type FakeSecretsManager, startFakeSecretsManager } from '../helpers/fake-secrets-manager';
import { FAUXQS_CLIENT_CONFIG, type FauxqsHandle, startFauxqs } from '../helpers/fauxqs';
import { type LocalDynamo, startDynalite } from '../helpers/ledger-dynalite';
import { createTestFixture, SANDBOX_NOW_MS } from '../helpers/sandbox-fixture';
import { PROCESS_TEST_TIMEOUT_MS } from '../helpers/timeouts';

// Issue 14, acceptance: every command of docs/deploy.md is exercised. The `autorenew` commands run, in the guide's
// order, against loopback stand-ins: the sandbox registrar for Alibaba, dynalite for the ledger table, fauxqs for the
// alert topic, stand-ins for Secrets Manager and CloudFormation (the stack's outputs are the packaged template's,
// as `npm run package` generated them for the guide's arguments). `npm run package` packages; `npm run deploy` (which
// needs AWS) runs its guardrails and must match a packaged argument list; its effect on the stack (dryRun) is applied
// to the CloudFormation stand-in. `aws` commands are checked against the names in the packaged template.
jest.setTimeout(PROCESS_TEST_TIMEOUT_MS);
/** The set-up packages twice and runs every command one after another: on a loaded 2-core machine that is minutes. A
 * bound for a hang, never a speed check. */
const GUIDE_HOOK_TIMEOUT_MS = 900_000;

const GUIDE = 'docs/deploy.md';
const SECRET = 'aliyun-domain-autorenew/alibaba';
/** Placeholders the guide uses, and what they stand for in this test. */
const PLACEHOLDERS: Record<string, string> = { '<stage>': 'prod', '<region>': 'us-east-1' };

type Kind = 'autorenew' | 'install' | 'package' | 'deploy' | 'osls' | 'aws' | 'cfn-lint' | 'shell' | 'unknown';

function kindOf(c: DocCommand): Kind {
  const [program, a1, a2] = c.argv;
  if (program === 'npx' && a1 === 'autorenew') return 'autorenew';
  if (program === 'npx' && a1 === 'osls') return 'osls';
  if (program === 'npm' && a1 === 'ci') return 'install';
  if (program === 'npm' && a1 === 'run' && (a2 === 'package' || a2 === 'deploy')) return a2;
  if (program === 'aws') return 'aws';
  if (program === 'cfn-lint') return 'cfn-lint';
  // The secret is written without the key on a command line: read, jq, rm, unset (docs/deploy.md step 2).
  if (c.from === 'block' && ['read', 'jq', 'rm', 'unset'].includes(program ?? '')) return 'shell';
  return 'unknown';
}

/** `npm run package -- ARGS` -> ARGS; `--param="k=v"` is one word after the shell's quote removal. */
const scriptArgs = (c: DocCommand) => (c.argv.includes('--') ? c.argv.slice(c.argv.indexOf('--') + 1) : []);
const withoutDryRun = (args: readonly string[]) => args.filter((a) => !a.startsWith('--param=dryRun='));
const dryRunOf = (args: readonly string[]) =>
  args.find((a) => a.startsWith('--param=dryRun='))?.slice('--param=dryRun='.length) ?? 'false';

const guide = docCommands(readFileSync(join(REPO_ROOT, GUIDE), 'utf8'));

describe(`${GUIDE}: every command`, () => {
  let sandbox: Sandbox;
  let dynamo: LocalDynamo;
  let sns: FauxqsHandle;
  let secrets: FakeSecretsManager;
  let cfn: FakeCloudFormation;
  let events: FakeEventBridge;
  let webhook: StandIn;
  let cwd: string;
  const trees = new Map<string, string>();
  const packaged = new Map<string, { run: RunResult; template?: CfnTemplate }>();
  const runs: { command: string; result: CliResult }[] = [];
  let guardrails: { args: string[]; error?: string }[] = [];

  beforeAll(async () => {
    [sandbox, dynamo, sns, secrets, webhook] = await Promise.all([
      startSandbox({ fixture: createTestFixture(), nowMs: SANDBOX_NOW_MS }),
      startDynalite(),
      startFauxqs(),
      startFakeSecretsManager(),
      startStandIn('webhook', { secret: 'webhook-signing-secret' }),
    ]);
    // Package every distinct argument list of the guide, concurrently, each in its own copy of the repository.
    const packageArgs = [
      ...new Map(
        guide
          .filter((c) => kindOf(c) === 'package' && scriptArgs(c).length > 0)
          .map((c) => [JSON.stringify(scriptArgs(c)), scriptArgs(c)]),
      ).values(),
    ];
    await Promise.all(
      packageArgs.map(async (args) => {
        const dir = await copyPackagingTree();
        trees.set(JSON.stringify(args), dir);
        const run = await runNode(dir, 'scripts/package.mjs', args);
        packaged.set(JSON.stringify(args), { run, ...(run.code === 0 ? { template: await readTemplate(dir) } : {}) });
      }),
    );
    // The guardrails of every `npm run deploy` argument list (deploy = these checks, the same packaging, osls deploy).
    const deployArgs = guide.filter((c) => kindOf(c) === 'deploy').map(scriptArgs);
    const check = spawnSync(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `import { checkDeployArgs } from './scripts/pipeline.mjs';
         import { createRequire } from 'node:module';
         import { readFileSync } from 'node:fs';
         const yaml = createRequire(createRequire(process.cwd() + '/package.json').resolve('osls/package.json'))('js-yaml');
         const config = yaml.load(readFileSync('serverless.yml', 'utf8'));
         const out = JSON.parse(process.argv[1]).map((args) => {
           try { checkDeployArgs(args, config); return { args }; } catch (e) { return { args, error: e.message }; }
         });
         console.log(JSON.stringify(out));`,
        JSON.stringify(deployArgs),
      ],
      { cwd: REPO_ROOT, encoding: 'utf8' },
    );
    guardrails = JSON.parse(check.stdout || '[]');

    // What the stack would hold: the packaged template of the guide's dry-run deploy, its table and topic made here.
    const stagePackage = [...packaged.entries()].find(([k]) => k.includes('--param=dryRun=true'))?.[1];
    const template = stagePackage?.template;
    if (!template) throw new Error(`the guide's dry-run package failed:\n${stagePackage?.run.output ?? 'not run'}`);
    const tableName = String(getResource(template, 'LedgerTable').Properties?.TableName);
    const { DynamoDBClient } = await import('@aws-sdk/client-dynamodb');
    const raw = new DynamoDBClient({ ...FAUXQS_CLIENT_CONFIG, endpoint: dynamo.endpoint });
    await ensureTable(raw, tableName);
    // The stage has been running (the guide's hand run comes after "Go live"): its renew function's run is recorded
    // for its one, unnamed account; a hand `renew` on the table buys only where one is (commands/renew.ts).
    const { DynamoDBDocumentClient } = await import('@aws-sdk/lib-dynamodb');
    await createDynamoLedger({ tableName, client: DynamoDBDocumentClient.from(raw) }).recordRun({
      job: 'renew',
      runId: 'stage-renew',
      startedAtMs: SANDBOX_NOW_MS - 86_400_000,
      finishedAtMs: SANDBOX_NOW_MS - 86_400_000 + 60_000,
      ok: true,
      summary: { submitted: 0 },
    });
    raw.destroy();
    const client = new SNSClient({ ...FAUXQS_CLIENT_CONFIG, endpoint: sns.endpoint });
    const topicName = String(getResource(template, 'AlertTopic').Properties?.TopicName);
    const topicArn = (await client.send(new CreateTopicCommand({ Name: topicName }))).TopicArn ?? '';
    // Step 4, confirming: fauxqs confirms an email subscription at once.
    await client.send(new SubscribeCommand({ TopicArn: topicArn, Protocol: 'email', Endpoint: 'ops@example.com' }));
    client.destroy();
    const outputs: Record<string, string> = {};
    for (const [key, { Value }] of Object.entries(template.Outputs ?? {})) {
      if (typeof Value === 'string') outputs[key] = Value;
    }
    outputs[OUTPUT.table] = tableName;
    outputs[OUTPUT.topicArn] = topicArn;
    outputs[OUTPUT.endpoint] = sandbox.url; // the registrar of this test
    const stack: StackSummary = { name: stackNameFor('prod'), status: 'CREATE_COMPLETE', outputs };
    cfn = await startFakeCloudFormation([{ name: 'unrelated', status: 'CREATE_COMPLETE', outputs: {} }, stack]);
    // The schedule rules the template names, enabled as a deploy leaves them.
    events = await startFakeEventBridge(
      Object.fromEntries(
        Object.values(resourcesOfType(template, 'AWS::Events::Rule')).map((r) => [
          String(r.Properties?.Name),
          { state: String(r.Properties?.State ?? 'ENABLED'), schedule: String(r.Properties?.ScheduleExpression) },
        ]),
      ),
    );

    secrets.secrets.set(
      SECRET,
      JSON.stringify({
        accessKeyId: sandbox.accessKeyId,
        accessKeySecret: sandbox.accessKeySecret,
        notifyTargets: { 'ops-webhook': { url: webhook.url, secret: 'webhook-signing-secret' } },
      }),
    );
    cwd = await mkdtemp(join(tmpdir(), 'autorenew-guide-'));
    await cp(join(REPO_ROOT, 'policies'), join(cwd, 'policies'), { recursive: true });
    // The chat-target section's notify-test runs with a policy that has a target (the guide's other commands pass
    // --policy policies/default.json).
    await writeFile(
      join(cwd, 'targets.json'),
      JSON.stringify({ version: 1, notify: { targets: [{ name: 'ops-webhook', kind: 'webhook' }] } }),
    );
    const base: Record<string, string> = {
      ...standinAwsEnv({
        cloudformation: cfn.endpoint,
        eventbridge: events.endpoint,
        sns: sns.endpoint,
        secretsManager: secrets.endpoint,
        dynamodb: dynamo.endpoint,
      }),
      AUTORENEW_ENDPOINT: sandbox.url,
      AUTORENEW_LEDGER_DIR: join(cwd, '.autorenew'),
      AUTORENEW_POLICY: join(cwd, 'targets.json'),
    };
    // In the guide's order: a deploy changes what the stack says (dryRun); each autorenew command runs.
    for (const c of guide) {
      const kind = kindOf(c);
      if (kind === 'deploy') outputs[OUTPUT.dryRun] = dryRunOf(scriptArgs(c));
      if (kind !== 'autorenew') continue;
      const env = Object.fromEntries(Object.entries(c.env).map(([k, v]) => [k, v === '…' || v === '...' ? SECRET : v]));
      runs.push({ command: c.text, result: await runCliProcess(c.argv.slice(2), { ...base, ...env }, cwd) });
    }
  }, GUIDE_HOOK_TIMEOUT_MS);

  afterAll(async () => {
    await Promise.all([
      sandbox?.close(),
      dynamo?.stop(),
      sns?.stop(),
      secrets?.stop(),
      cfn?.stop(),
      events?.stop(),
      webhook?.close(),
      ...[...trees.values()].map(removeTree),
    ]);
    if (cwd) await rm(cwd, { recursive: true, force: true });
  });

  it('the guide has the walk-through, and every command is of a kind this file exercises', () => {
    const kinds = guide.map((c) => ({ command: c.text, kind: kindOf(c) }));
    expect(kinds.filter((k) => k.kind === 'unknown')).toEqual([]);
    const autorenew = guide.filter((c) => kindOf(c) === 'autorenew').map((c) => c.argv.slice(2, 4).join(' '));
    expect(autorenew).toEqual(
      expect.arrayContaining(['doctor --policy', 'renew --dry-run', 'doctor --stage', 'plan --out', 'renew --plan']),
    );
  });

  it('every autorenew command runs against the stand-ins and exits 0', () => {
    const results = runs.map(({ command, result: r }) => ({
      command,
      code: r.code,
      ...(r.code === 0 ? {} : { stdout: r.stdout, stderr: r.stderr }),
    }));
    expect(results.length).toBe(guide.filter((c) => kindOf(c) === 'autorenew').length);
    for (const r of results) expect(r).toEqual({ command: r.command, code: EXIT.ok });
  });

  it('the walk-through says what it claims: a DRY RUN digest, doctor warning of the dry run, then live', () => {
    const outputOf = (pattern: RegExp) =>
      runs.filter(({ command }) => pattern.test(command)).map(({ result: r }) => `${r.stdout}${r.stderr}`);
    expect(outputOf(/renew --dry-run/)[0]).toContain('[autorenew] DRY RUN:');
    const stageRuns = outputOf(/doctor --stage prod/);
    expect(stageRuns).toHaveLength(2);
    expect(stageRuns[0]).toContain('warn  dry run: deployed with dryRun=true');
    expect(stageRuns[0]).toContain('ok    alibaba account: serves 1234567890123456');
    expect(stageRuns[1]).toContain('ok    dry run: dryRun=false: renew buys what is due');
    for (const run of stageRuns)
      expect(run).toMatch(/^ok {4}renew schedule: rule aliyun-domain-autorenew-prod-renew-schedule enabled/m);
    expect(outputOf(/notify-test/)[0]).toMatch(/ops-webhook/);
    expect(webhook.accepted.length).toBeGreaterThan(0);
    expect(sandbox.state().requests.SaveSingleTaskForCreatingOrderRenew ?? 0).toBe(0);
  });

  it('plan --out writes the plan that renew --plan then applies', async () => {
    expect((await stat(join(cwd, 'plan.json'))).isFile()).toBe(true);
    const plan = JSON.parse(await readFile(join(cwd, 'plan.json'), 'utf8')) as { version?: unknown };
    expect(plan.version).toBeDefined();
  });

  it('every npm run package packages, printing what will be deployed', () => {
    // Bare `npm run package` (no arguments) is packaged by test/integration/deploy.test.ts ("package (no parameters)").
    expect(packaged.size).toBe(
      new Set(guide.filter((c) => kindOf(c) === 'package' && scriptArgs(c).length > 0).map((c) => c.argv.join(' ')))
        .size,
    );
    for (const [args, { run }] of packaged) {
      expect({ args, code: run.code }).toEqual({ args, code: 0 });
      expect(run.output).toContain('> what will be deployed');
    }
  });

  it('every npm run deploy passes the guardrails, with arguments a packaging run above was made with', () => {
    const deploys = guide.filter((c) => kindOf(c) === 'deploy');
    expect(deploys.length).toBeGreaterThan(0);
    expect(guardrails).toHaveLength(deploys.length);
    for (const g of guardrails) expect(g).toEqual({ args: g.args });
    const packagedSets = [...packaged.keys()].map((k) => JSON.stringify(withoutDryRun(JSON.parse(k))));
    for (const c of deploys) {
      // No arguments: the defaults, packaged by test/integration/deploy.test.ts.
      if (scriptArgs(c).length === 0 || c.argv.indexOf('--') < 0) continue;
      expect(packagedSets).toContain(JSON.stringify(withoutDryRun(scriptArgs(c))));
    }
  });

  it('aws, osls and cfn-lint commands name what the packaged stack has', () => {
    const template = [...packaged.values()].find((p) => p.template)?.template as CfnTemplate;
    const functionNames = Object.values(resourcesOfType(template, 'AWS::Lambda::Function')).map((f) =>
      String(f.Properties?.FunctionName),
    );
    const known = new Set([
      'lambda invoke',
      'lambda list-versions-by-function',
      'lambda delete-function',
      'lambda put-function-concurrency',
      'sns confirm-subscription',
      'sns get-subscription-attributes',
      'sns set-sms-attributes',
      'secretsmanager create-secret',
      'cloudformation create-change-set',
    ]);
    const fill = (word: string) => PLACEHOLDERS[word] ?? word.replace(/<stage>/g, 'prod');
    for (const c of guide) {
      const kind = kindOf(c);
      const argv = c.argv.map(fill);
      const flag = (name: string) => {
        const at = argv.indexOf(name);
        return at < 0 ? undefined : argv[at + 1];
      };
      if (kind === 'aws') {
        expect({ command: c.text, known: known.has(`${argv[1]} ${argv[2]}`) }).toEqual({
          command: c.text,
          known: true,
        });
        const fn = flag('--function-name');
        if (fn !== undefined && fn !== '...' && fn !== '…') expect(functionNames).toContain(fn);
        // `--topic-arn <AlertTopicArn output>`: the output it names exists.
        const topic = /--topic-arn <(\w+) output>/.exec(c.text)?.[1];
        if (c.argv.includes('--topic-arn')) expect(Object.keys(template.Outputs ?? {})).toContain(topic);
        if (argv[1] === 'secretsmanager') expect(flag('--name')).toBe(template.Outputs?.[OUTPUT.secretName]?.Value);
        const region = flag('--region');
        if (region !== undefined) expect(region).toBe('us-east-1');
      }
      if (kind === 'osls') {
        // `npx osls ...` is named only to say it skips the npm scripts' steps; `remove` is an osls command.
        expect(['...', '…', 'remove']).toContain(argv[2]);
        if (argv[2] === 'remove')
          expect(existsSync(join(REPO_ROOT, 'node_modules/osls/lib/plugins/remove.js'))).toBe(true);
      }
      if (kind === 'cfn-lint') expect(argv[1]).toBe('.serverless/cloudformation-template-update-stack.json');
    }
    for (const dir of trees.values()) {
      expect(existsSync(join(dir, '.serverless', 'cloudformation-template-update-stack.json'))).toBe(true);
    }
  });

  it('the secret commands write the JSON the functions read, without the key on a command line', () => {
    const block = guide.filter((c) => kindOf(c) === 'shell');
    expect(block.map((c) => c.argv[0])).toEqual(['read', 'jq', 'rm', 'unset']);
    const jq = block[1] as DocCommand;
    // Run jq's filter as written (its output redirection dropped) with a stand-in key.
    const args = jq.argv.slice(1, jq.argv.indexOf('>'));
    const run = spawnSync(
      'jq',
      args.map((a) => (a === '$AK_SECRET' ? 'stand-in-secret' : a)),
      { encoding: 'utf8' },
    );
    if (run.error) {
      // No jq on this machine: the filter still names exactly the secret's two fields.
      expect(jq.text).toContain('{accessKeyId:$id, accessKeySecret:$s}');
      return;
    }
    expect(parseCredentialsSecret(run.stdout, SECRET)).toMatchObject({ accessKeySecret: 'stand-in-secret' });
  });
});
