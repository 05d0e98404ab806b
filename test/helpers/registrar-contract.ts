import type { Registrar } from '../../lib/registrar/port';

/**
 * The registrar contract: what the jobs rely on from the Registrar port, in the port's vocabulary. It runs against
 * the in-memory fake (test/unit/registrar-memory.test.ts) and against the Alibaba adapter over HTTP on the sandbox
 * with a frozen clock (test/integration/registrar-sandbox.test.ts), so the fake cannot drift from the sandbox.
 */

export interface RegistrarWorld {
  registrar: Registrar;
  /** Moves the registrar's clock forward (simulated ms). */
  advance(ms: number): void;
  stop?(): Promise<void>;
}

export interface RegistrarBackend {
  /** A registrar at `nowMs` whose tasks wait `taskMs` and then execute `taskMs`; balance ample. */
  create(setup: {
    nowMs: number;
    taskMs: number;
    domains: { domainName: string; expiresAtMs: number; premium?: boolean }[];
  }): Promise<RegistrarWorld>;
}

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 10, 29, 6);
const TASK_MS = 10_000;

export function describeRegistrarContract(name: string, backend: RegistrarBackend): void {
  describe(`registrar contract: ${name}`, () => {
    let world: RegistrarWorld;
    afterEach(async () => world?.stop?.());

    const start = () =>
      backend
        .create({
          nowMs: NOW,
          taskMs: TASK_MS,
          domains: [
            { domainName: 'alpha.com', expiresAtMs: NOW + 10 * DAY },
            { domainName: 'beta.net', expiresAtMs: NOW + 20 * DAY },
            { domainName: 'gold.com', expiresAtMs: NOW + 15 * DAY, premium: true },
            { domainName: 'later.org', expiresAtMs: NOW + 200 * DAY },
            { domainName: 'lapsed.com', expiresAtMs: NOW - 40 * DAY },
          ],
        })
        .then((w) => {
          world = w;
          return w.registrar;
        });

    const item = (
      domainName: string,
      currentExpiryMs: number,
      over: { years?: number; permitPremium?: boolean } = {},
    ) => ({
      domainName,
      years: over.years ?? 1,
      currentExpiryMs,
      permitPremium: over.permitPremium ?? false,
    });

    test("listDomains: the expiry range is inclusive; standings and premium flags in the port's words", async () => {
      const r = await start();
      const listed = await r.listDomains({ expiringFromMs: NOW + 10 * DAY, expiringToMs: NOW + 20 * DAY });
      expect(listed.map((d) => d.domainName).sort()).toEqual(['alpha.com', 'beta.net', 'gold.com']);
      const alpha = listed.find((d) => d.domainName === 'alpha.com');
      expect(alpha).toMatchObject({ expiresAtMs: NOW + 10 * DAY, standing: 'renewal-due', premium: false });
      expect(listed.find((d) => d.domainName === 'gold.com')?.premium).toBe(true);
      const all = await r.listDomains({});
      expect(all).toHaveLength(5);
      expect(all.find((d) => d.domainName === 'later.org')?.standing).toBe('normal');
      expect(all.find((d) => d.domainName === 'lapsed.com')?.standing).toBe('redemption');
    });

    test('every name the port returns is normalised (lower case, IDNs as punycode), however it is spelt', async () => {
      // Normalised names are what the jobs key claims by: a second spelling reaching them would be a second claim.
      world = await backend.create({
        nowMs: NOW,
        taskMs: TASK_MS,
        domains: [
          { domainName: 'Mixed.COM', expiresAtMs: NOW + 10 * DAY },
          { domainName: '例子.cn', expiresAtMs: NOW + 12 * DAY },
        ],
      });
      const r = world.registrar;
      const names = ['mixed.com', 'xn--fsqu00a.cn'];
      expect((await r.listDomains({})).map((d) => d.domainName).sort()).toEqual(names);
      expect((await r.getDomain('MIXED.com')).domainName).toBe('mixed.com');
      expect((await r.getDomain('例子.cn')).domainName).toBe('xn--fsqu00a.cn');
      const { taskNo } = await r.submitRenewBatch({
        items: [item('Mixed.Com', NOW + 10 * DAY), item('例子.cn', NOW + 12 * DAY)],
      });
      expect((await r.listTaskDetails(taskNo)).map((d) => d.domainName).sort()).toEqual(names);
      if (r.quoteRenewals) {
        const answer = await r.quoteRenewals(
          [
            { domainName: 'MIXED.com', premium: false },
            { domainName: '例子.cn', premium: false },
          ],
          'CNY',
        );
        expect([...answer.quotes, ...answer.unpriced].map((q) => q.domainName).sort()).toEqual(names);
      }
    });

    test('getDomain is case-insensitive; an unknown domain is an error', async () => {
      const r = await start();
      expect(await r.getDomain('ALPHA.com')).toMatchObject({ expiresAtMs: NOW + 10 * DAY, premium: false });
      await expect(r.getDomain('absent.com')).rejects.toThrow();
    });

    test('a submit creates one renewal task whose details wait, execute, then succeed and move the expiry', async () => {
      const r = await start();
      const { taskNo } = await r.submitRenewBatch({
        items: [item('alpha.com', NOW + 10 * DAY, { years: 2 }), item('beta.net', NOW + 20 * DAY)],
      });
      expect(taskNo).toEqual(expect.any(String));
      const states = async () => (await r.listTaskDetails(taskNo)).map((d) => [d.domainName, d.state]).sort();
      expect(await states()).toEqual([
        ['alpha.com', 'waiting'],
        ['beta.net', 'waiting'],
      ]);
      const tasks = await r.listTasks({ fromMs: NOW - DAY, toMs: NOW + DAY });
      expect(tasks).toHaveLength(1);
      expect(tasks[0]).toMatchObject({ taskNo, kind: 'renewal', taskNum: 2, finished: false });
      expect(tasks[0]?.createdAtMs).toBe(NOW - (NOW % 1000));

      world.advance(TASK_MS);
      expect((await states()).map(([, s]) => s)).toEqual(['executing', 'executing']);
      expect((await r.getDomain('alpha.com')).expiresAtMs).toBe(NOW + 10 * DAY);
      expect((await r.listTasks({ fromMs: NOW, toMs: NOW }))[0]?.finished).toBe(false);

      world.advance(TASK_MS);
      expect((await states()).map(([, s]) => s)).toEqual(['success', 'success']);
      expect((await r.getDomain('alpha.com')).expiresAtMs).toBe(Date.UTC(2028, 11, 9, 6));
      expect((await r.getDomain('beta.net')).expiresAtMs).toBe(Date.UTC(2027, 11, 19, 6));
      expect((await r.listTasks({ fromMs: NOW, toMs: NOW }))[0]?.finished).toBe(true);
      expect(await r.listTasks({ fromMs: NOW + 3 * DAY, toMs: NOW + 4 * DAY })).toEqual([]);
    });

    test('a stale expiry, a premium without permission and a domain in redemption fail their own detail only', async () => {
      const r = await start();
      const { taskNo } = await r.submitRenewBatch({
        items: [
          item('alpha.com', NOW + 10 * DAY),
          item('beta.net', NOW + 19 * DAY),
          item('gold.com', NOW + 15 * DAY),
          item('lapsed.com', NOW - 40 * DAY),
        ],
      });
      world.advance(2 * TASK_MS);
      const details = await r.listTaskDetails(taskNo);
      const byName = new Map(details.map((d) => [d.domainName, d]));
      expect(byName.get('alpha.com')?.state).toBe('success');
      for (const failed of ['beta.net', 'gold.com', 'lapsed.com']) {
        expect(byName.get(failed)?.state).toBe('failure');
        expect(byName.get(failed)?.failReason ?? byName.get(failed)?.errorMsg).toEqual(expect.any(String));
      }
      expect((await r.getDomain('beta.net')).expiresAtMs).toBe(NOW + 20 * DAY);
      expect((await r.getDomain('gold.com')).expiresAtMs).toBe(NOW + 15 * DAY);
    });

    test('a premium domain renews when permitted', async () => {
      const r = await start();
      const { taskNo } = await r.submitRenewBatch({
        items: [item('gold.com', NOW + 15 * DAY, { permitPremium: true })],
      });
      world.advance(2 * TASK_MS);
      expect((await r.listTaskDetails(taskNo))[0]?.state).toBe('success');
    });
  });
}
