import { fixedClock } from '../../lib/clock';
import { createMemoryRegistrar } from '../helpers/memory-registrar';
import { describeRegistrarContract } from '../helpers/registrar-contract';

// The same contract as the Alibaba adapter on the sandbox (test/integration/registrar-sandbox.test.ts).
describeRegistrarContract('memory fake (test/helpers/memory-registrar.ts)', {
  async create({ nowMs, taskMs, domains }) {
    const clock = fixedClock(nowMs);
    return { registrar: createMemoryRegistrar({ clock, taskMs, domains }), advance: (ms) => clock.advance(ms) };
  },
});
