import { PassThrough } from 'node:stream';
import { askLine } from '../../lib/commands/ask-line';

/**
 * The confirmation prompt of `renew` at a terminal. Ctrl-D there (end of input) is an answer: no. It used to reject
 * the question ("Aborted with Ctrl+D"), and the CLI reported an unexpected failure, exit 2, as if a run had broken
 * midway (review 2026-12-04).
 */
describe('askLine', () => {
  const ask = (input: PassThrough, send: (i: PassThrough) => void) => {
    const answer = askLine(input, new PassThrough(), true)('Renew 1 domain(s)? [y/N] ');
    setImmediate(() => send(input));
    return answer;
  };

  test('returns the line typed', async () => {
    await expect(ask(new PassThrough(), (i) => i.write('yes\r'))).resolves.toBe('yes');
  });

  test('Ctrl-D at the prompt is an empty answer (declined), not a failure', async () => {
    await expect(ask(new PassThrough(), (i) => i.write('\x04'))).resolves.toBe('');
  });

  test('the input closing before a line is an empty answer too', async () => {
    await expect(ask(new PassThrough(), (i) => i.end())).resolves.toBe('');
  });
});
