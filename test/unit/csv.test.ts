import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parse } from 'csv-parse/sync';
import fc from 'fast-check';
import { CSV_COLUMNS, MAX_CSV_ROWS, fromCsv, neutraliseCell, restoreCell, toCsv } from '../../src/domain/imports/csv.js';
import type { CommissionMonth, ImportAgent, ImportManager } from '../../src/domain/imports/format.js';
import { toAmount } from '../../src/domain/money.js';

const HEADER = 'month,payee_type,name,agent_type,manager,market,team,gp,deals,terminations,commission';

function csv(...rows: string[]): string {
  return [HEADER, ...rows].map((line) => `${line}\r\n`).join('');
}

const september: CommissionMonth = {
  month: '2025-09',
  metadata: { total_gp: 92000, total_transactions: 7, commission_pct: 8 },
  agents: [
    { name: 'Kyle Singer', type: 'acq', gp: 92000, deals: 7, commission: 7400, terminations: 1, market: 'Phoenix, AZ', manager: 'Mia Lopez' },
    { name: 'Dana Ruiz', type: 'dispo', gp: 0, deals: 0, commission: -250 },
  ],
  managers: [{ name: 'Mia Lopez', gp: 150000, commission: 3000.5, team: ['Kyle Singer', 'Dana Ruiz'] }],
  deals: [{ id: 'D-1', date: '2025-09-14', agent: 'Kyle Singer', type: 'acq', gp: 14000, status: 'closed' }],
};

describe('toCsv', () => {
  it('writes the documented columns, one row per payee, CRLF-terminated', () => {
    assert.equal(CSV_COLUMNS.join(','), HEADER);
    assert.equal(
      toCsv([september]),
      csv(
        '2025-09,agent,Kyle Singer,acq,Mia Lopez,"Phoenix, AZ",,92000.00,7,1,7400.00',
        '2025-09,agent,Dana Ruiz,dispo,,,,0.00,0,,-250.00',
        '2025-09,manager,Mia Lopez,,,,Kyle Singer;Dana Ruiz,150000.00,,,3000.50',
      ),
    );
  });

  it('writes just the header for no months', () => {
    assert.equal(toCsv([]), `${HEADER}\r\n`);
  });

  it('neutralises a formula after leading white space of any kind, and restores it exactly', () => {
    for (const space of [' ', '\t', '\u00A0', '\u200B', '\u200D', '\u2060', '\u3000', '\uFEFF', '  \u00A0\u200B']) {
      for (const start of ['=', '+', '-', '@', '\uFF1D']) {
        const cell = `${space}${start}HYPERLINK("http://x")`;
        assert.equal(neutraliseCell(cell), `'${cell}`, JSON.stringify(cell));
        assert.equal(restoreCell(neutraliseCell(cell)), cell);
      }
    }
    assert.equal(neutraliseCell(' Ada Quill'), ' Ada Quill', 'plain text after a space stays as it is');
  });

  it('neutralises text cells that a spreadsheet would run as formulas, never amounts', () => {
    const hostile: CommissionMonth = {
      month: '2025-09',
      agents: [
        { name: '=HYPERLINK("http://evil","x")', type: 'acq', gp: -250, deals: 1, commission: -1, market: '+1+1', manager: '-2+3' },
        { name: '@SUM(A1:A9)', type: 'acq', gp: 1, deals: 1, commission: 1, market: '\tcmd', manager: '\rx' },
        { name: '\nnewline', type: 'acq', gp: 1, deals: 1, commission: 1, market: 'a=b' },
      ],
      managers: [{ name: 'Boss', commission: 1, team: ['=evil', 'fine'] }],
    };
    assert.equal(
      toCsv([hostile]),
      csv(
        `2025-09,agent,"'=HYPERLINK(""http://evil"",""x"")",acq,'-2+3,'+1+1,,-250.00,1,,-1.00`,
        `2025-09,agent,'@SUM(A1:A9),acq,"'\rx",'\tcmd,,1.00,1,,1.00`,
        `2025-09,agent,"'\nnewline",acq,,a=b,,1.00,1,,1.00`,
        `2025-09,manager,Boss,,,,'=evil;fine,,,,1.00`,
      ),
    );
  });

  it('quotes a value that merely starts with a quote before a dangerous character once more', () => {
    assert.equal(neutraliseCell("'=x"), "''=x");
    assert.equal(neutraliseCell("'plain"), "'plain");
    assert.equal(neutraliseCell('plain'), 'plain');
    assert.equal(neutraliseCell('\uFF1D1+1'), "'\uFF1D1+1");
    assert.equal(restoreCell("''=x"), "'=x");
    assert.equal(restoreCell("'=x"), '=x');
    assert.equal(restoreCell("'plain"), "'plain");
    assert.equal(restoreCell("O'Brien"), "O'Brien");
  });
});

