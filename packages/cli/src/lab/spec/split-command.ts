import { usageError } from '../../core/errors.js';

/**
 * Splits `--cmd` into argv the way a POSIX shell splits words (single and double quotes, backslash
 * escapes) but starts no shell: the first word becomes the pod's PID 1, as a container's `command`
 * would. Write `sh -c '…'` yourself to get a shell (and its SIGTERM problem).
 */
export function splitCommand(text: string, flag = '--cmd'): string[] {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let quote: '"' | "'" | undefined;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i] as string;
    if (quote === "'") {
      if (ch === "'") quote = undefined;
      else word += ch;
    } else if (
      ch === '\\' &&
      i + 1 < text.length &&
      (quote === undefined || /["\\$`]/.test(text[i + 1] as string))
    ) {
      word += text[++i];
      inWord = true;
    } else if (quote === '"') {
      if (ch === '"') quote = undefined;
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
  if (quote) throw usageError(`lameduck lab: ${flag} has an unterminated ${quote} quote: ${text}`);
  if (inWord) words.push(word);
  if (words.length === 0)
    throw usageError(`lameduck lab: ${flag} needs a command, received "${text}"`);
  return words;
}
