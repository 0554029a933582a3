/**
 * A worked month that uses every extension of the plan language at once, modelled on a real
 * wholesaler's plans (issue 15): the closings, adjustments, goals and plans, and each person's pay
 * worked out by hand. The engine's unit test (test/unit/payouts-month.test.ts) and the payouts
 * API's test (test/integration/payouts.test.ts) both pay it.
 */
import type { Adjustment, Closing } from '../../src/domain/closings/closing.js';
import type { PlanDefinition } from '../../src/domain/plans/definition.js';

export const MONTH = '2025-09';

function deal(id: string, gp: number, flatFee: boolean, tlEligible: boolean, acq: [string | null, string | null], dispo: [string | null, string | null]): Closing {
  return {
    id,
    gp,
    attributes: { flat_fee: flatFee, tl_eligible: tlEligible },
    sides: [
      { role: 'acq', agent: acq[0], manager: acq[1] },
      { role: 'dispo', agent: dispo[0], manager: dispo[1] },
    ],
  };
}

// Company GP: 30,000 + 12,000 + 15,000 + 12,345.67 + 40,000 + 9,000 + 18,000 + 5,000.50 + 7,500
// = 148,846.17 over 9 transactions.
export const CLOSINGS: Closing[] = [
  deal('D1', 30000, false, true, ['Ana Acq', 'Lee Lead'], ['Dan Dispo', 'Mo Manager']),
  deal('D2', 12000, true, true, ['Ana Acq', 'Lee Lead'], ['Dan Dispo', 'Mo Manager']),
  deal('D3', 15000, false, false, ['Ben Acq', 'Lee Lead'], ['Dora Dispo', 'Mo Manager']),
  deal('D4', 12345.67, true, true, ['Ben Acq', 'Lee Lead'], ['Dora Dispo', 'Mo Manager']),
  deal('D5', 40000, false, true, ['Lee Lead', null], ['Dan Dispo', null]),
  deal('D6', 9000, false, true, ['Tess Lead', null], ['House Account', 'Mo Manager']),
  deal('D7', 18000, true, true, ['Carl Acq', 'Tess Lead'], ['Dora Dispo', null]),
  deal('D8', 5000.5, false, true, ['House Account', null], ['Dan Dispo', null]),
  deal('D9', 7500, false, true, ['Sam Senior', null], ['Dora Dispo', null]),
];

export const ADJUSTMENTS: Adjustment[] = [
  { payee: 'Ana Acq', amount: -0.07, reason: 'correction', note: 'August rounding error' },
  { payee: 'Rita Rookie', amount: 250, reason: 'sprint', note: 'Week 2 sprint winner' },
  { payee: 'Lee Lead', amount: 150, reason: 'mentor' },
  { payee: 'Carl Acq', amount: 35.25, reason: 'true_up', note: 'D0 corrected after close' },
];

const dispoBrackets = (flatLow: string, flatHigh: string) => [
  { from: 0, rate: { false: 0.05, true: flatLow } },
  { from: 60000, rate: { false: 0.06, true: flatHigh } },
];

const leadTiers = { measure: 'gp' as const, mode: 'retroactive' as const, brackets: [{ from: 0, rate: 0.05 }, { from: 20000, rate: 0.07 }, { from: 45000, rate: 0.09 }] };

export const PLANS: PlanDefinition[] = [
  {
    name: 'Acq reps',
    applies_to: ['acq'],
    exclude: ['House Account', 'Sam Senior'],
    basis: 'month',
    tiers: {
      measure: 'gp',
      mode: 'retroactive',
      brackets: [{ from: 0, rate: 0.04 }, { from: 25000, rate: 0.06 }, { from: 50001, rate: 0.08 }, { from: 100001, rate: 0.1 }],
    },
    tier_overrides: [{ payee: 'Ana Acq', bracket: 3, reason: 'promotion agreed 2025-09-01', from: '2025-09', to: '2025-09' }],
  },
  {
    name: 'Dispo reps',
    applies_to: ['dispo'],
    exclude: ['House Account'],
    basis: 'month',
    tiers: { measure: 'gp', mode: 'retroactive', rate_by: 'flat_fee', brackets: dispoBrackets('0.033333', '0.04') },
  },
  {
    name: 'Dispo senior (exact thirds)',
    applies_to: ['dispo'],
    agents: ['Dora Dispo'],
    basis: 'month',
    tiers: { measure: 'gp', mode: 'retroactive', rate_by: 'flat_fee', brackets: dispoBrackets('0.1/3', '0.12/3') },
  },
  {
    name: 'Team lead Lee',
    applies_to: ['acq', 'manager'],
    agents: ['Lee Lead'],
    basis: 'month',
    tiers: leadTiers,
    components: [{
      type: 'override',
      of: 'team_gp',
      label: 'Team override',
      team: { role: 'acq', where: { tl_eligible: true } },
      tiers: { mode: 'retroactive', rate_by: 'flat_fee', brackets: [{ from: 0, rate: { false: 0.01, true: 0.005 } }, { from: 40000, rate: { false: 0.015, true: 0.0075 } }] },
    }],
  },
  {
    name: 'Team lead Tess',
    applies_to: ['acq', 'manager'],
    agents: ['Tess Lead'],
    basis: 'month',
    tiers: leadTiers,
    components: [{
      type: 'override',
      of: 'team_gp',
      team: { role: 'acq', where: { tl_eligible: true } },
      tiers: { mode: 'retroactive', rate_by: 'flat_fee', brackets: [{ from: 0, rate: { false: 0.02, true: 0.01 } }, { from: 25000, rate: { false: 0.025, true: 0.0125 } }] },
    }],
  },
  {
    name: 'Senior leader Sam',
    applies_to: ['manager'],
    agents: ['Sam Senior'],
    basis: 'month',
    components: [
      { type: 'rate', measure: 'company_gp', rate: '0.00833333333' },
      { type: 'formula', expression: 'company_transactions * 10.12345678901' },
    ],
  },
  {
    name: 'Senior leader Val',
    applies_to: ['manager'],
    agents: ['Val Senior'],
    basis: 'month',
    components: [
      { type: 'rate', measure: 'company_gp', rate: 0.00416666667 },
      { type: 'formula', expression: 'company_transactions * 5.06172839451' },
    ],
  },
  {
    name: 'Underwriting director',
    applies_to: ['manager'],
    agents: ['Uma Director'],
    basis: 'month',
    components: [{ type: 'formula', label: 'Goals', expression: '(company_transactions >= goal_transactions ? 500 : 0) + max(company_gp - goal_gp, 0) * 0.01' }],
  },
];