describe('fromCsv', () => {
  it('reads payees back into months, agents then managers', () => {
    const result = fromCsv(toCsv([september]));
    assert.deepEqual(result.errors, []);
    assert.deepEqual(result.months, [
      { month: '2025-09', agents: september.agents, managers: september.managers },
    ]);
  });

  it('groups rows by month in order of first appearance, and accepts LF files with a BOM', () => {
    const text =
      '\uFEFF' +
      [
        HEADER,
        '2025-10,manager,Mia,,,,,,,,10',
        '2025-09,agent,A,acq,,,,1,1,,1',
        '2025-10,agent,B,dispo,,,,2,2,0,2',
        '2025-09,agent,C,acq,,,,3,3,,3',
      ].join('\n');
    const result = fromCsv(text);
    assert.deepEqual(result.errors, []);
    assert.deepEqual(result.months, [
      {
        month: '2025-10',
        agents: [{ name: 'B', type: 'dispo', gp: 2, deals: 2, commission: 2, terminations: 0 }],
        managers: [{ name: 'Mia', commission: 10 }],
      },
      {
        month: '2025-09',
        agents: [
          { name: 'A', type: 'acq', gp: 1, deals: 1, commission: 1 },
          { name: 'C', type: 'acq', gp: 3, deals: 3, commission: 3 },
        ],
        managers: [],
      },
    ]);
  });


  it('reads each row of a file whose line ends are mixed (a CRLF header over LF rows, a CR)', () => {
    // Before, the first line's CRLF was taken for the whole file and the LF rows read as one record.
    const result = fromCsv(`${HEADER}\r\n2025-09,agent,A,acq,,,,1,1,,1\n2025-09,agent,B,acq,,,,2,2,,2\r2025-09,agent,C,acq,,,,3,3,,3\n`);
    assert.deepEqual(result.errors, []);
    assert.deepEqual(result.months.map((month) => month.agents.map((agent) => [agent.name, agent.gp])), [[['A', 1], ['B', 2], ['C', 3]]]);
  });
  it('accepts columns in any order and a blank month when the caller names it', () => {
    const text = 'name,payee_type,month,agent_type,manager,market,team,gp,deals,terminations,commission\r\nKyle,agent,,acq,,,,10.5,1,,1\r\n';
    assert.deepEqual(fromCsv(text, '2025-09'), {
      months: [{ month: '2025-09', agents: [{ name: 'Kyle', type: 'acq', gp: 10.5, deals: 1, commission: 1 }], managers: [] }],
      errors: [],
    });
    assert.deepEqual(fromCsv(text).errors, [{ pointer: '/rows/1/month', message: 'is required' }]);
  });

  it('reports missing, unknown and duplicate columns at /header', () => {
    const result = fromCsv('month,payee_type,name,agent_type,manager,market,team,gp,deals,commission,bonus,name\r\n');
    assert.deepEqual(result, {
      months: [],
      errors: [
        { pointer: '/header', message: "Unknown column 'bonus'" },
        { pointer: '/header', message: "Duplicate column 'name'" },
        { pointer: '/header', message: "Missing column 'terminations'" },
      ],
    });
    assert.equal(fromCsv('').errors[0]?.pointer, '/header');
  });

  it('reports every bad cell at /rows/N/column and imports nothing', () => {
    const result = fromCsv(
      csv(
        '2025-09,agent,Fine,acq,,,,1,1,,1',
        '2025-13,agent,,sales,,,x,"1,234",-1,1.5,',
        '2025-09,manager,M,acq,Boss,Phoenix,,$5,3,1,1e3',
        '2025-09,broker,X,,,,,,,,1',
        '2025-09,agent,Short',
      ),
    );
    assert.deepEqual(result.months, []);
    assert.deepEqual(result.errors, [
      { pointer: '/rows/2/month', message: "'2025-13' is not a real month (YYYY-MM)" },
      { pointer: '/rows/2/name', message: 'is required' },
      { pointer: '/rows/2/team', message: 'must be empty for an agent' },
      { pointer: '/rows/2/agent_type', message: "'sales' must be acq or dispo" },
      { pointer: '/rows/2/gp', message: "'1,234' is not an amount (digits, optional '-', at most 2 decimals, no separators)" },
      { pointer: '/rows/2/commission', message: 'is required' },
      { pointer: '/rows/2/deals', message: "'-1' is not a whole number" },
      { pointer: '/rows/2/terminations', message: "'1.5' is not a whole number" },
      { pointer: '/rows/3/agent_type', message: 'must be empty for a manager' },
      { pointer: '/rows/3/manager', message: 'must be empty for a manager' },
      { pointer: '/rows/3/market', message: 'must be empty for a manager' },
      { pointer: '/rows/3/deals', message: 'must be empty for a manager' },
      { pointer: '/rows/3/terminations', message: 'must be empty for a manager' },
      { pointer: '/rows/3/gp', message: "'$5' is not an amount (digits, optional '-', at most 2 decimals, no separators)" },
      { pointer: '/rows/3/commission', message: "'1e3' is not an amount (digits, optional '-', at most 2 decimals, no separators)" },
      { pointer: '/rows/4/payee_type', message: "'broker' must be agent or manager" },
      { pointer: '/rows/5', message: 'Expected 11 cells, found 3' },
    ]);
  });

  it('refuses a row for another month than the one being imported', () => {
    assert.deepEqual(fromCsv(csv('2025-08,agent,A,acq,,,,1,1,,1'), '2025-09').errors, [
      { pointer: '/rows/1/month', message: '2025-08 is not the month being imported (2025-09)' },
    ]);
    assert.deepEqual(fromCsv(csv(), '2025-9').errors, [{ pointer: '/month', message: "'2025-9' is not a real month (YYYY-MM)" }]);
  });

  it('removes the quote export added, and only that', () => {
    const result = fromCsv(csv(`2025-09,agent,'=1+1,acq,'-x,'plain,,1,1,,1`, `2025-09,manager,''@m,,,,'+a;b,,,,1`));
    assert.deepEqual(result.errors, []);
    assert.deepEqual(result.months[0]?.agents[0], { name: '=1+1', type: 'acq', gp: 1, deals: 1, commission: 1, market: "'plain", manager: '-x' });
    assert.deepEqual(result.months[0]?.managers?.[0], { name: "'@m", commission: 1, team: ['+a', 'b'] });
  });

  it('splits teams on unescaped semicolons, trimming members', () => {
    const result = fromCsv(csv(String.raw`2025-09,manager,M,,,,"A; B\;C ;; D\\",,,,1`));
    assert.deepEqual(result.months[0]?.managers?.[0]?.team, ['A', 'B;C', 'D\\']);
  });

  it('answers garbage with errors, never an exception', () => {
    for (const garbage of ['\u0000\u0001\u0002"', '"unclosed', 'just some words', '{"month":"2025-09"}', '\uFEFF', '\r\n\r\n']) {
      const result = fromCsv(garbage);
      assert.deepEqual(result.months, [], garbage);
      assert.ok(result.errors.length > 0, garbage);
    }
    const broken = fromCsv(csv('2025-09,agent,A,acq,,,,1,1,,1', '2025-09,agent,"B'));
    assert.equal(broken.errors[0]?.pointer, '/rows/2');
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), fc.option(fc.constant('2025-09'), { nil: undefined }), (text, month) => {
        const result = fromCsv(text, month);
        assert.ok(Array.isArray(result.errors) && Array.isArray(result.months));
      }),
    );
  });

  it('lists at most 1,000 errors, then says how many more there are', () => {
    // One error per row (a negative deal count), so N bad rows give exactly N errors.
    const bad = (n: number) => csv(...Array.from({ length: n }, () => '2025-09,agent,A,acq,,,,1,-1,,1'));
    const atCap = fromCsv(bad(1000)).errors;
    assert.equal(atCap.length, 1000);
    assert.deepEqual(atCap[999], { pointer: '/rows/1000/deals', message: "'-1' is not a whole number" });
    const over = fromCsv(bad(1003)).errors;
    assert.equal(over.length, 1001);
    assert.deepEqual(over[999], { pointer: '/rows/1000/deals', message: "'-1' is not a whole number" });
    assert.deepEqual(over[1000], { pointer: '', message: '…and 3 more errors' });
    assert.deepEqual(fromCsv(bad(1001)).errors[1000], { pointer: '', message: '…and 1 more error' });
  });

  it(`refuses more than ${MAX_CSV_ROWS} rows`, () => {
    const row = '2025-09,agent,A,acq,,,,1,1,,1\r\n';
    const atCap = HEADER + '\r\n' + row.repeat(MAX_CSV_ROWS);
    assert.equal(fromCsv(atCap).errors.length, 0);
    assert.deepEqual(fromCsv(atCap + row).errors, [{ pointer: '/rows', message: `Too many rows: at most ${MAX_CSV_ROWS} are accepted` }]);
  });
});

