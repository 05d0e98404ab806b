import { join } from 'node:path';
import { EXIT } from '../../lib/commands/io';
import { runCliInProcess } from '../helpers/cli-process';
import { PROCESS_TEST_TIMEOUT_MS } from '../helpers/timeouts';

// Review 2026-12-06 (round 6, helper rvw). The README's first command is `npm ci && npm start` (`autorenew demo`). Every digest the
// demo prints ends "Run `npx autorenew status` for the ledger view." The demo's ledger is a temporary directory it
// deletes at the end, and `status` is now refused where there is no ledger: the new user's next command, as advised,
// fails with "no ledger at ...: status reads the ledger the renew runs use", a refusal the README does not explain.
jest.setTimeout(PROCESS_TEST_TIMEOUT_MS);

// `npm start` runs from the clone's root, as the new user does; status is then typed there.
const cwd = join(__dirname, '..', '..');

it('after the demo, the command its digests advise is not refused', async () => {
  const demo = await runCliInProcess(['demo'], {}, cwd);
  expect(demo.code).toBe(EXIT.ok);
  expect(demo.stdout).toContain('Run `npx autorenew status` for the ledger view.');
  const status = await runCliInProcess(['status'], {}, cwd);
  expect({ code: status.code, stderr: status.stderr }).toEqual({ code: EXIT.ok, stderr: '' });
});
