/**
 * The monthly report's statements: from payee lines in cents to JSON amounts and percentages, and
 * the CSV written from them, byte for byte. Expected values worked by hand in the comments
 * (the mutation run over src/domain/reports found these untested but for formula escaping).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { statementsCsv, statementsOf, type PayeeLine } from '../../src/domain/reports/statements.js';

const agent: PayeeLine = { payeeType: 'agent', name: 'Kyle Singer', agentType: 'acq', manager: 'Dana Brooks', market: 'Phoenix, AZ', gp: 9_200_050, deals: 7, terminations: 1, commission: 740_005 };
const manager: PayeeLine = { payeeType: 'manager', name: 'Dana Brooks', agentType: null, manager: null, market: null, gp: null, deals: null, terminations: null, commission: -25_000 };

test('statementsOf: cents become amounts, commission % of GP with one decimal, null without GP', () => {
  assert.deepEqual(statementsOf([agent, manager]), [
    // 7,400.05 / 92,000.50 = 8.0435…% → 8.0
    { payee_type: 'agent', name: 'Kyle Singer', agent_type: 'acq', manager: 'Dana Brooks', market: 'Phoenix, AZ', gp: 92000.5, deals: 7, terminations: 1, commission: 7400.05, commission_pct: 8 },
    { payee_type: 'manager', name: 'Dana Brooks', agent_type: null, manager: null, market: null, gp: null, deals: null, terminations: null, commission: -250, commission_pct: null },
  ]);
  assert.deepEqual(statementsOf([{ ...agent, gp: 1_000_000, commission: 143_333 }]).map((s) => s.commission_pct), [14.3]);
  assert.deepEqual(statementsOf([]), []);
});

test('statementsCsv: a header, one CRLF row per payee, empty cells for what is absent, amounts with 2 decimals and % with 1', () => {
  const csv = statementsCsv('2025-09', statementsOf([agent, manager]));
  assert.equal(
    csv,
    'month,payee_type,name,agent_type,manager,market,gp,deals,terminations,commission,commission_pct\r\n' +
      '2025-09,agent,Kyle Singer,acq,Dana Brooks,"Phoenix, AZ",92000.50,7,1,7400.05,8.0\r\n' +
      '2025-09,manager,Dana Brooks,,,,,,,-250.00,\r\n',
  );
  assert.equal(statementsCsv('2025-09', []), 'month,payee_type,name,agent_type,manager,market,gp,deals,terminations,commission,commission_pct\r\n');
  // A zero is written, not left empty.
  assert.match(statementsCsv('2025-09', statementsOf([{ ...agent, deals: 0, terminations: 0, gp: 0, commission: 0 }])), /,0\.00,0,0,0\.00,/);
});
