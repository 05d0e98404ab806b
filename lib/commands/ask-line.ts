import { createInterface } from 'node:readline/promises';

/**
 * A question asked on a terminal: resolves with the line typed, or '' (no answer, which declines) when the input
 * ends first, Ctrl-D or a closed stream: readline rejects a pending question on Ctrl-D ("Aborted with Ctrl+D"),
 * which the CLI took for an unexpected failure (exit 2), and leaves it pending for ever on a plain end of input.
 */
export function askLine(
  input: NodeJS.ReadableStream,
  output: NodeJS.WritableStream,
  terminal?: boolean,
): (question: string) => Promise<string> {
  return async (question) => {
    const rl = createInterface({ input, output, ...(terminal !== undefined ? { terminal } : {}) });
    const ended = new Promise<string>((resolve) => rl.once('close', () => resolve('')));
    try {
      return await Promise.race([rl.question(question), ended]);
    } catch (err) {
      if (err instanceof Error && err.name === 'AbortError') return '';
      throw err;
    } finally {
      rl.close();
    }
  };
}
