import { randomUUID } from 'node:crypto';
import { appliedSlots } from '../../lib/ledger/dynamodb';

// A budget change records its id in two slots of the counter item (ledger/dynamodb.ts): a replay of a change whose
// answer was lost is refused while either slot still holds it. Two distinct slots, the same for the same id.
describe('appliedSlots', () => {
  test('two different slots among 64, stable per id, spread over all of them', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 5000; i++) {
      const id = randomUUID();
      const [a, b] = appliedSlots(id);
      expect(a).not.toBe(b);
      expect(appliedSlots(id)).toEqual([a, b]);
      for (const slot of [a, b]) {
        expect(slot).toMatch(/^applied([0-9]|[1-5][0-9]|6[0-3])$/);
        seen.add(slot);
      }
    }
    expect(seen.size).toBe(64);
  });
});
