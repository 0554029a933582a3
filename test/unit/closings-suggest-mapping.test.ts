/**
 * The mapping suggestion's vocabulary, header by header as operators' sheets spell them (capitals,
 * punctuation, `#`, `%` and `&` as they come), its order of preference, its word rules for headers
 * no synonym names, and the values it proposes for flag and house columns. The table below is the
 * promise to users, written out here rather than read from the module.
 */
import assert from 'node:assert/strict';
import test from 'node:test';
import { suggestMapping } from '../../src/domain/closings/suggest-mapping.js';

const field = (header: string) => {
  const { columns } = suggestMapping([header]).mapping;
  const fields = Object.keys(columns);
  assert.ok(fields.length <= 1, `${header}: one field at most, got ${fields.join(', ')}`);
  return fields[0] ?? null;
};

const VOCABULARY: Record<string, string[]> = {
  id: ['Deal ID', 'Deal #', 'Deal Number', 'Deal No.', 'Closing ID', 'Record ID', 'File #', 'File Number', 'ID', 'Ref', 'Reference'],
  date: ['Dispo Closing Date', 'Closing Date', 'Close Date', 'Closed Date', 'Date Closed', 'COE', 'COE Date', 'Settlement Date', 'Date'],
  property: ['Property Address', 'Property', 'Address', 'Subject Property', 'Street Address', 'Deal Address'],
  market: ['Market', 'Metro', 'Region', 'Territory'],
  gp: ['Gross Profit', 'GP', 'Net', 'Net Profit', 'Profit', 'Gross', 'Total GP', 'Deal GP'],
  assignment_fee: ['Assignment Fee', 'Assignment', 'Fee', 'Assignment Amount', 'Contract Fee'],
  transactions: ['Trx #', 'TRX', 'Trxs', 'Transactions', 'Transaction Count', '# of Transactions', '# Transactions', 'Trans.', 'Units', 'Deal Count'],
  status: ['Status', 'Deal Status', 'Closing Status'],
  'sides.acq.agent': ['Acq Agent', 'Acquisitions', 'Acquisition Agent', 'Acquisitions Agent', 'Acq Rep', 'ACQ', 'Acquisition', 'Acq AM'],
  'sides.acq.manager': ['Acq Manager', 'Acquisitions Manager', 'Acquisition Manager', 'Acq Team Lead', 'Acq TL', 'Acq Lead', 'Acq Mgr'],
  'sides.acq.credit': ['Acq Credit', 'Acq Split', 'Acq %', 'Acq Split %'],
  'sides.dispo.agent': ['Dispo Agent', 'Dispositions', 'Disposition Agent', 'Dispositions Agent', 'Dispo Rep', 'Dispo', 'Disposition', 'Dispo AM'],
  'sides.dispo.manager': ['Dispo Manager', 'Dispositions Manager', 'Disposition Manager', 'Dispo Team Lead', 'Dispo TL', 'Dispo Lead', 'Dispo Mgr'],
  'sides.dispo.credit': ['Dispo Credit', 'Dispo Split', 'Dispo %', 'Dispo Split %'],
  'attributes.flat_fee': ['FlatFee Listed', 'Flat Fee Listed', 'Flat Fee', 'FlatFee', 'FF Listed', 'Flat-Fee Deal'],
  'attributes.tl_eligible': ['TL Eligibility', 'TL Eligible', 'Team Lead Eligible', 'Team Lead Eligibility', 'TL Elig.'],
  'attributes.exit_strategy': ['Exit Strategy', 'Exit', 'Strategy', 'Deal Type'],
  'attributes.lead_source': ['Lead Source', 'Source', 'Marketing Source'],
};

test('every synonym, as a sheet spells it, names its field', () => {
  for (const [expected, headers] of Object.entries(VOCABULARY)) {
    for (const header of headers) assert.equal(field(header), expected, header);
    // In capitals, with stray spaces and punctuation, the same.
    for (const header of headers) assert.equal(field(`  ${header.toUpperCase()}: `), expected, header.toUpperCase());
  }
});

test('the earlier synonym wins a field when several headers name it; each header feeds one field', () => {
  for (const headers of Object.values(VOCABULARY)) {
    // Reversed, so the best synonym is last: it still wins, and every other header is left unmapped.
    const { mapping, unmapped } = suggestMapping([...headers].reverse());
    assert.deepEqual(Object.values(mapping.columns), [headers[0]], headers.join(' | '));
    assert.equal(unmapped.length, headers.length - 1);
  }
  // Two headers the same rule names equally: the first column wins.
  assert.deepEqual(suggestMapping(['Acquisitions Rep (Closer)', 'Acquisitions Rep (Setter)']).mapping.columns, { 'sides.acq.agent': 'Acquisitions Rep (Closer)' });
  assert.deepEqual(suggestMapping(['Acquisitions Rep (Closer)', 'Acquisitions Rep (Setter)']).unmapped, ['Acquisitions Rep (Setter)']);
  // "#" and "%" count as words even when written against one (Trx#, Acq%); "&" reads as "and".
  assert.equal(field('Trx#'), 'transactions');
  assert.equal(field('Acq%'), 'sides.acq.credit');
  assert.equal(field('P&L'), null);
  assert.equal(field('Acq & Dispo Lead'), 'sides.acq.manager');
});

