/**
 * Spreadsheet formula injection (OWASP "CSV Injection"): the one rule every CSV the platform writes
 * follows, on the server (commission, statement, payout and journal exports) and in the web app
 * (tables saved as CSV). No imports, so the web app bundles it as it is.
 *
 * A formula starts with = + - @ or their full-width forms (Apple Numbers folds ＝ ＋ － ＠ to
 * ASCII), also after leading white space of any kind: spreadsheets skip spaces, tabs, NBSP, the
 * ideographic space, zero-width characters and a BOM before reading `=` (\s covers the Unicode
 * spaces and U+FEFF; the zero-width ones are listed). A cell that starts with tab, CR or LF is
 * neutralised whatever follows. Quotes added earlier are looked through.
 */
const FORMULA_START = '(?:[\\t\\r\\n]|[\\s\\u200B-\\u200D\\u2060\\u180E]*[=+\\-@\\uFF1D\\uFF0B\\uFF0D\\uFF20])';
const NEEDS_NEUTRALISING = new RegExp(`^'*${FORMULA_START}`, 'u');
const WAS_NEUTRALISED = new RegExp(`^'+${FORMULA_START}`, 'u');

/**
 * Prefixes `'` to a dangerous cell. A value that already starts with quotes before a dangerous
 * character gets one more, so that import can always strip exactly one.
 */
export function neutraliseCell(text: string): string {
  return NEEDS_NEUTRALISING.test(text) ? `'${text}` : text;
}

/** Undoes `neutraliseCell` (import of a file we exported). */
export function restoreCell(text: string): string {
  return WAS_NEUTRALISED.test(text) ? text.slice(1) : text;
}
