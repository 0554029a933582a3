import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  bracketAmount,
  bracketBases,
  bracketReached,
  graduatedSlices,
  type Bracket,
} from '../../src/domain/plans/brackets.js';
import { calculateStatements } from '../../src/domain/plans/calculate.js';
import { roundMicroCents } from '../../src/domain/plans/units.js';
import { CONTRACT_PLAN, agent, month } from './plans-support.js';

/** [50,000.00 @ 10%, rest @ 8%] in cents and micro-units. */
const CONTRACT: Bracket[] = [
  { upTo: 5_000_000n, rate: 100_000n },
  { upTo: null, rate: 80_000n },
];

/** Cents paid on a GP in cents, rounded once. */
function paid(gpCents: bigint, mode: 'graduated' | 'retroactive', brackets = CONTRACT): number {
  return roundMicroCents(bracketAmount(gpCents, brackets, mode));
}

describe('the contract example: 70,000 GP on [50,000 @ 0.10, null @ 0.08]', () => {
  it('pays 6,600.00 graduated and 5,600.00 retroactive', () => {
    assert.equal(paid(7_000_000n, 'graduated'), 660_000);
    assert.equal(paid(7_000_000n, 'retroactive'), 560_000);
  });

  it('gives the same totals through a statement', () => {
    const history = [month('2025-09', [agent('Kyle Singer', 'acq', 70000, { deals: 7 })])];
    const graduated = calculateStatements(CONTRACT_PLAN, history, '2025-09');
    assert.equal(graduated[0]?.total, 660_000);
    const retroactive = calculateStatements(
      { ...CONTRACT_PLAN, tiers: { ...CONTRACT_PLAN.tiers!, mode: 'retroactive' } },
      history,
      '2025-09',
    );
    assert.equal(retroactive[0]?.total, 560_000);
  });
});

describe('bracket boundaries (up_to is inclusive)', () => {
  it('exactly at the breakpoint stays in the first bracket', () => {
    assert.equal(bracketReached(5_000_000n, CONTRACT), 0);
    assert.equal(paid(5_000_000n, 'graduated'), 500_000);
    assert.equal(paid(5_000_000n, 'retroactive'), 500_000);
  });

  it('one cent above reaches the second bracket', () => {
    assert.equal(bracketReached(5_000_001n, CONTRACT), 1);
    // graduated: 5,000 + 0.01 × 0.08 = 5,000.0008 → 5,000.00
    assert.equal(bracketAmount(5_000_001n, CONTRACT, 'graduated'), 500_000_080_000n);
    assert.equal(paid(5_000_001n, 'graduated'), 500_000);
    // retroactive: 50,000.01 × 0.08 = 4,000.0008 → 4,000.00 (the cliff of retroactive plans)
    assert.equal(paid(5_000_001n, 'retroactive'), 400_000);
  });

  it('rounds the exact amount half-up to the cent once', () => {
    // 50,000.07: graduated 5,000.0056 → 5,000.01; retroactive 4,000.0056 → 4,000.01
    assert.equal(paid(5_000_007n, 'graduated'), 500_001);
    assert.equal(paid(5_000_007n, 'retroactive'), 400_001);
    // 0.05 × 10% = 0.005 exactly: half a cent rounds up
    assert.equal(paid(5n, 'graduated'), 1);
    // 0.04 × 10% = 0.004 rounds down
    assert.equal(paid(4n, 'graduated'), 0);
  });

  it('pays nothing on zero and the first rate on a negative measure', () => {
    assert.equal(paid(0n, 'graduated'), 0);
    assert.equal(paid(0n, 'retroactive'), 0);
    assert.equal(paid(-100_000n, 'graduated'), -10_000);
    assert.equal(paid(-100_000n, 'retroactive'), -10_000);
  });

  it('slices a three-bracket schedule', () => {
    const three: Bracket[] = [
      { upTo: 1_000_000n, rate: 150_000n },
      { upTo: 4_000_000n, rate: 100_000n },
      { upTo: null, rate: 50_000n },
    ];
    const slices = graduatedSlices(5_000_000n, three);
    assert.deepEqual(slices.map((slice) => slice.base), [1_000_000n, 3_000_000n, 1_000_000n]);
    // 10,000 × 15% + 30,000 × 10% + 10,000 × 5% = 1,500 + 3,000 + 500 = 5,000
    assert.equal(paid(5_000_000n, 'graduated', three), 500_000);
    assert.equal(paid(5_000_000n, 'retroactive', three), 250_000);
  });
});

/** A schedule with ascending bounds and rates in the given order. */
function schedule(rateOrder: 'declining' | 'rising') {
  return fc
    .tuple(
      fc.uniqueArray(fc.integer({ min: 1, max: 50_000_000 }), { minLength: 0, maxLength: 4 }),
      fc.array(fc.integer({ min: 0, max: 1_000_000 }), { minLength: 5, maxLength: 5 }),
    )
    .map(([bounds, rates]) => {
      const sortedBounds = [...bounds].sort((a, b) => a - b);
      const sortedRates = [...rates].sort((a, b) => (rateOrder === 'declining' ? b - a : a - b));
      return [
        ...sortedBounds.map((bound, i) => ({ upTo: BigInt(bound), rate: BigInt(sortedRates[i] ?? 0) })),
        { upTo: null, rate: BigInt(sortedRates[sortedBounds.length] ?? 0) },
      ] satisfies Bracket[];
    });
}
const measure = fc.bigInt({ min: 0n, max: 100_000_000n });

describe('bracket algebra', () => {
  it('graduated ≥ retroactive when rates decline', () => {
    fc.assert(
      fc.property(schedule('declining'), measure, (brackets, gp) => {
        assert.ok(bracketAmount(gp, brackets, 'graduated') >= bracketAmount(gp, brackets, 'retroactive'));
      }),
    );
  });

  it('graduated ≤ retroactive when rates rise', () => {
    fc.assert(
      fc.property(schedule('rising'), measure, (brackets, gp) => {
        assert.ok(bracketAmount(gp, brackets, 'graduated') <= bracketAmount(gp, brackets, 'retroactive'));
      }),
    );
  });

  it('graduated pay is monotone in GP for non-negative rates, whatever their order', () => {
    fc.assert(
      fc.property(fc.oneof(schedule('declining'), schedule('rising')), measure, measure, (brackets, a, b) => {
        const [low, high] = a <= b ? [a, b] : [b, a];
        assert.ok(bracketAmount(low, brackets, 'graduated') <= bracketAmount(high, brackets, 'graduated'));
      }),
    );
  });

  it('graduated slices add up to the measure', () => {
    fc.assert(
      fc.property(schedule('declining'), measure, (brackets, gp) => {
        const total = graduatedSlices(gp, brackets).reduce((sum, slice) => sum + slice.base, 0n);
        assert.equal(total, gp);
      }),
    );
  });

  it('pay is Σ rate × base of bracketBases in both modes (what the optimiser relies on)', () => {
    fc.assert(
      fc.property(schedule('declining'), measure, fc.constantFrom('graduated' as const, 'retroactive' as const), (brackets, gp, mode) => {
        const bases = bracketBases(gp, brackets.map((bracket) => bracket.upTo), mode);
        const linear = bases.reduce((sum, base, i) => sum + base * (brackets[i]?.rate ?? 0n), 0n);
        assert.equal(linear, bracketAmount(gp, brackets, mode));
      }),
    );
  });
});
