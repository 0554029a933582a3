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

/** Fields a column can feed, beside `sides.<role>.<part>` and `attributes.<name>`. */
const SCALAR_FIELDS = ['id', 'date', 'property', 'market', 'gp', 'assignment_fee', 'transactions', 'status'] as const;
export type ScalarField = (typeof SCALAR_FIELDS)[number];
const SIDE_PARTS = ['agent', 'manager', 'credit'] as const;
export type SidePart = (typeof SIDE_PARTS)[number];

/** An attribute's name as plans refer to it (`flat_fee`, `tl_eligible`). */
const ATTRIBUTE_NAME = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;

export type FieldKey =
  | { kind: 'scalar'; field: ScalarField }
  | { kind: 'side'; role: 'acq' | 'dispo'; part: SidePart }
  | { kind: 'attribute'; name: string };

/** What a field key names, or null when it names nothing. */
export function parseFieldKey(key: string): FieldKey | null {
  if ((SCALAR_FIELDS as readonly string[]).includes(key)) return { kind: 'scalar', field: key as ScalarField };
  const side = /^sides\.(acq|dispo)\.(agent|manager|credit)$/.exec(key);
  if (side) return { kind: 'side', role: side[1] as 'acq' | 'dispo', part: side[2] as SidePart };
  const attribute = /^attributes\.(.+)$/.exec(key);
  if (attribute && ATTRIBUTE_NAME.test(attribute[1]!)) return { kind: 'attribute', name: attribute[1]! };
  return null;
}

/** The `values` keys that apply to every agent column and every manager column. */
export const PEOPLE_VALUE_KEYS = { agent: 'agents', manager: 'managers' } as const;

/** A header as matched: trimmed, without whitespace, case folded ("Dispo  Closing Date" = "dispo closing date"). */
export const headerKey = (header: string) => header.replace(/[\s\u00a0\u2007\u202f]+/g, '').toLowerCase();

/** A mapping's name as it stands in `/import-mappings/{name}`: letters, digits, spaces, `.`, `_`, `-`. */
export const MAPPING_NAME = /^[A-Za-z0-9][A-Za-z0-9 ._-]{0,99}$/;