// ---------------------------------------------------------------------------------------------
// Round trip

/** Characters that stress quoting, neutralisation and the team separator, plus any Unicode. */
const unit = fc.oneof(
  fc.constantFrom('=', '+', '-', '@', ',', '"', '\n', '\r', '\t', "'", ';', '\\', ' ', '\uFF1D', '\uFEFF'),
  fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 }),
  fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
);
// Any Unicode that can be stored: U+0000 is refused on import (PostgreSQL cannot hold it), tested below.
const text = fc.string({ unit, minLength: 1, maxLength: 12 }).filter((s) => !s.includes('\u0000'));
const name = text.filter((s) => s.trim() !== '');
const member = text.filter((s) => s.trim() === s && s !== '');
const amount = fc.integer({ min: -(10 ** 15) + 1, max: 10 ** 15 - 1 }).map(toAmount);
const count = fc.nat({ max: 10_000 });

const agentArb: fc.Arbitrary<ImportAgent> = fc.record(
  {
    name,
    type: fc.constantFrom('acq' as const, 'dispo' as const),
    gp: amount,
    deals: count,
    commission: amount,
    terminations: count,
    market: text,
    manager: text,
  },
  { requiredKeys: ['name', 'type', 'gp', 'deals', 'commission'] },
);
const managerArb: fc.Arbitrary<ImportManager> = fc.record(
  { name, gp: amount, commission: amount, team: fc.array(member, { minLength: 1, maxLength: 4 }) },
  { requiredKeys: ['name', 'commission'] },
);
const monthArb: fc.Arbitrary<CommissionMonth> = fc.record(
  {
    month: fc.tuple(fc.integer({ min: 1990, max: 2099 }), fc.integer({ min: 1, max: 12 })).map(([y, m]) => `${y}-${String(m).padStart(2, '0')}`),
    agents: fc.array(agentArb, { maxLength: 6 }),
    managers: fc.array(managerArb, { maxLength: 3 }),
    metadata: fc.record({ total_gp: amount }),
  },
  { requiredKeys: ['month', 'agents'] },
);
const monthsArb = fc.uniqueArray(monthArb, { selector: (m) => m.month, maxLength: 3 });

