import { cellText, isBlank, valueKey, type Cell } from './cells.js';
import type { ImportMapping } from './mapping.js';

/**
 * A mapping guessed from a sheet's headers, for the user to confirm or edit in the web app: each
 * field takes the header that names it best (exact synonyms first, then word rules), each header
 * feeds one field at most. Sample rows, when given, propose values maps for yes/no flag columns and
 * for a "House" agent.
 */

/** Lower case, `&` as "and", punctuation other than `#` and `%` dropped, spaces collapsed. */
function headerWords(header: string): string {
  return header
    .toLowerCase()
    .replace(/&/g, ' and ')
    .replace(/[^a-z0-9#%]+/g, ' ')
    .replace(/([a-z])(#|%)/g, '$1 $2')
    .trim()
    .replace(/\s+/g, ' ');
}

/** Exact synonyms per field, in words as headerWords writes them; earlier ones are better. */
const SYNONYMS: Record<string, readonly string[]> = {
  id: ['deal id', 'deal #', 'deal number', 'deal no', 'closing id', 'record id', 'file #', 'file number', 'id', 'ref', 'reference'],
  date: ['dispo closing date', 'closing date', 'close date', 'closed date', 'date closed', 'coe', 'coe date', 'settlement date', 'date'],
  property: ['property address', 'property', 'address', 'subject property', 'street address', 'deal address'],
  market: ['market', 'metro', 'region', 'territory'],
  gp: ['gross profit', 'gp', 'net', 'net profit', 'profit', 'gross', 'total gp', 'deal gp'],
  assignment_fee: ['assignment fee', 'assignment', 'fee', 'assignment amount', 'contract fee'],
  transactions: ['trx #', 'trx', 'trxs', 'transactions', 'transaction count', '# of transactions', '# transactions', 'trans', 'units', 'deal count'],
  status: ['status', 'deal status', 'closing status'],
  'sides.acq.agent': ['acq agent', 'acquisitions', 'acquisition agent', 'acquisitions agent', 'acq rep', 'acq', 'acquisition', 'acq am'],
  'sides.acq.manager': ['acq manager', 'acquisitions manager', 'acquisition manager', 'acq team lead', 'acq tl', 'acq lead', 'acq mgr'],
  'sides.acq.credit': ['acq credit', 'acq split', 'acq %', 'acq split %'],
  'sides.dispo.agent': ['dispo agent', 'dispositions', 'disposition agent', 'dispositions agent', 'dispo rep', 'dispo', 'disposition', 'dispo am'],
  'sides.dispo.manager': ['dispo manager', 'dispositions manager', 'disposition manager', 'dispo team lead', 'dispo tl', 'dispo lead', 'dispo mgr'],
  'sides.dispo.credit': ['dispo credit', 'dispo split', 'dispo %', 'dispo split %'],
  'attributes.flat_fee': ['flatfee listed', 'flat fee listed', 'flat fee', 'flatfee', 'ff listed', 'flat fee deal'],
  'attributes.tl_eligible': ['tl eligibility', 'tl eligible', 'team lead eligible', 'team lead eligibility', 'tl elig'],
  'attributes.exit_strategy': ['exit strategy', 'exit', 'strategy', 'deal type'],
  'attributes.lead_source': ['lead source', 'source', 'marketing source'],
};

const ACQ = /\b(acq|acqs|acquisitions?)\b/;
const DISPO = /\b(dispo|dispos|dispositions?)\b/;
const MANAGER = /\b(manager|mgr|lead|tl|tm|supervisor)\b/;

/** Word rules for headers no synonym names exactly: "Acquisitions Rep (Closer)" is the acq agent. */
function ruleScore(field: string, words: string): number {
  const side = /^sides\.(acq|dispo)\.(agent|manager|credit)$/.exec(field);
  if (side) {
    const role = side[1] === 'acq' ? ACQ : DISPO;
    if (!role.test(words)) return 0;
    if (side[2] === 'manager') return MANAGER.test(words) ? 2 : 0;
    if (side[2] === 'credit') return /\b(credit|split|%)\b|%/.test(words) ? 2 : 0;
    return MANAGER.test(words) || /date|fee|gp|profit|%|split|credit/.test(words) ? 0 : 1;
  }
  if (field === 'date') return /\bdate\b/.test(words) ? (/clos|coe|settle/.test(words) ? 2 : 1) : 0;
  if (field === 'gp') return /\b(gross profit|gp|net profit)\b/.test(words) && !/%|pct|percent/.test(words) ? 1 : 0;
  if (field === 'property') return /\baddress\b/.test(words) ? 1 : 0;
  if (field === 'attributes.flat_fee') return /\bflat ?fee\b/.test(words) ? 1 : 0;
  if (field === 'attributes.tl_eligible') return /\btl\b.*\belig/.test(words) ? 1 : 0;
  return 0;
}

const YES = new Set(['yes', 'y', 'true', 'x', '1', 'listed', 'eligible']);
const NO = new Set(['no', 'n', 'false', '0', 'not listed', 'ineligible', 'not eligible', 'n/a']);
const HOUSE = new Set(['house', 'company', 'office', 'the house', 'none', 'n/a']);

function flagValues(samples: readonly string[]): Record<string, boolean> | undefined {
  const seen = [...new Set(samples.filter((s) => s !== ''))];
  if (seen.length === 0 || !seen.every((s) => YES.has(valueKey(s)) || NO.has(valueKey(s)))) return undefined;
  const yes = seen.filter((s) => YES.has(valueKey(s)));
  const no = seen.filter((s) => NO.has(valueKey(s)));
  // Blanks in a flag column mean "no" (FlatFee Listed: YES or nothing), so the yes spellings are
  // listed and `*` is false; a column that only ever says "No" (TL Eligibility) is true otherwise.
  const [listed, value] = yes.length > 0 ? [yes, true] : [no, false];
  return { ...Object.fromEntries(listed.map((s) => [s, value])), '*': !value };
}

export interface SuggestedMapping {
  mapping: ImportMapping;
  /** Headers no field took, for the user to map (often to `attributes.<name>`). */
  unmapped: string[];
}

export function suggestMapping(headers: readonly string[], sampleRows: readonly (readonly Cell[])[] = []): SuggestedMapping {
  const words = headers.map((header) => headerWords(header));
  const candidates: { field: string; column: number; score: number }[] = [];
  for (const [field, synonyms] of Object.entries(SYNONYMS)) {
    words.forEach((w, column) => {
      if (w === '') return;
      const exact = synonyms.indexOf(w);
      const score = exact >= 0 ? 100 - exact : ruleScore(field, w);
      if (score > 0) candidates.push({ field, column, score });
    });
  }
  candidates.sort((a, b) => b.score - a.score || a.column - b.column);
  const columns: Record<string, string> = {};
  const taken = new Set<number>();
  for (const { field, column } of candidates) {
    if (field in columns || taken.has(column)) continue;
    columns[field] = headers[column]!.trim();
    taken.add(column);
  }

  const mapping: ImportMapping = { columns };
  const values: NonNullable<ImportMapping['values']> = {};
  const columnOf = (field: string) => headers.findIndex((h) => h.trim() === columns[field]);
  const samplesOf = (column: number) => sampleRows.map((row) => (isBlank(row[column]) ? '' : cellText(row[column])));
  for (const field of Object.keys(columns).filter((f) => f.startsWith('attributes.'))) {
    const flags = flagValues(samplesOf(columnOf(field)));
    if (flags) values[field] = flags;
  }
  const houses = new Set<string>();
  for (const field of ['sides.acq.agent', 'sides.dispo.agent']) {
    if (field in columns) for (const name of samplesOf(columnOf(field))) if (HOUSE.has(valueKey(name))) houses.add(name);
  }
  if (houses.size > 0) values.agents = Object.fromEntries([...houses].map((name) => [name, null]));
  if (Object.keys(values).length > 0) mapping.values = values;
  const unmapped = headers.map((h) => h.trim()).filter((h, column) => h !== '' && !taken.has(column));
  return { mapping, unmapped };
}
