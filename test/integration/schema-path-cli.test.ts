import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EXIT } from '../../lib/commands/io';
import { runCliProcess } from '../helpers/cli-process';
import { PROCESS_TEST_TIMEOUT_MS } from '../helpers/timeouts';

// `"$schema"` from any folder (issue 14): `autorenew schema --path` / `--url`, run from a folder outside the
// repository, name the installed schema file, and a policy there that points at it validates.
jest.setTimeout(PROCESS_TEST_TIMEOUT_MS);

describe('autorenew schema --path / --url (subprocess, from a folder outside the repository)', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'autorenew-schema-'));
  });
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('prints the absolute path and the file:// URL of the schema the validator is generated from', async () => {
    const [path, url, printed] = await Promise.all([
      runCliProcess(['schema', '--path'], {}, dir),
      runCliProcess(['schema', '--url'], {}, dir),
      runCliProcess(['schema'], {}, dir),
    ]);
    expect([path.code, url.code, printed.code]).toEqual([EXIT.ok, EXIT.ok, EXIT.ok]);
    const file = path.stdout.trim();
    expect(isAbsolute(file)).toBe(true);
    expect(file.endsWith(join('policies', 'policy.schema.json'))).toBe(true);
    expect(fileURLToPath(url.stdout.trim())).toBe(file);
    expect(await readFile(file, 'utf8')).toBe(printed.stdout);

    await writeFile(join(dir, 'policy.json'), JSON.stringify({ $schema: url.stdout.trim(), version: 1 }));
    const valid = await runCliProcess(['validate', 'policy.json'], {}, dir);
    expect(valid.stderr).toBe('');
    expect(valid.code).toBe(EXIT.ok);
  });
});
