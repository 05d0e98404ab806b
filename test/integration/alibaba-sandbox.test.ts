import { createAlibabaRegistrar } from '../../lib/alibaba';
import type { CallEvent } from '../../lib/alibaba/call';
import { AmbiguousOutcomeError } from '../../lib/errors';
import { normalizeDomain } from '../../lib/registrar/domain-name';
import type { Registrar } from '../../lib/registrar/port';
import { type Sandbox, startSandbox } from '../../lib/sandbox';

const DAY_MS = 86_400_000;

let sandbox: Sandbox;
let registrar: Registrar;
let events: CallEvent[];

function createRegistrar(extra: { maxAttempts?: number } = {}): Registrar {
  return createAlibabaRegistrar({
    endpoint: sandbox.url,
    credentials: {
      get: async () => ({ accessKeyId: sandbox.accessKeyId, accessKeySecret: sandbox.accessKeySecret }),
      refresh: async () => ({ accessKeyId: sandbox.accessKeyId, accessKeySecret: sandbox.accessKeySecret }),
    },
    // No test here relies on the client's timeout; a short one only turns a stall of a loaded machine into a retry
    // or an ambiguous submit, and a red test.
    timeoutMs: 30_000,
    qps: 200,
    // Real backoff shape, compressed 20x so the test stays fast.
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms / 20)),
    onCall: (e) => events.push(e),
    ...extra,
  });
}

beforeEach(async () => {
  events = [];
  sandbox = await startSandbox({ domains: 1000, seed: 7 });
  registrar = createRegistrar();
});
afterEach(() => sandbox.close());

describe('Alibaba client against the sandbox registrar', () => {
  it('lists 1 000 domains across pages, each exactly once', async () => {
    const listed = await registrar.listDomains({});
    const names = listed.map((d) => d.domainName);
    expect(names).toHaveLength(1000);
    expect(new Set(names).size).toBe(1000);
    // Names come back normalised at the port boundary (lower case, IDNs in punycode).
    const expected = new Map(sandbox.state().domains.map((d) => [normalizeDomain(d.domainName), d.expiresAtMs]));
    expect(new Set(names)).toEqual(new Set(expected.keys()));
    for (const d of listed) expect(d.expiresAtMs).toBe(expected.get(d.domainName));
    expect(sandbox.state().requests.QueryDomainList).toBe(10);
  });

  it('submits a batch renewal whose details progress to success and move the expiry by the years', async () => {
    const [a, b] = sandbox.state().domains.filter((d) => !d.premium);
    if (!a || !b) throw new Error('sandbox generated too few domains');
    const { taskNo, requestId } = await registrar.submitRenewBatch({
      items: [
        { domainName: a.domainName, years: 1, currentExpiryMs: a.expiresAtMs, permitPremium: false },
        { domainName: b.domainName, years: 2, currentExpiryMs: b.expiresAtMs, permitPremium: false },
      ],
    });
    expect(taskNo).not.toBe('');
    expect(requestId).not.toBe('');
    const before = await registrar.listTaskDetails(taskNo);
    expect(before.map((d) => d.state)).toEqual(['waiting', 'waiting']);

    sandbox.setClock({ advanceMs: 10 * 60_000 });
    const after = await registrar.listTaskDetails(taskNo);
    expect(after.map((d) => [d.domainName, d.state]).sort()).toEqual(
      [
        [a.domainName, 'success'],
        [b.domainName, 'success'],
      ].sort(),
    );
    for (const [d, years] of [
      [a, 1],
      [b, 2],
    ] as const) {
      const info = await registrar.getDomain(d.domainName);
      const from = new Date(d.expiresAtMs);
      const to = new Date(info.expiresAtMs);
      expect(to.getUTCFullYear() - from.getUTCFullYear()).toBe(years);
      expect(info.expiresAtMs - d.expiresAtMs).toBeGreaterThanOrEqual(365 * years * DAY_MS);
    }
    const tasks = await registrar.listTasks({ fromMs: sandbox.now() - DAY_MS, toMs: sandbox.now() + DAY_MS });
    expect(tasks.map((t) => t.taskNo)).toContain(taskNo);
    expect(sandbox.state().renewals).toHaveLength(2);
  });

  it('completes reads under 30% throttling and 10% server errors', async () => {
    registrar = createRegistrar({ maxAttempts: 10 });
    sandbox.setFaults({ throttleRate: 0.3, errorRate: 0.1 });
    const listed = await registrar.listDomains({});
    expect(new Set(listed.map((d) => d.domainName)).size).toBe(1000);
    const kinds = new Set(sandbox.state().faultsInjected.map((f) => f.kind));
    expect(kinds).toEqual(new Set(['throttle', 'error']));
    expect(events.filter((e) => e.outcome === 'retryable').length).toBeGreaterThan(0);
    expect(events.filter((e) => e.outcome === 'ambiguous').length).toBeGreaterThan(0);
  });

  it('a lost submit response is ambiguous, not resent, and executed exactly once', async () => {
    const [a] = sandbox.state().domains.filter((d) => !d.premium);
    if (!a) throw new Error('sandbox generated no domain');
    sandbox.setFaults({ loseRate: 1, actions: ['SaveBatchTaskForCreatingOrderRenew'] });
    const error = await registrar
      .submitRenewBatch({
        items: [{ domainName: a.domainName, years: 1, currentExpiryMs: a.expiresAtMs, permitPremium: false }],
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AmbiguousOutcomeError);
    sandbox.setClock({ advanceMs: 10 * 60_000 });
    const state = sandbox.state();
    expect(state.requests.SaveBatchTaskForCreatingOrderRenew).toBe(1);
    expect(state.submissions.filter((s) => s.domainName === a.domainName)).toHaveLength(1);
    expect(state.renewals.filter((r) => r.domainName === a.domainName)).toHaveLength(1);
  });
});
