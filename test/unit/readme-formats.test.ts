/**
 * The examples of README.md's "Import formats" are what the importers read: the payee JSON and CSV,
 * the closings JSON, and the closings CSV through the mapping shown beside it, each without an
 * error (and the JSON ones without a warning). Expected values are the README's own, by hand.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { checkClosingsMonth } from '../../src/domain/closings/check.js';
import type { ClosingsMonth } from '../../src/domain/closings/closing.js';
import { csvSheet } from '../../src/domain/closings/csv-sheet.js';
import { validateMapping } from '../../src/domain/closings/mapping-check.js';
import type { ImportMapping } from '../../src/domain/closings/mapping.js';
import { closingsFromSheet } from '../../src/domain/closings/sheet-closings.js';
import { checkMonth } from '../../src/domain/imports/check.js';
import { fromCsv } from '../../src/domain/imports/csv.js';
import type { CommissionMonth } from '../../src/domain/imports/format.js';

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
const section = readme.slice(readme.indexOf('## Import formats'), readme.indexOf('\n## ', readme.indexOf('## Import formats') + 1));
const blocks = [...section.matchAll(/```(json|csv)\n([\s\S]*?)```/g)].map((match) => ({ kind: match[1]!, text: match[2]! }));
const today = new Date('2025-10-15T12:00:00Z');

test('the section has its five examples: payee JSON and CSV, closings JSON, closings CSV and its mapping', () => {
  assert.deepEqual(blocks.map((block) => block.kind), ['json', 'csv', 'json', 'csv', 'json']);
});

test('the payee JSON imports without an error or a warning; the payee CSV reads as its rows say', () => {
  const month = JSON.parse(blocks[0]!.text) as CommissionMonth;
  const checked = checkMonth(month, { today });
  assert.deepEqual([checked.errors, checked.warnings], [[], []]);
  // 14,000.00 GP; commission 1,120.00 + 210.00.
  assert.deepEqual([checked.totals.gpCents, checked.totals.commissionCents], [1_400_000, 133_000]);

  const csv = fromCsv(blocks[1]!.text);
  assert.deepEqual(csv.errors, []);
  assert.deepEqual(csv.months, [
    {
      month: '2025-09',
      agents: [
        { name: 'Kyle Singer', type: 'acq', gp: 92000, deals: 7, commission: 7400, terminations: 1, market: 'Phoenix, AZ', manager: 'Dana Brooks' },
        { name: 'Maria Lopez', type: 'dispo', gp: 58000, deals: 5, commission: 4350, terminations: 0, market: 'Phoenix, AZ', manager: 'Dana Brooks' },
      ],
      managers: [{ name: 'Dana Brooks', commission: 3000, gp: 150000, team: ['Kyle Singer', 'Maria Lopez'] }],
    },
  ]);
  // The README says the template imports without a warning: the manager's team GP (150,000.00) is
  // her two agents' (92,000.00 + 58,000.00); commission 7,400.00 + 4,350.00 + 3,000.00.
  const template = checkMonth(csv.months[0]!, { today });
  assert.deepEqual([template.errors, template.warnings], [[], []]);
  assert.deepEqual([template.totals.gpCents, template.totals.commissionCents], [15_000_000, 1_475_000]);
});

test('the closings JSON is valid; the closings CSV through the mapping gives the two closings described', () => {
  const closings = checkClosingsMonth(JSON.parse(blocks[2]!.text) as ClosingsMonth, { today });
  assert.deepEqual([closings.errors, closings.warnings], [[], []]);

  const mapping = JSON.parse(blocks[4]!.text) as ImportMapping;
  assert.equal(validateMapping(mapping).ok, true);
  const read = closingsFromSheet(csvSheet(new TextEncoder().encode(blocks[3]!.text)), mapping, '2025-09');
  assert.deepEqual(read.errors, []);
  const [deal, memo] = read.document.closings;
  assert.deepEqual(deal!.sides.map((side) => [side.role, side.agent, side.manager]), [['acq', 'Steve Shelburne', 'Devin Buford'], ['dispo', 'Vincent Gnapi', 'Maegan Grace']]);
  assert.deepEqual([deal!.gp, deal!.attributes], [6000, { flat_fee: false }]);
  // The memo row: a clawback of GP, no transaction, flat fee "YES", its acq side only.
  assert.deepEqual([memo!.gp, memo!.transactions, memo!.attributes, memo!.sides.map((side) => side.role)], [-250, 0, { flat_fee: true }, ['acq']]);
});