/** What the CSV carries: payees only, an absent manager list read back as an empty one. */
function carried(months: readonly CommissionMonth[]): CommissionMonth[] {
  return months
    .filter((m) => m.agents.length + (m.managers?.length ?? 0) > 0)
    // fast-check builds records without a prototype; the reader builds plain objects.
    .map((m) => ({ month: m.month, agents: m.agents.map((a) => ({ ...a })), managers: (m.managers ?? []).map((x) => ({ ...x })) }));
}

describe('CSV round trip', () => {
  it('brings any valid set of months back unchanged through toCsv → fromCsv', () => {
    fc.assert(
      fc.property(monthsArb, (months) => {
        const result = fromCsv(toCsv(months));
        assert.deepEqual(result.errors, []);
        assert.deepEqual(result.months, carried(months));
      }),
      { numRuns: 300 },
    );
  });

  it('never lets a text cell start a formula in the written file', () => {
    const textColumns = ['month', 'name', 'manager', 'market', 'team'].map((c) => HEADER.split(',').indexOf(c));
    fc.assert(
      fc.property(monthsArb, (months) => {
        const rows = parse(toCsv(months), { from_line: 2 }) as string[][];
        for (const row of rows) {
          for (const i of textColumns) assert.doesNotMatch(row[i] ?? '', /^[=+\-@\t\r\n\uFF1D\uFF0B\uFF0D\uFF20]/);
          // Amounts stay plain numbers, negative ones included.
          for (const i of [7, 10]) assert.match(row[i] ?? '', /^(-?\d+\.\d\d)?$/);
        }
      }),
      { numRuns: 200 },
    );
  });
});
