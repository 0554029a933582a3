import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { planInForce, validatePlan, type PlanDefinition, type PlanVersion } from '../../src/domain/plans/definition.js';
import { compilePlan, PlanDefinitionError } from '../../src/domain/plans/compiled.js';
import { formatMicroCents, formatRate, parseRate } from '../../src/domain/plans/units.js';
import { CONTRACT_PLAN } from './plans-support.js';

function pointers(input: unknown): string[] {
  return validatePlan(input).map((issue) => issue.pointer);
}

function withTiers(brackets: unknown[], measure = 'gp'): unknown {
  return { ...CONTRACT_PLAN, tiers: { measure, mode: 'graduated', brackets } };
}

describe('validatePlan', () => {
  it("accepts the contract's minimum plan", () => {
    assert.deepEqual(validatePlan(CONTRACT_PLAN), []);
  });

  it('accepts a plan using every component', () => {
    const plan: PlanDefinition = {
      name: 'Everything',
      applies_to: ['acq', 'dispo', 'manager'],
      agents: ['Kyle Singer'],
      basis: 'deal',
      tiers: { measure: 'gp', mode: 'retroactive', brackets: [{ up_to: 10000, rate: '0.1' }, { up_to: null, rate: 0.05 }] },
      components: [
        { type: 'tiers', measure: 'deals', mode: 'graduated', brackets: [{ up_to: 5, rate: 100 }, { up_to: null, rate: 150.5 }] },
        { type: 'rate', measure: 'team_gp', rate: 0.001 },
        { type: 'per_deal', amount: 250 },
        { type: 'limit', scope: 'deal', min: 100, max: 5000 },
        { type: 'limit', scope: 'period', max: 20000 },
        { type: 'split', shares: { acq: 0.6, dispo: 0.4 } },
        { type: 'override', of: 'team_commission', rate: 0.1, label: 'Team override' },
        { type: 'bonus', measure: 'deals', at_least: 10, amount: 1000 },
        { type: 'clawback', method: 'rate', rate: 0.1 },
        { type: 'draw', amount: 3000 },
        { type: 'formula', expression: 'ytd_gp > 100000 ? gp * 0.01 : 0' },
      ],
    };
    assert.deepEqual(validatePlan(plan), []);
  });

  it('points at brackets that do not ascend', () => {
    assert.deepEqual(pointers(withTiers([{ up_to: 50000, rate: 0.1 }, { up_to: 40000, rate: 0.08 }, { up_to: null, rate: 0.05 }])), [
      '/tiers/brackets/1/up_to',
    ]);
    assert.deepEqual(pointers(withTiers([{ up_to: 50000, rate: 0.1 }, { up_to: 50000, rate: 0.08 }, { up_to: null, rate: 0.05 }])), [
      '/tiers/brackets/1/up_to',
    ]);
  });

  it('requires the last bracket, and only the last, to be open-ended', () => {
    assert.deepEqual(pointers(withTiers([{ up_to: 50000, rate: 0.1 }])), ['/tiers/brackets/0/up_to']);
    assert.deepEqual(pointers(withTiers([{ up_to: null, rate: 0.1 }, { up_to: null, rate: 0.08 }])), ['/tiers/brackets/0/up_to']);
    assert.deepEqual(pointers(withTiers([])), ['/tiers/brackets']);
  });

  // The contract's second round raised rates from 6 to 12 decimals (CONTRACT.md, "Plan definition, extended").
  it('keeps rates within 0..1 and at most 12 decimals', () => {
    assert.deepEqual(pointers(withTiers([{ up_to: null, rate: 1.5 }])), ['/tiers/brackets/0/rate']);
    assert.deepEqual(pointers(withTiers([{ up_to: null, rate: -0.1 }])), ['/tiers/brackets/0/rate']);
    assert.deepEqual(pointers(withTiers([{ up_to: null, rate: 0.1234567890123 }])), ['/tiers/brackets/0/rate']);
    assert.deepEqual(pointers(withTiers([{ up_to: null, rate: 0.12345678901 }])), []);
    assert.deepEqual(pointers(withTiers([{ up_to: null, rate: '0.123456' }])), []);
    assert.deepEqual(pointers(withTiers([{ up_to: null, rate: 1 }])), []);
  });

  it('reads bounds as amounts with 2 decimals, or whole counts on deals', () => {
    assert.deepEqual(pointers(withTiers([{ up_to: 100.001, rate: 0.1 }, { up_to: null, rate: 0.1 }])), ['/tiers/brackets/0/up_to']);
    assert.deepEqual(pointers(withTiers([{ up_to: 2.5, rate: 100 }, { up_to: null, rate: 150 }], 'deals')), ['/tiers/brackets/0/up_to']);
    assert.deepEqual(pointers(withTiers([{ up_to: 2, rate: 100 }, { up_to: null, rate: 150 }], 'deals')), []);
  });

  it('refuses unknown properties instead of ignoring a typo', () => {
    assert.deepEqual(pointers({ ...CONTRACT_PLAN, basiss: 'month' }), ['/basiss']);
    assert.deepEqual(pointers(withTiers([{ upto: null, rate: 0.1 }])), ['/tiers/brackets/0/upto', '/tiers/brackets/0/up_to']);
  });

  it('checks the top level', () => {
    assert.deepEqual(pointers(null), ['']);
    assert.deepEqual(pointers({ ...CONTRACT_PLAN, name: ' ' }), ['/name']);
    assert.deepEqual(pointers({ ...CONTRACT_PLAN, applies_to: [] }), ['/applies_to']);
    assert.deepEqual(pointers({ ...CONTRACT_PLAN, applies_to: ['acq', 'acq'] }), ['/applies_to/1']);
    assert.deepEqual(pointers({ ...CONTRACT_PLAN, applies_to: ['broker'] }), ['/applies_to/0']);
    assert.deepEqual(pointers({ ...CONTRACT_PLAN, basis: 'week' }), ['/basis']);
    assert.deepEqual(pointers({ ...CONTRACT_PLAN, agents: [] }), ['/agents']);
    assert.deepEqual(pointers({ ...CONTRACT_PLAN, agents: ['A', 'A'] }), ['/agents/1']);
    assert.deepEqual(pointers({ name: 'Nothing', applies_to: ['acq'], basis: 'month' }), ['']);
  });

  it('checks component rules', () => {
    const plan = (components: unknown[], extra: object = {}) => ({ ...CONTRACT_PLAN, ...extra, components });
    assert.deepEqual(pointers(plan([{ type: 'override', of: 'team_gp', rate: 0.01 }])), ['/components/0']);
    assert.deepEqual(pointers(plan([{ type: 'override', of: 'team_gp', rate: 0.01 }], { applies_to: ['manager'] })), []);
    assert.deepEqual(pointers(plan([{ type: 'limit', scope: 'deal', max: 100 }])), ['/components/0/scope']);
    assert.deepEqual(pointers(plan([{ type: 'limit', scope: 'period', min: 200, max: 100 }])), ['/components/0/min']);
    assert.deepEqual(pointers(plan([{ type: 'limit', scope: 'period' }])), ['/components/0']);
    assert.deepEqual(pointers(plan([{ type: 'draw', amount: 100 }, { type: 'draw', amount: 200 }])), ['/components/1']);
    assert.deepEqual(pointers(plan([{ type: 'draw', amount: 0 }])), ['/components/0/amount']);
    assert.deepEqual(pointers(plan([{ type: 'split', shares: { acq: 0.7, dispo: 0.4 } }])), ['/components/0/shares']);
    assert.deepEqual(pointers(plan([{ type: 'clawback', method: 'rate' }])), ['/components/0/rate']);
    assert.deepEqual(pointers(plan([{ type: 'bonus', measure: 'deals', at_least: 9.5, amount: 100 }])), ['/components/0/at_least']);
    assert.deepEqual(pointers(plan([{ type: 'per_deal', amount: 1.234 }])), ['/components/0/amount']);
    assert.deepEqual(pointers(plan([{ type: 'mystery' }])), ['/components/0/type']);
  });

  it('reports a formula error with its position', () => {
    const issues = validatePlan({ ...CONTRACT_PLAN, components: [{ type: 'formula', expression: 'gp * 0.1 + bogus' }] });
    assert.equal(issues.length, 1);
    assert.equal(issues[0]?.pointer, '/components/0/expression');
    assert.equal(issues[0]?.position, 11);
    assert.match(issues[0]?.message ?? '', /Unknown name 'bogus'.*character 12/);
  });

  it('compilePlan refuses an invalid definition with the issues', () => {
    assert.throws(
      () => compilePlan({ ...CONTRACT_PLAN, basis: 'week' } as unknown as PlanDefinition),
      (error: unknown) => error instanceof PlanDefinitionError && error.issues[0]?.pointer === '/basis',
    );
  });
});

