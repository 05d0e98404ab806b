import { spawn } from 'node:child_process';
import { cp, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/** The repository root (this file is test/helpers/cfn-package.ts). */
export const REPO_ROOT = resolve(__dirname, '..', '..');

/** What packaging needs from the repository; node_modules is linked, not copied. */
const TREE = ['serverless.yml', 'package.json', 'tsconfig.json', 'scripts', 'lib', 'handlers', 'bin', 'policies'];

/** A policy every validator accepts (all other fields default), used when the repo has no default policy yet. */
const MINIMAL_POLICY = '{ "version": 1 }\n';

export interface RunResult {
  code: number | null;
  /** stdout and stderr interleaved as received. */
  output: string;
  ms: number;
}

/**
 * Copies the packaging inputs of the repository into a fresh temp directory, so tests never touch the real
 * dist/ or .serverless/ that other work may be using.
 * @param root the repository root (the bench passes its own: bundled, this file's __dirname is not its own)
 * @returns the directory; remove it with removeTree
 */
export async function copyPackagingTree(root = REPO_ROOT): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'autorenew-deploy-'));
  for (const entry of TREE) {
    // Timestamps kept: scripts/load-ts.cjs's test cache (LOAD_TS_CACHE_DIR) keeps no bundle of just-changed files.
    await cp(join(root, entry), join(dir, entry), { recursive: true, preserveTimestamps: true }).catch(
      (err: NodeJS.ErrnoException) => {
        if (err.code !== 'ENOENT') throw err;
      },
    );
  }
  await symlink(join(root, 'node_modules'), join(dir, 'node_modules'), 'dir');
  const defaultPolicy = join(dir, 'policies', 'default.json');
  await readFile(defaultPolicy).catch(async () => {
    await mkdir(join(dir, 'policies'), { recursive: true });
    await writeFile(defaultPolicy, MINIMAL_POLICY);
  });
  return dir;
}

/** Removes a tree made by copyPackagingTree. */
export async function removeTree(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
}

/**
 * Runs `node <script> ...args` in `cwd` with no AWS credentials and IMDS disabled (packaging must be offline).
 */
export function runNode(cwd: string, script: string, args: readonly string[]): Promise<RunResult> {
  const started = Date.now();
  return new Promise((resolvePromise, reject) => {
    const env: NodeJS.ProcessEnv = { ...process.env, AWS_EC2_METADATA_DISABLED: 'true', NO_COLOR: '1' };
    for (const key of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_PROFILE']) {
      delete env[key];
    }
    const child = spawn(process.execPath, [script, ...args], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
    });
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
    });
    child.on('error', reject);
    child.on('close', (code) => resolvePromise({ code, output, ms: Date.now() - started }));
  });
}

/** A CloudFormation resource as osls writes it. */
export interface CfnResource {
  Type: string;
  Properties?: Record<string, unknown>;
  DeletionPolicy?: string;
  UpdateReplacePolicy?: string;
  DependsOn?: string[];
}

export interface CfnTemplate {
  Resources: Record<string, CfnResource>;
  Outputs?: Record<string, { Value: unknown }>;
  Conditions?: Record<string, unknown>;
}

/** Reads the update-stack template osls package wrote under `dir`. */
export async function readTemplate(dir: string): Promise<CfnTemplate> {
  const text = await readFile(join(dir, '.serverless', 'cloudformation-template-update-stack.json'), 'utf8');
  return JSON.parse(text) as CfnTemplate;
}

/** The resources of one type, by logical id. */
export function resourcesOfType(template: CfnTemplate, type: string): Record<string, CfnResource> {
  return Object.fromEntries(Object.entries(template.Resources).filter(([, r]) => r.Type === type));
}

/** A resource that must exist; fails with the ids that do exist otherwise. */
export function getResource(template: CfnTemplate, id: string): CfnResource {
  const resource = template.Resources[id];
  if (!resource) throw new Error(`no resource ${id}; have: ${Object.keys(template.Resources).join(', ')}`);
  return resource;
}
