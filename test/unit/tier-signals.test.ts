import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import jstat from 'jstat';
import { binomialHalfTail, holdbackSuggestion, poissonTail, tierSignals, type TierSignalMonth } from '../../src/domain/analytics/tier-signals.js';
import type { Closing } from '../../src/domain/closings/closing.js';
import { seededRandom } from '../../src/demo/seeded-random.js';
import type { PlanInForce } from '../../src/domain/payouts/calculate-payouts.js';

const { jStat } = jstat;

// Retroactive: 50,000.00 or less at 5%, above at 8% (from 50,000.01).
const PLAN: PlanInForce = {
  id: 'p1', name: 'Acq', version: 1, effective_from: '2024-01',
  definition: { name: 'Acq', applies_to: ['acq'], basis: 'month', tiers: { measure: 'gp', mode: 'retroactive', brackets: [{ up_to: 50000, rate: 0.05 }, { up_to: null, rate: 0.08 }] } },
};

/**
 * Twelve months. Gus (the gamer) closes three mid-month deals worth about 46,000 and then, every
 * month, a fourth deal dated on the 29th or later just big enough to land in 50,000.01..52,000.
 * Ann, Ben and Cat close four deals a month on uniform dates with GP between 5,000 and 25,000.
 */
export function generatedTenant(): TierSignalMonth[] {
  const next = seededRandom(17);
  const months: TierSignalMonth[] = [];
  for (let m = 1; m <= 12; m += 1) {
    const month = `2025-${String(m).padStart(2, '0')}`;
    const days = new Date(Date.UTC(2025, m, 0)).getUTCDate();
    const closings: Closing[] = [];
    const deal = (agent: string, day: number, gp: number): Closing => ({ date: `${month}-${String(day).padStart(2, '0')}`, gp, sides: [{ role: 'acq', agent }] });
    let gus = 0;
    for (let i = 0; i < 3; i += 1) {
      const gp = 15000 + Math.round(next() * 1500);
      gus += gp;
      closings.push(deal('Gus Gamer', 5 + Math.floor(next() * 18), gp));
    }
    closings.push(deal('Gus Gamer', days - Math.floor(next() * 2), Math.round((50000.01 - gus + Math.round(next() * 2000)) * 100) / 100));
    for (const agent of ['Ann Ash', 'Ben Birch', 'Cat Cedar']) {
      for (let i = 0; i < 4; i += 1) closings.push(deal(agent, 1 + Math.floor(next() * days), 5000 + Math.round(next() * 20000)));
    }
    months.push({ month, closings, adjustments: m === 6 ? [{ payee: 'Gus Gamer', amount: 1200, reason: 'true_up', note: 'GP raised on R-17' }] : [], plans: [PLAN] });
  }
  return months;
}

describe('tail probabilities', () => {
  it('agree with jstat', () => {
    // P(Bin(12, ½) ≥ 12) = 1/4096; P(Bin(10, ½) ≥ 7) = 176/1024 = 0.171875.
    assert.ok(Math.abs(binomialHalfTail(12, 12) - 1 / 4096) < 1e-15);
    assert.ok(Math.abs(binomialHalfTail(7, 10) - 0.171875) < 1e-12);
    for (const [k, lambda] of [[3, 1.2], [12, 4.8], [1, 0.1]] as const) {
      assert.ok(Math.abs(poissonTail(k, lambda) - (1 - jStat.poisson.cdf(k - 1, lambda))) < 1e-9);
    }
  });
});

describe('tier-gaming signals on a generated tenant', () => {
  const signals = tierSignals(generatedTenant());

  it('finds the one who games, on every signal, and nobody else', () => {
    assert.deepEqual([...new Set(signals.map((signal) => signal.payee))], ['Gus Gamer']);
    assert.deepEqual(signals.map((signal) => signal.kind), ['bunching', 'month_end', 'true_up']);
  });

  it('gives the evidence: counts, the expected count and the tail', () => {
    const bunching = signals.find((signal) => signal.kind === 'bunching')!;
    // 12 months in 50,000.01..52,500.00, none in 47,500.01..50,000.00: expected 6, P = 1/4096.
    assert.equal(bunching.observed, 12);
    assert.equal(bunching.expected, 6);
    assert.equal(bunching.tail_probability, 0);
    const late = signals.find((signal) => signal.kind === 'month_end')!;
    assert.equal(late.observed, 12);
    assert.equal(late.months.length, 12);
    // Each month the late deal took Gus from the 5% bracket to the 8% one. Pay with it is 8% of
    // the month's GP; without it 5% of the three earlier deals. Checked on January below.
  });

  it('prices a lift exactly with the plan engine (January worked by hand)', () => {
    const january = generatedTenant()[0]!;
    const gus = january.closings.filter((closing) => closing.sides[0]!.agent === 'Gus Gamer');
    const cents = (amount: number) => Math.round(amount * 100);
    const early = gus.slice(0, 3).reduce((sum, closing) => sum + cents(closing.gp), 0);
    const all = early + cents(gus[3]!.gp);
    // Retroactive, rounded half-up once: 8% of all less 5% of the early deals.
    const expected = Math.floor((all * 8 + 50) / 100) - Math.floor((early * 5 + 50) / 100);
    const lifts = tierSignals([january]);
    // One month cannot be significant on its own (expected late 0.29 of 4 deals, P(N ≥ 1) = 0.25), so no month_end signal...
    assert.equal(lifts.filter((signal) => signal.kind === 'month_end').length, 0);
    // ...but the twelve months' sum is the sum of such differences.
    const total = generatedTenant().reduce((sum, month) => {
      const own = month.closings.filter((closing) => closing.sides[0]!.agent === 'Gus Gamer').map((closing) => cents(closing.gp));
      const first = own[0]! + own[1]! + own[2]!;
      return sum + Math.floor(((first + own[3]!) * 8 + 50) / 100) - Math.floor((first * 5 + 50) / 100);
    }, 0);
    assert.ok(expected > 0);
    assert.equal(Math.round(signals.find((signal) => signal.kind === 'month_end')!.pay_difference! * 100), total);
  });
});

describe('the termination-risk holdback', () => {
  it('is the posterior mean rate times the plan pay (worked example)', () => {
    // 3 of 12 contracts terminated, tenant rate 10% worth 10 contracts: (1 + 3) / (10 + 12) = 18.18%.
    // Plan pay 4,000.00 (a 500.00 bonus on top, not at risk): 4,000.00 × 0.181818 = 727.27 held back,
    // 727.27 / 4,500.00 = 16.2% of the month's pay.
    const suggestion = holdbackSuggestion('Ada', 3, 12, 0.1, 450000, 400000);
    assert.equal(suggestion.expected_rate, 0.182);
    assert.equal(suggestion.holdback, 727.27);
    assert.equal(suggestion.share, 0.162);
    assert.match(suggestion.reasoning, /3 of 12 contracts terminated; .* expected rate is 18\.2%, so of 4000\.00 plan pay about 727\.27/);
  });
});
