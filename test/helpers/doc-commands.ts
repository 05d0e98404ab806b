/**
 * The shell commands a markdown guide tells people to run: every line of its `sh` code blocks (continuations joined,
 * comments dropped, `;` lists split) and every inline code span that starts with a command this project's guides
 * use (`aws`, `npm`, `npx`, `cfn-lint`, or `VAR=value` before one of them). Each is split into shell words.
 */
export interface DocCommand {
  /** As written (whitespace collapsed). */
  text: string;
  /** `VAR=value` words before the program. */
  env: Record<string, string>;
  /** The program and its arguments, quotes removed. */
  argv: string[];
  from: 'block' | 'inline';
}

/** Splits one command line into words: '…' and "…" quoting, no expansion. */
export function shellWords(line: string): string[] {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let quote: '"' | "'" | undefined;
  for (const ch of line) {
    if (quote) {
      if (ch === quote) quote = undefined;
      else word += ch;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
      inWord = true;
    } else if (/\s/.test(ch)) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
    } else {
      word += ch;
      inWord = true;
    }
  }
  if (quote) throw new Error(`unbalanced ${quote} in: ${line}`);
  if (inWord) words.push(word);
  return words;
}

function toCommand(text: string, from: DocCommand['from']): DocCommand {
  const words = shellWords(text);
  const env: Record<string, string> = {};
  while (words.length > 0 && /^[A-Z_][A-Z0-9_]*=/.test(words[0] ?? '')) {
    const [name = '', ...rest] = (words.shift() ?? '').split('=');
    env[name] = rest.join('=');
  }
  return { text: text.replace(/\s+/g, ' ').trim(), env, argv: words, from };
}

const PROGRAMS = /^(?:[A-Z_][A-Z0-9_]*=\S*\s+)*(?:aws|npm|npx|cfn-lint)\s\S/;

/** Every command of the guide, in document order within each kind (blocks first, then inline spans). */
export function docCommands(markdown: string): DocCommand[] {
  const commands: DocCommand[] = [];
  const blocks = /^( *)```sh\n([\s\S]*?)^ *```/gm;
  for (const m of markdown.matchAll(blocks)) {
    const body = (m[2] ?? '').replace(/\\\n\s*/g, ' ');
    for (const raw of body.split('\n')) {
      const line = raw.replace(/\s+#.*$/, '').trim();
      if (!line || line.startsWith('#')) continue;
      for (const part of line.split(/;\s+/)) commands.push(toCommand(part, 'block'));
    }
  }
  // Every fenced block (json, yaml, ...) out first: its backticks would pair up wrongly with the prose's.
  const prose = markdown.replace(/^ *```[\s\S]*?^ *```/gm, '');
  for (const m of prose.matchAll(/`([^`]+)`/g)) {
    const span = (m[1] ?? '').replace(/\s+/g, ' ').trim();
    // A bare program name (`cfn-lint`, `npm`) is a mention, not a command.
    if (PROGRAMS.test(`${span} `) && span.includes(' ')) commands.push(toCommand(span, 'inline'));
  }
  return commands;
}
