/** Mapping validation (a pointer per problem) and the mapping suggested from a realistic header row. */
import assert from 'node:assert/strict';
import test from 'node:test';
import { validateMapping } from '../../src/domain/closings/mapping-check.js';
import { suggestMapping } from '../../src/domain/closings/suggest-mapping.js';

const pointers = (input: unknown) => {
  const checked = validateMapping(input);
  return checked.ok ? [] : checked.errors.map((error) => error.pointer);
};

test("the contract's example mapping is valid", () => {
  const mapping = {
    sheet: 'Dispo Closings',
    columns: {
      property: 'Property Address', gp: 'Gross Profit', assignment_fee: 'Assignment Fee', transactions: 'Trx #', date: 'dispo closing date',
      'sides.acq.agent': 'Acq Agent', 'sides.acq.manager': 'Acq Manager', 'sides.dispo.agent': 'Dispo Agent', 'sides.dispo.manager': 'Dispo Manager',
      'attributes.flat_fee': 'FlatFee Listed', 'attributes.tl_eligible': 'TL Eligibility',
    },
    values: { 'attributes.flat_fee': { YES: true, '*': false }, 'attributes.tl_eligible': { No: false, '*': true }, agents: { 'Ex Rebuilt': null } },
  };
  assert.deepEqual(validateMapping(mapping), { ok: true, mapping });
});

test('every problem of a mapping at once, each with its pointer', () => {
  const checked = validateMapping({
    sheet: '',
    delimiter: '|',
    decimal: ',',
    extra: 1,
    columns: {
      property: 'Address',
      'sides.broker.agent': 'Broker',
      'sides.acq.role': 'Role',
      'attributes.flat fee': 'Flat',
      'attributes.a/b': 'AB',
      market: 'address ',
      date: '',
      status: 'Status',
      transactions: 'Trx',
      'sides.acq.agent': 'Acq',
    },
    values: {
      status: { x: 'open', y: 'terminated' },
      transactions: { memo: 0.5 },
      'sides.acq.agent': { house: 5 },
      agents: { 'Ex Rebuilt': null, ' ex  rebuilt ': 'Someone' },
      'attributes.tl_eligible': { No: false },
      bogus: {},
      managers: [],
    },
  });
  assert.equal(checked.ok, false);
  assert.deepEqual(
    !checked.ok && checked.errors,
    [
      { pointer: '/extra', message: 'is not a mapping member (sheet, delimiter, decimal, columns, values)' },
      { pointer: '/sheet', message: 'must be a sheet name (1 to 31 characters, as Excel allows)' },
      { pointer: '/delimiter', message: 'must be ",", ";" or a tab' },
      { pointer: '/columns/sides.broker.agent', message: '"sides.broker.agent" is not a field: use id, date, property, market, gp, assignment_fee, transactions, status, sides.<acq|dispo>.<agent|manager|credit> or attributes.<name>' },
      { pointer: '/columns/sides.acq.role', message: '"sides.acq.role" is not a field: use id, date, property, market, gp, assignment_fee, transactions, status, sides.<acq|dispo>.<agent|manager|credit> or attributes.<name>' },
      { pointer: '/columns/attributes.flat fee', message: '"attributes.flat fee" is not a field: use id, date, property, market, gp, assignment_fee, transactions, status, sides.<acq|dispo>.<agent|manager|credit> or attributes.<name>' },
      { pointer: '/columns/attributes.a~1b', message: '"attributes.a/b" is not a field: use id, date, property, market, gp, assignment_fee, transactions, status, sides.<acq|dispo>.<agent|manager|credit> or attributes.<name>' },
      { pointer: '/columns/market', message: 'column "address " already feeds property' },
      { pointer: '/columns/date', message: 'must be a column header (1 to 200 characters)' },
      { pointer: '/columns/gp', message: 'is required: every closing needs its gross profit' },
      { pointer: '/values/status/x', message: 'must be "closed", "terminated" or null' },
      { pointer: '/values/transactions/memo', message: 'must be a whole number of 0 or more' },
      { pointer: '/values/sides.acq.agent/house', message: 'must be a name or null (null is the house, no payee)' },
      { pointer: '/values/agents/ ex  rebuilt ', message: 'matches the same cells as "Ex Rebuilt" (texts match trimmed and case-insensitively)' },
      { pointer: '/values/attributes.tl_eligible', message: 'no column feeds attributes.tl_eligible: map it in columns first' },
      { pointer: '/values/bogus', message: '"bogus" is not a mapped field, "agents" or "managers"' },
      { pointer: '/values/managers', message: 'must be an object of cell text → value' },
    ],
  );
});