test('word rules place headers no synonym names, and keep out those that only look alike', () => {
  const rules: Array<[string, string | null]> = [
    ['Acquisitions Rep (Closer)', 'sides.acq.agent'],
    ['Dispos Closer', 'sides.dispo.agent'],
    ['Acqs Supervisor', 'sides.acq.manager'],
    ['Dispo TM', 'sides.dispo.manager'],
    ['Acq Credit (Pct)', 'sides.acq.credit'],
    ['Dispositions Split Share', 'sides.dispo.credit'],
    ['Dispo 50%', 'sides.dispo.credit'],
    // An acq header about a date, a fee, GP or a profit is not the agent (GP by the GP rule).
    ['Acq Contract Date', 'date'],
    ['Acq Fee Paid', null],
    ['Acq GP Share', 'gp'],
    ['Acq Profit', null],
    ['Acquisition Credit Memo', 'sides.acq.credit'],
    ['Contract Date', 'date'],
    ['Date of Contract Signing', 'date'],
    ['Mailing Address', 'property'],
    ['Deal Gross Profit ($)', 'gp'],
    ['Net Profit After Costs', 'gp'],
    ['Gross Profit %', null],
    ['GP Pct', null],
    ['GP Percent', null],
    ['Is Flat Fee?', 'attributes.flat_fee'],
    ['TL Bonus Eligibility', 'attributes.tl_eligible'],
    ['Title Company', null],
    ['Manager', null],
  ];
  for (const [header, expected] of rules) assert.equal(field(header), expected, header);
  // A closing date beats another date, whatever the order.
  assert.equal(suggestMapping(['Contract Date', 'Settle Date']).mapping.columns.date, 'Settle Date');
  assert.equal(suggestMapping(['COE Close Date', 'Contract Date']).mapping.columns.date, 'COE Close Date');
  // A synonym beats every rule.
  assert.equal(suggestMapping(['Acquisitions Rep (Closer)', 'Acq']).mapping.columns['sides.acq.agent'], 'Acq');
});

test('sample rows propose values maps for flag columns and the house as an agent', () => {
  const headers = ['GP', 'FlatFee Listed', 'TL Eligibility', 'Exit Strategy', 'Lead Source', 'Acq Agent', 'Dispo Agent'];
  const rows = [
    ['1', 'Yes', 'No', 'Assignment', 'Y', 'House', 'Company'],
    ['2', 'Y', 'n/a', 'Novation', 'x', 'Office', 'The House'],
    ['3', 'TRUE', 'Not Eligible', 'Double close', '1', 'None', 'N/A'],
    ['4', 'x', 'Ineligible', '', 'listed', ' steve ', 'Vince'],
    ['5', '1', 'FALSE', '', 'eligible', 'Steve', 'house'],
    ['6', 'Listed', 'N', '', '', '', ''],
    ['7', 'Eligible', '0', '', '', '', ''],
    ['8', '', 'Not Listed', '', '', '', ''],
  ];
  const { mapping } = suggestMapping(headers, rows);
  assert.deepEqual(mapping.values, {
    // Yes spellings listed as true, the rest (blank included) false.
    'attributes.flat_fee': { Yes: true, Y: true, TRUE: true, x: true, '1': true, Listed: true, Eligible: true, '*': false },
    // Only ever "no": listed false, the rest true.
    'attributes.tl_eligible': { No: false, 'n/a': false, 'Not Eligible': false, Ineligible: false, FALSE: false, N: false, '0': false, 'Not Listed': false, '*': true },
    // Free text is no flag column; a column of yes spellings is one, whatever its name.
    'attributes.lead_source': { Y: true, x: true, '1': true, listed: true, eligible: true, '*': false },
    agents: { House: null, Office: null, None: null, Company: null, 'The House': null, 'N/A': null, house: null },
  });
  // Both yes and no spellings: the yes ones are listed.
  assert.deepEqual(suggestMapping(['Flat Fee'], [['Yes'], ['No'], ['']]).mapping.values, { 'attributes.flat_fee': { Yes: true, '*': false } });
  // No samples, or only blanks, or one value that is neither: no values map at all.
  assert.equal(suggestMapping(headers).mapping.values, undefined);
  assert.equal(suggestMapping(['Flat Fee'], [[''], ['']]).mapping.values, undefined);
  assert.equal(suggestMapping(['Flat Fee'], [['Yes'], ['maybe']]).mapping.values, undefined);
});

test('unmapped headers are trimmed and blank ones left out; mapped headers are given trimmed', () => {
  const { mapping, unmapped } = suggestMapping(['  GP ', '', ' Title Co. ', '   ', 'Notes']);
  assert.deepEqual(mapping.columns, { gp: 'GP' });
  assert.deepEqual(unmapped, ['Title Co.', 'Notes']);
  assert.deepEqual(suggestMapping([]), { mapping: { columns: {} }, unmapped: [] });
});
