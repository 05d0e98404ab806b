import { runRenew } from '../../lib/renewal/run-renew';
import { startWorld, type World } from '../helpers/world';

const NOW = Date.UTC(2026, 10, 29, 6, 0, 0);
const DAY_MS = 86_400_000;

/**
 * One listing row whose DomainName comes in an odd but unambiguous form (a trailing root dot, white space at its
 * ends): normalizeDomain already trims and lower-cases, but the shape check refused the row before it got there, so
 * the row failed its whole page, the listing failed, and nothing at all was bought, every day, for every domain of
 * the account (review 2026-12-07, twenty-fifth session). The 2026-12-04 review fixed the same for other fields.
 */
describe.each([
  ['a trailing root dot', 'Legacy.Example.COM.'],
  ['white space at its ends', ' legacy.example.com '],
])('a listing row whose name has %s', (_what, oddName) => {
  let world: World;
  afterEach(async () => world?.stop());

  it('does not stop the run from buying the other due domains; it is one domain under one name', async () => {
    world = await startWorld({
      sandbox: {
        nowMs: NOW,
        fixture: {
          domains: [
            { domainName: 'due-a.com', expiresAtMs: NOW + 10 * DAY_MS },
            { domainName: 'due-b.com', expiresAtMs: NOW + 12 * DAY_MS },
            { domainName: oddName, expiresAtMs: NOW + 20 * DAY_MS },
          ],
        },
      },
    });
    const run = await runRenew(world.deps(), { policy: world.policy, dryRun: false, runId: 'odd-name' });
    const bought = world.sandbox.state().submissions.map((s) => s.domainName.toLowerCase());
    expect(bought).toEqual(expect.arrayContaining(['due-a.com', 'due-b.com']));
    expect(run.plan.decisions.map((d) => d.domain.domainName).sort()).toEqual([
      'due-a.com',
      'due-b.com',
      'legacy.example.com',
    ]);
  });
});

describe('names the shape check still refuses', () => {
  it.each([
    ['white space inside', 'legacy .example.com'],
    ['two trailing dots', 'legacy.example.com..'],
    ['a lone dot', '.'],
  ])('%s', async (_what, name) => {
    const { isValidRegistrarName } = await import('../../lib/alibaba/shapes');
    expect(isValidRegistrarName(name)).toBe(false);
  });
});