export const GOALS = { transactions: 8, gp: 140000 };

export const EXPECTED: Record<string, number> = {
  // Acq reps, from-bound tiers. Ana: 30,000 + 12,000 = 42,000 reaches bracket 2 (6%) but is
  // forced to bracket 3: 42,000 × 8% = 3,360.00, less the 0.07 correction = 3,359.93.
  'Ana Acq': 3359.93,
  // Ben: 15,000 + 12,345.67 = 27,345.67, from 25,000 → 6%: 1,640.7402 → 1,640.74.
  'Ben Acq': 1640.74,
  // Carl: 18,000 → 4% = 720.00, plus a 35.25 true-up = 755.25.
  'Carl Acq': 755.25,
  // Dispo reps, the bracket on total GP: Dan 30,000 + 12,000 + 40,000 + 5,000.50 = 87,000.50
  // reaches 60,000: non-flat-fee 75,000.50 × 6% = 4,500.03, flat-fee 12,000 × 4% = 480.00.
  'Dan Dispo': 4980.03,
  // Dora is named by the exact-thirds plan, which replaces the dispo rep plan for her:
  // 15,000 + 7,500 = 22,500 non-flat × 5% = 1,125.00; 12,345.67 + 18,000 = 30,345.67 flat-fee
  // × 0.1/3 = 1,011.52233…; total 52,845.67 stays in bracket 1: 2,136.52233… → 2,136.52
  // (the 6-decimal rate 0.033333 would pay 2,136.51221811 → 2,136.51).
  'Dora Dispo': 2136.52,
  // Lee: own acq 40,000 from 20,000 → 7% = 2,800.00. Override on the acq deals Lee manages
  // that are TL-eligible: D1 30,000 + D2 12,000 + D4 12,345.67 = 54,345.67 (D3 is not
  // eligible) reaches 40,000: non-flat 30,000 × 1.5% = 450.00, flat 24,345.67 × 0.75% =
  // 182.592525. Plus the 150 mentor bonus: 3,582.592525 → 3,582.59.
  'Lee Lead': 3582.59,
  // Tess: own 9,000 × 5% = 450.00; override on Carl's 18,000 flat-fee deal, her own table's
  // bracket 1: × 1% = 180.00. Total 630.00.
  'Tess Lead': 630,
  // Sam (excluded from the acq rep plan, his D9 pays him nothing there): company GP
  // 148,846.17 × 0.00833333333 = 1,240.3847495038461 + 9 × 10.12345678901 = 91.11111110109:
  // 1,331.4958606049… → 1,331.50.
  'Sam Senior': 1331.5,
  // Val: 148,846.17 × 0.00416666667 = 620.1923754961539 + 9 ×
  // 5.06172839451 = 45.55555555059: 665.7479310467439 → 665.75.
  'Val Senior': 665.75,
  // Uma closed nothing: 9 transactions ≥ the goal of 8 → 500; GP above the 140,000 goal
  // 8,846.17 × 1% = 88.4617: 588.4617 → 588.46.
  'Uma Director': 588.46,
  // Rita closed nothing and won a sprint.
  'Rita Rookie': 250,
};

// 3,359.93 + 1,640.74 + 755.25 + 4,980.03 + 2,136.52 + 3,582.59 + 630 + 1,331.50 + 665.75 + 588.46 + 250
export const EXPECTED_TOTAL = 19920.77;
