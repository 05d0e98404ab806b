import { createTaskQueue } from '../../lib/concurrency';

/** A task that runs until `release()` is called, recording how many ran at once. */
function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { opened, release: () => open() };
}

describe('createTaskQueue', () => {
  test('runs at most `limit` at once, starts the next as one ends, and drain waits for tasks pushed meanwhile', async () => {
    const queue = createTaskQueue(2);
    let running = 0;
    let most = 0;
    const done: number[] = [];
    const gates = [gate(), gate(), gate()];
    const task = (i: number) => async () => {
      running += 1;
      most = Math.max(most, running);
      await gates[i]?.opened;
      running -= 1;
      done.push(i);
      if (i === 0) queue.push(async () => void done.push(9)); // pushed while drain waits
    };
    for (const i of [0, 1, 2]) queue.push(task(i));
    expect(running).toBe(2);
    const drained = queue.drain();
    gates[0]?.release();
    gates[2]?.release();
    gates[1]?.release();
    await drained;
    expect(most).toBe(2);
    expect(done.sort()).toEqual([0, 1, 2, 9]);
  });

  test('drain on an empty queue resolves', async () => {
    await expect(createTaskQueue(4).drain()).resolves.toBeUndefined();
  });
});
