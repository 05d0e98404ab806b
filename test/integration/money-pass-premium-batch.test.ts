import { executeRenew } from '../../lib/jobs';
import type { Registrar } from '../../lib/registrar/port';
import { INTL_VERSION } from '../../lib/sandbox/ops';
import { startWorld, type World } from '../helpers/world';

/**
 * The money pass may turn a renewal into a premium one (a price answer says Premium for a name the listing called
 * ordinary, with limits.allowPremium: review 2026-12-06, round 8). The claims taken ahead kept the DRAFT batch's
 * membership ("the money pass never regroups"), so the premium item was sent in the same order as its ordinary
 * batch-mates. On Domain-intl (no PermitPremiumRenew) the adapter refuses the whole order before sending: every
 * ordinary batch-mate was refused with it, every day, until max-attempts (review 2026-12-07, twenty-fifth session).
 */
const NOW = Date.UTC(2026, 10, 29, 6, 0, 0);
const DAY_MS = 86_400_000;

describe('a name the money pass finds premium is batched apart from its ordinary batch-mates', () => {
  let world: World;
  afterEach(async () => world?.stop());

  it('on intl, the ordinary domain planned with it is still bought', async () => {
    world = await startWorld({
      sandbox: {
        nowMs: NOW,
        fixture: {
          balance: 100_000,
          domains: [
            { domainName: 'plain.com', expiresAtMs: NOW + 5 * DAY_MS },
            { domainName: 'gem.com', expiresAtMs: NOW + 5 * DAY_MS, premium: true },
          ],
        },
      },
      policy: { limits: { allowPremium: true }, money: { checkDomainPrice: 'use' } },
      client: { apiVersion: INTL_VERSION },
    });
    // The listing does not say gem.com is premium (the disagreement round 8 is about); CheckDomain does.
    const listingSaysOrdinary: Registrar = {
      ...world.registrar,
      listDomains: async (query) => (await world.registrar.listDomains(query)).map((d) => ({ ...d, premium: false })),
    };
    const run = await executeRenew(world.deps({ registrar: listingSaysOrdinary }), {
      policy: world.policy,
      dryRun: false,
    });
    const gem = run.plan.decisions.find((d) => d.domain.domainName === 'gem.com');
    const plain = run.plan.decisions.find((d) => d.domain.domainName === 'plain.com');
    expect(gem).toMatchObject({ action: 'renew', permitPremium: true });
    expect(plain).toMatchObject({ action: 'renew' });
    expect(gem?.batch).not.toBe(plain?.batch);
    // The ordinary one does not share the premium one's refusal.
    expect(world.sandbox.state().submissions.map((s) => s.domainName)).toEqual(['plain.com']);
    const claims = await world.ledger.getClaims([{ domain: 'plain.com', expiryMs: NOW + 5 * DAY_MS }]);
    expect(claims[0]?.status).not.toBe('FAILED');
  });
});
