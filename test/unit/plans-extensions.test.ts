/**
 * The plan language's second-round extensions (CONTRACT.md, "Plan definition, extended"):
 * validation with pointers, and what the payee-level engine does with them.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { calculateStatements } from '../../src/domain/plans/calculate.js';
import { PlanDefinitionError } from '../../src/domain/plans/compiled.js';
import { validatePlan, type PlanDefinition } from '../../src/domain/plans/definition.js';
import { compileFormula } from '../../src/domain/plans/formula.js';
import { Exact } from '../../src/domain/plans/exact.js';
import { agent, month, only } from './plans-support.js';

const base = (extra: Record<string, unknown>) => ({ name: 'P', applies_to: ['acq'], basis: 'month', ...extra });
const pointers = (definition: unknown) => validatePlan(definition).map((issue) => issue.pointer);
const fromTiers = (brackets: unknown[], extra: Record<string, unknown> = {}) => base({ tiers: { measure: 'gp', mode: 'retroactive', brackets, ...extra } });

describe('validating the extensions', () => {
  it('accepts from bounds starting at 0 and ascending, and points at the ones that do not', () => {
    assert.deepEqual(pointers(fromTiers([{ from: 0, rate: 0.04 }, { from: 25000, rate: 0.06 }, { from: 50001, rate: 0.08 }])), []);
    assert.deepEqual(pointers(fromTiers([{ from: 10, rate: 0.04 }, { from: 25000, rate: 0.06 }])), ['/tiers/brackets/0/from']);
    assert.deepEqual(pointers(fromTiers([{ from: 0, rate: 0.04 }, { from: 0, rate: 0.06 }])), ['/tiers/brackets/1/from']);
    assert.deepEqual(pointers(fromTiers([{ from: 0, rate: 0.04 }, { up_to: null, rate: 0.06 }])), ['/tiers/brackets/1/up_to', '/tiers/brackets/1/from']);
  });

  it('takes rates to 12 decimals and as fractions, exactly', () => {
    assert.deepEqual(pointers(fromTiers([{ from: 0, rate: '0.00833333333' }])), []);
    assert.deepEqual(pointers(fromTiers([{ from: 0, rate: '2/3' }])), []);
    assert.deepEqual(pointers(fromTiers([{ from: 0, rate: '4/3' }])), ['/tiers/brackets/0/rate']);
    assert.deepEqual(pointers(fromTiers([{ from: 0, rate: '1/0' }])), ['/tiers/brackets/0/rate']);
  });

  it('needs rate_by on retroactive GP tiers, with rates per value', () => {
    const byFlat = [{ from: 0, rate: { false: 0.05, true: '0.033333' } }];
    assert.deepEqual(pointers(fromTiers(byFlat, { rate_by: 'flat_fee' })), []);
    assert.deepEqual(pointers(fromTiers(byFlat)), ['/tiers/brackets/0/rate']);
    assert.deepEqual(pointers(base({ tiers: { measure: 'gp', mode: 'graduated', rate_by: 'flat_fee', brackets: byFlat } })), ['/tiers/rate_by']);
    assert.deepEqual(pointers(fromTiers([{ from: 0, rate: { false: 1.5 } }], { rate_by: 'flat_fee' })), ['/tiers/brackets/0/rate/false']);
  });

  it('checks overrides with team scopes and tiers', () => {
    const lead = (override: Record<string, unknown>) => ({ name: 'L', applies_to: ['acq', 'manager'], basis: 'month', components: [{ type: 'override', of: 'team_gp', ...override }] });
    assert.deepEqual(pointers(lead({ team: { role: 'acq', where: { tl_eligible: true } }, tiers: { mode: 'retroactive', brackets: [{ from: 0, rate: 0.01 }] } })), []);
    assert.deepEqual(pointers(lead({ team: { role: 'seller' }, rate: 0.01 })), ['/components/0/team/role']);
    assert.deepEqual(pointers(lead({ rate: 0.01, tiers: { mode: 'retroactive', brackets: [{ from: 0, rate: 0.01 }] } })), ['/components/0/rate']);
    assert.deepEqual(pointers(lead({ team: { where: { 'bad name': [] } }, rate: 0.01 })), ['/components/0/team/where/bad name', '/components/0/team/where/bad name']);
  });

  it('checks exclusions and tier overrides', () => {
    const tiers = { measure: 'gp', mode: 'retroactive', brackets: [{ from: 0, rate: 0.04 }, { from: 25000, rate: 0.06 }] };
    assert.deepEqual(pointers(base({ tiers, exclude: ['House'], tier_overrides: [{ payee: 'Ana', bracket: 2, reason: 'promotion', from: '2025-09', to: '2025-12' }] })), []);
    assert.deepEqual(pointers(base({ tiers, agents: ['Ana'], exclude: ['Ana'] })), ['/exclude/0']);
    assert.deepEqual(
      pointers(base({ tiers, tier_overrides: [{ payee: 'Ana', bracket: 3, reason: '', from: '2025-12', to: '2025-09' }] })),
      ['/tier_overrides/0/reason', '/tier_overrides/0/bracket', '/tier_overrides/0/to'],
    );
  });

  it('knows the company and goal measures and formula variables', () => {
    assert.deepEqual(pointers(base({ components: [{ type: 'rate', measure: 'company_gp', rate: '0.00833333333' }, { type: 'rate', measure: 'company_transactions', rate: 12.5 }] })), []);
    const formula = compileFormula('(company_transactions >= goal_transactions ? 500 : 0) + transactions * 2');
    assert.ok(formula.ok);
    assert.deepEqual(formula.ok && formula.variables, ['company_transactions', 'goal_transactions', 'transactions']);
  });
});

describe('formulas in exact decimals', () => {
  it('evaluates without floating point', () => {
    const formula = compileFormula('gp * 0.1 + 0.2');
    assert.ok(formula.ok);
    const result = formula.ok ? formula.evaluateExact({ gp: new Exact('0.1') }) : null;
    // In floats 0.1 * 0.1 + 0.2 is 0.21000000000000002.
    assert.equal(result?.ok && result.value.toFixed(), '0.21');
  });
});

describe('the payee-level engine with the extensions', () => {
  it('pays from bounds as the equivalent up_to table', () => {
    const history = [month('2025-09', [agent('A', 'acq', 25000), agent('B', 'acq', 24999.99)])];
    const plan = fromTiers([{ from: 0, rate: 0.04 }, { from: 25000, rate: 0.06 }]) as unknown as PlanDefinition;
    const statements = calculateStatements(plan, history, '2025-09');
    // 25,000 has reached the 25,000 bracket: 6% = 1,500; 24,999.99 has not: 4% = 999.9996 → 1,000.00.
    assert.equal(only(statements, 'A').total, 150_000);
    assert.equal(only(statements, 'B').total, 100_000);
  });

  it('honours exclude', () => {
    const plan = base({ exclude: ['House'], components: [{ type: 'rate', measure: 'gp', rate: 0.1 }] }) as unknown as PlanDefinition;
    const statements = calculateStatements(plan, [month('2025-09', [agent('A', 'acq', 100), agent('House', 'acq', 100)])], '2025-09');
    assert.deepEqual(statements.map((statement) => statement.payee), ['A']);
  });

  it('refuses, with pointers, what only closings can pay', () => {
    const plan = fromTiers([{ from: 0, rate: { false: 0.05, true: '0.1/3' } }], { rate_by: 'flat_fee' }) as unknown as PlanDefinition;
    assert.throws(
      () => calculateStatements(plan, [month('2025-09', [agent('A', 'acq', 100)])], '2025-09'),
      (error: unknown) => error instanceof PlanDefinitionError && error.issues.map((issue) => issue.pointer).join() === '/tiers/rate_by',
    );
  });
});
