import type { FieldError } from './field-error.js';

/**
 * Text that cannot be stored: PostgreSQL refuses U+0000 in `text` and in `jsonb` (the statement
 * fails, which surfaced as a 500 and once as a logged fragment of the document), and a lone UTF-16
 * surrogate is not Unicode at all (it has no UTF-8 form). Every import, name and setting is refused
 * with a pointer to such a value before anything is written.
 */

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Why `text` cannot be stored, or null when it can. */
export function unsafeTextProblem(text: string): string | null {
  if (text.includes('\u0000')) return 'contains a NUL character (U+0000), which cannot be stored';
  if (LONE_SURROGATE.test(text)) return 'contains a lone surrogate (not Unicode text), which cannot be stored';
  return null;
}

/** A key as a JSON pointer part (RFC 6901), unsafe characters shown as U+FFFD so the pointer itself can be logged and sent. */
function pointerPart(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1').replace(/\u0000|[\uD800-\uDFFF]/g, '\uFFFD');
}

/**
 * Every string (values and object keys) of a parsed JSON document that cannot be stored, up to
 * `max`, each with its pointer (`/agents/3/name`). Iterative, so any depth the parser accepted is
 * walked without recursion.
 */
export function unsafeTextIn(document: unknown, max = 20, base = ''): FieldError[] {
  const found: FieldError[] = [];
  const stack: Array<{ value: unknown; pointer: string }> = [{ value: document, pointer: base }];
  while (stack.length > 0 && found.length < max) {
    const { value, pointer } = stack.pop()!;
    if (typeof value === 'string') {
      const problem = unsafeTextProblem(value);
      if (problem) found.push({ pointer, message: problem });
    } else if (Array.isArray(value)) {
      for (let i = value.length - 1; i >= 0; i--) stack.push({ value: value[i], pointer: `${pointer}/${i}` });
    } else if (typeof value === 'object' && value !== null) {
      const keys = Object.keys(value);
      for (let i = keys.length - 1; i >= 0; i--) {
        const key = keys[i]!;
        const at = `${pointer}/${pointerPart(key)}`;
        const problem = unsafeTextProblem(key);
        if (problem) found.push({ pointer: at, message: `the name of this field ${problem}` });
        else stack.push({ value: (value as Record<string, unknown>)[key], pointer: at });
      }
    }
  }
  return found.slice(0, max);
}