describe('planInForce', () => {
  const v = (effective_from: string, name: string): PlanVersion => ({ effective_from, definition: { ...CONTRACT_PLAN, name } });
  const versions = [v('2025-03', 'March'), v('2024-10', 'October'), v('2025-03', 'March, corrected')];

  it('takes the latest version effective on or before the month', () => {
    assert.equal(planInForce(versions, '2024-09'), null);
    assert.equal(planInForce(versions, '2024-10')?.definition.name, 'October');
    assert.equal(planInForce(versions, '2025-02')?.definition.name, 'October');
    assert.equal(planInForce(versions, '2025-03')?.definition.name, 'March, corrected');
    assert.equal(planInForce(versions, '2030-01')?.definition.name, 'March, corrected');
  });
});

describe('exact units', () => {
  it('reads rates through their decimal text', () => {
    assert.equal(parseRate(0.1), 100_000n);
    assert.equal(parseRate(0.08), 80_000n);
    assert.equal(parseRate('0.123456'), 123_456n);
    assert.equal(parseRate('0.10000000'), 100_000n);
    assert.equal(parseRate(0.1 + 0.2), null);
    assert.equal(parseRate(1e-7), null);
    assert.equal(parseRate('abc'), null);
    assert.equal(parseRate(Number.NaN), null);
  });

  it('formats rates and micro-cents', () => {
    assert.equal(formatRate(80_000n), '8%');
    assert.equal(formatRate(125_000n), '12.5%');
    assert.equal(formatRate(15n), '0.0015%');
    assert.equal(formatMicroCents(500_000_080_000n), '5000.00080000');
    assert.equal(formatMicroCents(-1n), '-0.00000001');
  });
});