test('a decimal comma needs a ";" or tab separator; a mapping must be an object with columns', () => {
  assert.deepEqual(pointers({ decimal: ',', columns: { gp: 'GP' } }), ['/decimal']);
  assert.deepEqual(pointers({ delimiter: ';', decimal: ',', columns: { gp: 'GP' } }), []);
  assert.deepEqual(pointers({ delimiter: '\t', decimal: ',', columns: { gp: 'GP' } }), []);
  assert.deepEqual(pointers([]), ['']);
  assert.deepEqual(pointers({}), ['/columns']);
  assert.deepEqual(pointers({ columns: { gp: 'GP' }, values: { gp: { 'n/a': 0.001 } } }), ['/values/gp/n~1a']);
});

test('a realistic header row: every field from its synonym, the rest left for the user', () => {
  const headers = [
    'Deal #', 'Property Address', 'Market', 'Dispo Closing Date', 'Assignment Fee', 'GP', 'Trx #', 'Acquisitions', 'Acq Team Lead',
    'Dispositions', 'Dispo TL', 'FlatFee Listed', 'TL Eligibility', 'Exit Strategy', 'Title Company', '', '',
  ];
  const samples = [
    ['R-1', '5118 Reno St', 'Philadelphia, PA', '9/30/25', '$6,000', '$6,000', '1', 'Steve Shelburne', 'Devin Buford', 'Vincent Gnapi', 'Maegan Grace', 'YES', 'Yes', 'Assignment', 'Keystone'],
    ['R-2', '77 Elm Ave', 'Camden, NJ', '9/12/25', '', '$1,234.50', '0', 'House', '', 'Vincent Gnapi', 'Maegan Grace', '', 'No', 'Novation', 'Keystone'],
  ];
  const { mapping, unmapped } = suggestMapping(headers, samples);
  assert.deepEqual(mapping.columns, {
    id: 'Deal #',
    property: 'Property Address',
    market: 'Market',
    date: 'Dispo Closing Date',
    assignment_fee: 'Assignment Fee',
    gp: 'GP',
    transactions: 'Trx #',
    'sides.acq.agent': 'Acquisitions',
    'sides.acq.manager': 'Acq Team Lead',
    'sides.dispo.agent': 'Dispositions',
    'sides.dispo.manager': 'Dispo TL',
    'attributes.flat_fee': 'FlatFee Listed',
    'attributes.tl_eligible': 'TL Eligibility',
    'attributes.exit_strategy': 'Exit Strategy',
  });
  assert.deepEqual(mapping.values, {
    'attributes.flat_fee': { YES: true, '*': false },
    'attributes.tl_eligible': { Yes: true, '*': false },
    agents: { House: null },
  });
  assert.deepEqual(unmapped, ['Title Company']);
  assert.ok(validateMapping(mapping).ok);
});

test('synonyms: "Net", "Acq Agent", "Transactions", "Close Date"; word rules for headers no synonym names', () => {
  const { mapping } = suggestMapping(['Address', 'Net', 'Transactions', 'Close Date', 'Acq Agent', 'Acquisitions Rep (Closer)', 'Dispo Manager', 'Gross Profit %']);
  assert.deepEqual(mapping.columns, {
    property: 'Address',
    gp: 'Net',
    transactions: 'Transactions',
    date: 'Close Date',
    'sides.acq.agent': 'Acq Agent',
    'sides.dispo.manager': 'Dispo Manager',
  });
  // "Gross Profit" beats "Net" when both are there.
  assert.equal(suggestMapping(['Net', 'Gross Profit']).mapping.columns.gp, 'Gross Profit');
  assert.equal(suggestMapping(['Acquisitions Rep (Closer)', 'Amount']).mapping.columns['sides.acq.agent'], 'Acquisitions Rep (Closer)');
  // A flag column that only ever says No is true otherwise (the contract's TL Eligibility).
  assert.deepEqual(suggestMapping(['GP', 'TL Eligibility'], [['1', 'No'], ['2', '']]).mapping.values, { 'attributes.tl_eligible': { No: false, '*': true } });
});
