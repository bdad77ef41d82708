/**
 * Reading the files users hand us (configs, champions, reference .out files) within bounds that are checked
 * before anything is parsed, so a huge or hostile file costs a refusal, not minutes and gigabytes:
 * - a size per kind of file (LIMITS; docs/limits.md lists them);
 * - a nesting depth, scanned without recursion before JSON.parse, so no later recursive walk (validation,
 *   merging) can overflow the stack;
 * - a UTF-8 byte-order mark, which some editors write, is dropped rather than reported as an invisible
 *   character.
 */
import { readFileSync, statSync } from 'node:fs';

export const LIMITS = {
  /** Config files: a config is a few hundred bytes. */
  configBytes: 1 << 20,
  /** Champion files: the MNIST champion is 29 kB; this leaves room for networks far past any a run grows. */
  championBytes: 32 << 20,
  /** Reference .out files: N x (N + 1) cells of about 9 characters; 8 MiB holds some 900 nodes. */
  outBytes: 8 << 20,
  /** JSON nesting depth of a config or champion (theirs is at most 5). */
  jsonDepth: 64,
} as const;

/** Why a read failed, in a few words. */
export function readReason(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EISDIR') return 'is a directory';
  if (code === 'EACCES') return 'permission denied';
  return code ?? (err as Error).message;
}

/**
 * The text of `file` (without a leading BOM), or throws `fail(message)` when it cannot be read or is larger
 * than `maxBytes` (checked before reading it).
 */
export function readBounded(file: string, maxBytes: number, what: string, fail: (message: string) => Error): string {
  let size: number;
  try {
    const stat = statSync(file);
    if (stat.isDirectory()) throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
    size = stat.size;
  } catch (err) {
    throw fail(`cannot read ${file}: ${readReason(err)}`);
  }
  if (size > maxBytes) throw fail(`${file}: ${size} bytes, more than a ${what} may be (${maxBytes} bytes)`);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw fail(`cannot read ${file}: ${readReason(err)}`);
  }
  return stripBom(text);
}

export function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** The deepest nesting of arrays and objects in JSON `text` (strings skipped), found without recursion. */
export function jsonDepth(text: string): number {
  let depth = 0;
  let deepest = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) { // a string: skip to its closing quote, past escapes
      for (i++; i < text.length && text.charCodeAt(i) !== 0x22; i++) if (text.charCodeAt(i) === 0x5c) i++;
    } else if (c === 0x5b || c === 0x7b) {
      if (++depth > deepest) deepest = depth;
    } else if (c === 0x5d || c === 0x7d) {
      depth--;
    }
  }
  return deepest;
}
