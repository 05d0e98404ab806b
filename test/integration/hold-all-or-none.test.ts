import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { EXIT } from '../../lib/commands/io';
import { EMBEDDED_TABLE, openEmbeddedLedger } from '../../lib/ledger/embedded';
import { MAX_HOLDS_BYTES, toHoldsItem } from '../../lib/ledger/items';
import type { Hold } from '../../lib/ledger/port';
import { runCliInProcess } from '../helpers/cli-process';
import { withEmbeddedLedger } from '../helpers/embedded-ledger';
import { recordRenewRun } from '../helpers/run-records';
import { PROCESS_TEST_TIMEOUT_MS } from '../helpers/timeouts';

// Review 2026-12-07 (thirty-first session), operator commands: `autorenew hold a b` is written one domain at a time (putHold per name, each its own
// versioned write). When the second write is refused (here the holds item would pass MAX_HOLDS_BYTES: docs/design.md
// says "hold is refused with an InputError and nothing is written"), the first hold stays written, its "held" line
// printed, and the command exits 1 ("invalid input ... nothing was bought"), with an error that names neither
// domain. The same happens with a ledger error on any later name (exit 2). The person is left with half a veto:
// re-running after `unhold` of old holds works, but one who reads the exit code and the docs believes nothing
// changed, and one who reads the "held" line believes both were held.
jest.setTimeout(PROCESS_TEST_TIMEOUT_MS);

const NOW_ISH = 1_765_000_000_000; // a 13-digit createdAtMs, as Date.now() gives in the CLI

describe('hold of two names when only one fits', () => {
  let dir: string;
  const env = () => ({ AUTORENEW_LEDGER_DIR: join(dir, 'ledger') });

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'autorenew-hold-partial-'));
    // Filler holds so that one more short hold fits in the item and two do not.
    const entry = (domain: string) => `,${JSON.stringify({ domain, createdAtMs: NOW_ISH })}`.length;
    const room = entry('a-first.com') + Math.floor(entry('b-second.com') / 2);
    const filler: Hold[] = [];
    const size = () => Buffer.byteLength(JSON.stringify(filler));
    for (let i = 0; size() < MAX_HOLDS_BYTES - room - 300; i++)
      filler.push({ domain: `f${String(i).padStart(5, '0')}.com`, reason: 'x'.repeat(180), createdAtMs: NOW_ISH });
    const last = filler[filler.length - 1] as Hold;
    last.reason = `${last.reason}${'y'.repeat(MAX_HOLDS_BYTES - room - size())}`.slice(0, 200);
    // Whatever the last reason could not take goes into one more filler.
    const rest = MAX_HOLDS_BYTES - room - size();
    if (rest > 0) filler.push({ domain: 'g.com', reason: 'z'.repeat(Math.max(1, rest - 45)), createdAtMs: NOW_ISH });
    const opened = await openEmbeddedLedger({ dir: join(dir, 'ledger') });
    try {
      await recordRenewRun(opened.ledger);
      const client = DynamoDBDocumentClient.from(
        new DynamoDBClient({
          endpoint: opened.endpoint,
          region: 'us-east-1',
          credentials: { accessKeyId: 'autorenewlocal', secretAccessKey: 'autorenewlocal' },
        }),
      );
      await client.send(new PutCommand({ TableName: EMBEDDED_TABLE, Item: toHoldsItem(filler, 1, 'seed') }));
      client.destroy();
    } finally {
      await opened.close();
    }
    const bytes = (extra: string[]) =>
      Buffer.byteLength(JSON.stringify([...filler, ...extra.map((domain) => ({ domain, createdAtMs: NOW_ISH }))]));
    // The scene: a-first.com alone fits, both do not.
    expect(bytes(['a-first.com'])).toBeLessThanOrEqual(MAX_HOLDS_BYTES);
    expect(bytes(['a-first.com', 'b-second.com'])).toBeGreaterThan(MAX_HOLDS_BYTES);
  });

  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('refuses the whole hold, writing nothing (as docs/design.md says)', async () => {
    const run = await runCliInProcess(['hold', 'a-first.com', 'b-second.com', '--no-run-check'], env());
    const held = await withEmbeddedLedger(env(), async (l) => (await l.listHolds()).map((h) => h.domain));
    expect(run.code).toBe(EXIT.invalidInput);
    expect(run.stderr).toMatch(/more than the 350000 one item can keep/);
    // Current code: a-first.com is held (and its "held" line printed) though the command was refused.
    expect({ stdout: run.stdout, aFirstHeld: held.includes('a-first.com') }).toEqual({
      stdout: '',
      aFirstHeld: false,
    });
  });
});
