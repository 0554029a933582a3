/**
 * The import validator never throws, whatever it is given: `validateBody` answers ok or field
 * errors with JSON pointers for any JSON value, and `checkMonth` answers errors or totals for any
 * document the schema lets through — including near-valid ones with odd names, amounts, dates and
 * cross-references, which are the documents that reach it in production.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { validateBody } from '../../src/http/schemas/validate.js';
import { CommissionMonthSchema, type CommissionMonthBody } from '../../src/schemas/commission-month.js';
import { checkMonth } from '../../src/domain/imports/check.js';
import type { CommissionMonth } from '../../src/domain/imports/format.js';

const today = new Date('2025-10-15T12:00:00Z');
const RUNS = 400;

const names = fc.oneof(
  fc.constantFrom('Ada Quill', 'Bo Tran', 'Mona Reyes', 'ada quill', ' Ada Quill ', '=cmd', '__proto__', 'constructor', '\u0000', '\ud800', '💸'),
  fc.string({ minLength: 0, maxLength: 20 }),
);
const amounts = fc.oneof(
  fc.double({ noNaN: false }),
  fc.integer({ min: -1e12, max: 1e12 }),
  fc.constantFrom(0, -0, 0.1 + 0.2, 1e12, -1e12, 1e12 + 0.01, 0.005, 92000.999, Number.MAX_SAFE_INTEGER, Number.EPSILON),
);
const counts = fc.oneof(fc.nat({ max: 2_000_000 }), fc.constantFrom(-1, 0.5, 1e9));
const months = fc.oneof(
  fc.constantFrom('2025-09', '2025-13', '0000-01', '1000-01', '9999-12', '2025-9', '2100-01', ''),
  fc.string({ maxLength: 10 }),
);
const dates = fc.oneof(fc.constantFrom('2025-09-14', '2025-09-31', '2025-02-29', '2024-02-29', '0000-00-00', '2025-10-01'), fc.string({ maxLength: 12 }));
const agentTypes = fc.oneof(fc.constantFrom('acq', 'dispo'), fc.string({ maxLength: 6 }));

const agent = fc.record(
  { name: names, type: agentTypes, gp: amounts, deals: counts, commission: amounts, terminations: counts, market: names, manager: names },
  { requiredKeys: ['name', 'type', 'gp', 'deals', 'commission'] },
);
const manager = fc.record({ name: names, gp: amounts, commission: amounts, team: fc.array(names, { maxLength: 6 }) }, { requiredKeys: ['name', 'commission'] });
const deal = fc.record(
  { id: fc.string({ maxLength: 12 }), date: dates, agent: names, type: agentTypes, market: names, gp: amounts, status: fc.oneof(fc.constantFrom('closed', 'terminated'), fc.string({ maxLength: 4 })) },
  { requiredKeys: ['id', 'date', 'agent', 'type', 'gp', 'status'] },
);
const metadata = fc.record({ total_gp: amounts, total_transactions: counts, commission_pct: amounts }, { requiredKeys: [] });
/** Documents shaped like imports, near enough to valid that many pass the schema. */
const nearDocument = fc.record(
  { month: months, metadata, agents: fc.array(agent, { maxLength: 8 }), managers: fc.array(manager, { maxLength: 3 }), deals: fc.array(deal, { maxLength: 10 }) },
  { requiredKeys: ['month', 'agents'] },
);

// Schema-shaped documents: right types and bounds, values chosen to upset the cross-checks
// (decimals, duplicates, dangling managers and team members, deals outside the month, odd dates).
const validName = fc.oneof(fc.constantFrom('Ada Quill', 'Bo Tran', 'Mona Reyes', 'ada quill', '=cmd', '__proto__', 'constructor', 'toString', '💸'), fc.string({ minLength: 1, maxLength: 12 }).filter((text) => /\S/.test(text)));
const validAmount = fc.oneof(fc.integer({ min: -1e12, max: 1e12 }), fc.double({ min: -1e12, max: 1e12, noNaN: true }), fc.constantFrom(0, 0.1 + 0.2, 0.005, 12.34, -250));
const validCount = fc.nat({ max: 1_000_000 });
const validMonth = fc.constantFrom('2025-09', '1000-01', '9999-12', '2100-01', '2024-02');
const validDate = fc.oneof(fc.constantFrom('2025-09-14', '2025-09-31', '2024-02-29', '2025-02-29', '9999-12-31', '1000-01-01', '0000-00-00'), fc.stringMatching(/^[0-9]{4}-[0-9]{2}-[0-9]{2}$/));
const validType = fc.constantFrom('acq', 'dispo');
const schemaDocument = fc.record(
  {
    month: validMonth,
    metadata: fc.record({ total_gp: validAmount, total_transactions: fc.nat({ max: 10_000_000 }), commission_pct: fc.double({ min: -1000, max: 1000, noNaN: true }) }, { requiredKeys: [] }),
    agents: fc.array(
      fc.record({ name: validName, type: validType, gp: validAmount, deals: validCount, commission: validAmount, terminations: validCount, market: validName, manager: validName }, { requiredKeys: ['name', 'type', 'gp', 'deals', 'commission'] }),
      { maxLength: 8 },
    ),
    managers: fc.array(fc.record({ name: validName, gp: validAmount, commission: validAmount, team: fc.array(validName, { maxLength: 5 }) }, { requiredKeys: ['name', 'commission'] }), { maxLength: 3 }),
    deals: fc.array(
      fc.record({ id: fc.string({ minLength: 1, maxLength: 6 }), date: validDate, agent: validName, type: validType, market: validName, gp: validAmount, status: fc.constantFrom('closed', 'terminated') }, { requiredKeys: ['id', 'date', 'agent', 'type', 'gp', 'status'] }),
      { maxLength: 10 },
    ),
  },
  { requiredKeys: ['month', 'agents'] },
);

describe('import validator under fuzzing', () => {
  it('validateBody never throws for any JSON value, and reports errors as pointers', () => {
    fc.assert(
      fc.property(fc.oneof(fc.jsonValue(), nearDocument), (value) => {
        const result = validateBody<CommissionMonthBody>(CommissionMonthSchema, value);
        if (!result.ok) {
          assert.ok(result.errors.length > 0);
          for (const error of result.errors) {
            assert.equal(typeof error.pointer, 'string');
            assert.ok(error.pointer === '' || error.pointer.startsWith('/'), error.pointer);
            assert.equal(typeof error.message, 'string');
          }
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('checkMonth never throws for a document the schema accepts', () => {
    let checked = 0;
    fc.assert(
      fc.property(schemaDocument, fc.double({ min: 0, max: 1, noNaN: true }), (value, threshold) => {
        const valid = validateBody<CommissionMonthBody>(CommissionMonthSchema, structuredClone(value));
        if (!valid.ok) return;
        checked += 1;
        const result = checkMonth(valid.value as CommissionMonth, { terminationThreshold: threshold, today });
        assert.equal(typeof result, 'object');
      }),
      { numRuns: RUNS * 3 },
    );
    assert.ok(checked > RUNS, `only ${checked} documents got past the schema: the generator is too far from valid`);
  });

  it('checkMonth never throws even for documents the schema would refuse', () => {
    fc.assert(
      fc.property(nearDocument, (value) => {
        try {
          checkMonth(value as unknown as CommissionMonth, { today });
        } catch (error) {
          // Only a TypeError from a wrongly typed field that the schema guarantees is acceptable.
          assert.ok(error instanceof TypeError, String(error));
        }
      }),
      { numRuns: RUNS },
    );
  });
});
