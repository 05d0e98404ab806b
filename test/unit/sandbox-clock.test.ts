import { SandboxModel } from '../../lib/sandbox/model';

const NOW = Date.UTC(2026, 10, 29, 6);
const DAY = 86_400_000;

/** The sandbox's simulated clock: by default it runs with real time; `freezeClock` makes it move only by setClock. */
describe('sandbox simulated clock', () => {
  beforeEach(() => jest.useFakeTimers({ now: Date.UTC(2030, 0, 1) }));
  afterEach(() => jest.useRealTimers());

  const model = (freezeClock?: boolean) =>
    new SandboxModel({
      domains: [{ domainName: 'a.com', expiresAtMs: NOW + DAY }],
      balance: 1e9,
      nowMs: NOW,
      taskMs: 1_000,
      rejectStaleExpiry: true,
      ...(freezeClock !== undefined ? { freezeClock } : {}),
    });

  const submit = (m: SandboxModel) =>
    m.createTask({
      action: 'SaveBatchTaskForCreatingOrderRenew',
      requestId: 'req',
      clientIp: '127.0.0.1',
      items: [{ domainName: 'a.com', years: 1, currentExpirationDate: NOW + DAY, permitPremiumRenew: false }],
    });

  test('default: runs with real time, so a task completes as real time passes', () => {
    const m = model();
    const task = submit(m);
    jest.setSystemTime(Date.now() + 5_000);
    expect(m.now()).toBe(NOW + 5_000);
    m.settle();
    expect(m.detailStatus(task, task.details[0]!, m.now())).toBe('EXECUTE_SUCCESS');
  });

  test('frozen: real time does not move it; only setClock does, and tasks settle exactly then', () => {
    const m = model(true);
    const task = submit(m);
    jest.setSystemTime(Date.now() + 3_600_000);
    expect(m.now()).toBe(NOW);
    m.settle();
    expect(m.detailStatus(task, task.details[0]!, m.now())).toBe('WAITING_EXECUTE');
    m.setClock({ advanceMs: 1_000 });
    expect(m.now()).toBe(NOW + 1_000);
    expect(m.detailStatus(task, task.details[0]!, m.now())).toBe('EXECUTING');
    m.setClock({ advanceMs: 999 });
    expect(m.detailStatus(task, task.details[0]!, m.now())).toBe('EXECUTING');
    m.setClock({ advanceMs: 1 });
    expect(m.detailStatus(task, task.details[0]!, m.now())).toBe('EXECUTE_SUCCESS');
    m.setClock({ nowMs: NOW + 10 * DAY });
    jest.setSystemTime(Date.now() + 60_000);
    expect(m.now()).toBe(NOW + 10 * DAY);
  });
});
