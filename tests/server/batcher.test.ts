/** Batcher: the database work of requests arriving together, done by one call. */
import { Batcher } from '../../server/app/store/batcher';
import { OutcomeUnknown } from '../../server/app/store/outcome-unknown';

/** A batch function that records each call's inputs and answers after `release()`. */
function recorder(fail: (input: number) => boolean = () => false, failure = (message: string): Error => new Error(message)) {
  const calls: number[][] = [];
  const waiting: (() => void)[] = [];
  const run = (inputs: number[]) => {
    calls.push([...inputs]);
    return new Promise<string[]>((resolve, reject) => {
      waiting.push(() => (inputs.some(fail) ? reject(failure(`batch ${inputs.join(',')} failed`)) : resolve(inputs.map((n) => `#${n}`))));
    });
  };
  /** Answers every call made so far, then lets the batcher start what waits. */
  const release = async () => {
    for (const answer of waiting.splice(0)) answer();
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setImmediate(resolve));
  };
  return { calls, run, release };
}

describe('Batcher', () => {
  it('gives the inputs of one turn to one call and answers each its own output', async () => {
    const { calls, run, release } = recorder();
    const batcher = new Batcher(run, { maxSize: 10, maxInFlight: 1 });
    const answers = Promise.all([1, 2, 3].map((n) => batcher.run(n)));
    await new Promise((resolve) => setImmediate(resolve));
    expect(calls).toEqual([[1, 2, 3]]);
    await release();
    await expect(answers).resolves.toEqual(['#1', '#2', '#3']);
  });

  it('splits a turn into batches of maxSize and runs at most maxInFlight at once', async () => {
    const { calls, run, release } = recorder();
    const batcher = new Batcher(run, { maxSize: 2, maxInFlight: 2 });
    const answers = Promise.all([1, 2, 3, 4, 5].map((n) => batcher.run(n)));
    await new Promise((resolve) => setImmediate(resolve));
    expect(calls).toEqual([[1, 2], [3, 4]]);
    await release();
    expect(calls).toEqual([[1, 2], [3, 4], [5]]);
    await release();
    await expect(answers).resolves.toEqual(['#1', '#2', '#3', '#4', '#5']);
  });

  it('gathers the inputs that arrive while a batch runs into the next one', async () => {
    const { calls, run, release } = recorder();
    const batcher = new Batcher(run, { maxSize: 10, maxInFlight: 1 });
    const first = batcher.run(1);
    await new Promise((resolve) => setImmediate(resolve));
    const later = [batcher.run(2), batcher.run(3)];
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setImmediate(resolve));
    expect(calls).toEqual([[1]]);
    await release();
    expect(calls).toEqual([[1], [2, 3]]);
    await release();
    await expect(Promise.all([first, ...later])).resolves.toEqual(['#1', '#2', '#3']);
  });

  it('runs the inputs of a failed batch again one after the other, so that only the failing one fails', async () => {
    const { calls, run, release } = recorder((n) => n === 2);
    const batcher = new Batcher(run, { maxSize: 10, maxInFlight: 1 });
    const answers = [1, 2, 3].map((n) => batcher.run(n).catch((err: Error) => err.message));
    await new Promise((resolve) => setImmediate(resolve));
    await release();
    expect(calls).toEqual([[1, 2, 3], [1]]);
    for (let i = 0; i < 3; i++) await release();
    await expect(Promise.all(answers)).resolves.toEqual(['#1', 'batch 2 failed', '#3']);
    expect(calls).toEqual([[1, 2, 3], [1], [2], [3]]);
  });

  it('does not run a batch again when its outcome is unknown (it may have been written): every input gets the error', async () => {
    const { calls, run, release } = recorder((n) => n === 2, (message) => new OutcomeUnknown(message));
    const batcher = new Batcher(run, { maxSize: 10, maxInFlight: 1 });
    const answers = [1, 2, 3].map((n) => batcher.run(n).catch((err: Error) => err));
    await new Promise((resolve) => setImmediate(resolve));
    await release();
    const errors = await Promise.all(answers);
    expect(errors.every((err) => err instanceof OutcomeUnknown && err.message === 'batch 1,2,3 failed')).toBe(true);
    expect(calls).toEqual([[1, 2, 3]]);
  });

  it('keeps answering after a batch failed', async () => {
    const { run, release } = recorder((n) => n < 0);
    const batcher = new Batcher(run, { maxSize: 10, maxInFlight: 1 });
    const failed = batcher.run(-1).catch((err: Error) => err.message);
    await new Promise((resolve) => setImmediate(resolve));
    await release();
    await expect(failed).resolves.toBe('batch -1 failed');
    const next = batcher.run(7);
    await new Promise((resolve) => setImmediate(resolve));
    await release();
    await expect(next).resolves.toBe('#7');
  });
});
