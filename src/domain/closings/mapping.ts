/**
 * A saved column mapping (`PUT /api/v1/import-mappings/{name}`): which spreadsheet column feeds
 * which closing field, and how cell values translate. See CONTRACT.md, "Closings and payouts".
 *
 * Field keys: `id`, `date`, `property`, `market`, `gp`, `assignment_fee`, `transactions`,
 * `status`, `sides.<acq|dispo>.<agent|manager|credit>`, `attributes.<name>`.
 * `values` is keyed by a field key (or `agents` / `managers` for every agent / manager column);
 * each maps a cell's text (matched trimmed and case-insensitively; `*` for any other value) to
 * the value to use, `null` included (an agent mapped to null is the house).
 */
export interface ImportMapping {
  /** The xlsx sheet to read (default: the first). */
  sheet?: string;
  /** CSV field separator (default `,`). */
  delimiter?: ',' | ';' | '\t';
  /** Decimal separator of amounts (default `.`; `,` with `delimiter: ";"`). */
  decimal?: '.' | ',';
  /** Field key → column header. */
  columns: Record<string, string>;
  values?: Record<string, Record<string, string | number | boolean | null>>;
}
