import { docCommands, shellWords } from '../helpers/doc-commands';

// The extraction the deploy-guide test relies on: if it missed a command, that command would go untested.

describe('docCommands', () => {
  it('reads sh blocks (indented too, continuations joined, comments and ; lists split) and inline commands', () => {
    const md = [
      'Run `npm run package` first, then `AUTORENEW_SECRET_ID=… npx autorenew notify-test`; not `--param`.',
      '',
      '```sh',
      'npm ci',
      'A=1 npx autorenew doctor --policy "p.json"   # comment',
      '```',
      '',
      '1. Then:',
      '',
      '   ```sh',
      '   aws sns confirm-subscription --region <region> \\',
      '     --token <token>',
      '   rm /dev/shm/ak.json; unset AK_SECRET',
      '   ```',
      '',
      'An inline one over two lines: `aws lambda invoke --function-name',
      '  f --invocation-type Event /dev/null`.',
      '```json',
      '{ "npm": "not a command" }',
      '```',
    ].join('\n');
    expect(docCommands(md).map((c) => [c.from, c.env, c.argv])).toEqual([
      ['block', {}, ['npm', 'ci']],
      ['block', { A: '1' }, ['npx', 'autorenew', 'doctor', '--policy', 'p.json']],
      ['block', {}, ['aws', 'sns', 'confirm-subscription', '--region', '<region>', '--token', '<token>']],
      ['block', {}, ['rm', '/dev/shm/ak.json']],
      ['block', {}, ['unset', 'AK_SECRET']],
      ['inline', {}, ['npm', 'run', 'package']],
      ['inline', { AUTORENEW_SECRET_ID: '…' }, ['npx', 'autorenew', 'notify-test']],
      ['inline', {}, ['aws', 'lambda', 'invoke', '--function-name', 'f', '--invocation-type', 'Event', '/dev/null']],
    ]);
  });

  it('shell words: quotes removed, quoted spaces kept, unbalanced quotes refused', () => {
    expect(shellWords(`--param="a=b c" 'x y' z`)).toEqual(['--param=a=b c', 'x y', 'z']);
    expect(() => shellWords('say "hi')).toThrow(/unbalanced/);
  });
});
