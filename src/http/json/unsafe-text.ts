import { invalidInput } from '../../domain/app-error.js';
import { unsafeTextIn } from '../../domain/text-safety.js';

/**
 * In JSON text that came from bytes (decoded as UTF-8, so with no raw lone surrogate), a NUL or a
 * lone surrogate can only be written as a `\u` escape: text without one needs no walk.
 */
const MAYBE_UNSAFE_ESCAPE = /\\u(?:0000|[dD][89a-fA-F])/;

/**
 * Refuses (422, one pointer per value) a parsed JSON body holding a string that cannot be stored:
 * PostgreSQL refuses U+0000 in text and jsonb, and a lone surrogate is not Unicode. Costs one scan
 * of the text when there is nothing to find.
 */
export function refuseUnsafeText(text: string, value: unknown): void {
  if (!MAYBE_UNSAFE_ESCAPE.test(text)) return;
  const errors = unsafeTextIn(value);
  if (errors.length > 0) {
    throw invalidInput(`The body has ${errors.length === 1 ? 'a value' : `${errors.length} values`} that cannot be stored as text.`, errors);
  }
}
