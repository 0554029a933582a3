import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { AppError } from '../../domain/app-error.js';

/** Characters scanned between yields to the event loop: a few milliseconds of work. */
const CHUNK = 256 * 1024;

const OPEN_ARRAY = 0x5b; // [
const OPEN_OBJECT = 0x7b; // {
const CLOSE_ARRAY = 0x5d; // ]
const CLOSE_OBJECT = 0x7d; // }
const QUOTE = 0x22; // "
const BACKSLASH = 0x5c; // \

/**
 * The first offset at which `text` nests arrays/objects deeper than `maxDepth`, or -1. One linear
 * pass that skips string contents (brackets inside strings do not nest), so it costs the same for
 * any input, unlike a recursive parse of `[[[[…]]]]`, and it yields to the event loop every
 * `CHUNK` characters so a 10 MB body never holds other requests up. Malformed JSON is left to the
 * parser: this only decides whether parsing it is safe.
 */
export async function excessiveDepthAt(text: string, maxDepth: number): Promise<number> {
  let depth = 0;
  let inString = false;
  for (let start = 0; start < text.length; start += CHUNK) {
    if (start > 0) await yieldToLoop();
    const end = Math.min(text.length, start + CHUNK);
    for (let i = start; i < end; i++) {
      const c = text.charCodeAt(i);
      if (inString) {
        if (c === BACKSLASH) i++;
        else if (c === QUOTE) inString = false;
      } else if (c === QUOTE) {
        inString = true;
      } else if (c === OPEN_ARRAY || c === OPEN_OBJECT) {
        depth++;
        if (depth > maxDepth) return i;
      } else if (c === CLOSE_ARRAY || c === CLOSE_OBJECT) {
        depth--;
      }
    }
  }
  return -1;
}

/** The 400 of a body nested deeper than `maxDepth` (first too deep at character `at`). */
export function jsonTooDeep(maxDepth: number, at: number): AppError {
  return new AppError('bad-request', 'json-too-deep', `The JSON body nests arrays and objects deeper than ${maxDepth} levels (at character ${at}).`, {
    errors: [{ pointer: '', message: `nested deeper than ${maxDepth} levels` }],
  });
}
