import type { Billing } from '../../lib/billing/port';
import type { Given } from './builder';

/** Run 1 (maxDomainsPerRun 1: a.com), held right before its batch's budget take, its intent written. */
export async function startHeldRun(t: Given, billing: Billing) {
  let release = () => {};
  const gate = new Promise<void>((resolve) => {
    release = resolve;
  });
  let intentWritten = () => {};
  const intent = new Promise<void>((resolve) => {
    intentWritten = resolve;
  });
  const gated = new Proxy(t.ledger, {
    get(target, prop, receiver) {
      if (prop === 'takeBudget')
        return async (request: Parameters<typeof target.takeBudget>[0]) => {
          intentWritten();
          await gate;
          return target.takeBudget(request);
        };
      const value = Reflect.get(target, prop, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  const started = { intent, release: () => release(), done: undefined as unknown as Promise<unknown> };
  started.done = t.renew({
    policy: { ...t.policy, limits: { ...t.policy.limits, maxDomainsPerRun: 1 } },
    deps: { billing, ledger: gated },
  });
  return started;
}
