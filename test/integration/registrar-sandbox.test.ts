import { createAlibabaRegistrar } from '../../lib/alibaba';
import { startSandbox } from '../../lib/sandbox';
import { describeRegistrarContract } from '../helpers/registrar-contract';

// The Alibaba adapter over HTTP against the sandbox, its clock frozen so task timing is deterministic.
describeRegistrarContract('Alibaba adapter on the sandbox (HTTP)', {
  async create({ nowMs, taskMs, domains }) {
    const sandbox = await startSandbox({ nowMs, taskMs, freezeClock: true, fixture: { domains } });
    const credentials = async () => ({ accessKeyId: sandbox.accessKeyId, accessKeySecret: sandbox.accessKeySecret });
    const registrar = createAlibabaRegistrar({
      endpoint: sandbox.url,
      credentials: { get: credentials, refresh: credentials },
      qps: 10_000,
      maxAttempts: 2,
      timeoutMs: 5_000,
      sleep: async () => {},
    });
    return { registrar, advance: (ms) => sandbox.setClock({ advanceMs: ms }), stop: () => sandbox.close() };
  },
});
