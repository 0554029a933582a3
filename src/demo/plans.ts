/**
 * The demo tenant's commission plans as stored plans (CONTRACT.md, "Plan definition, extended"):
 * each a name and its versions, every version in force from its `effective_from` month until the
 * next. They pay the demo's closings months (./closings.ts) through the closings engine
 * (src/domain/payouts/calculate-payouts.ts); nothing about pay is described outside them except
 * the month's adjustments (a guaranteed draw's top-up and the sprint prizes), which the closings
 * months carry.
 *
 * - Acquisition reps: the whole month's credited GP at the rate of the tier reached, tiers by their
 *   lower bounds (a spreadsheet's approximate lookup). October 2024 lowers every tier by two
 *   points: the plan change behind the demo's efficiency gain.
 * - Disposition reps: the tier is chosen on the month's total GP, flat-fee-listed deals are paid at
 *   two thirds of the tier's rate (typed to 6 decimals). The manager who sometimes closes a dispo
 *   deal himself is excluded: he is paid his override only.
 * - Manager override: a rate on the team's acquisition GP from deals marked eligible for the team
 *   lead (`tl_eligible`), and a smaller one on the team's disposition GP.
 * - Team lead: the manager who also closes acquisition deals has her own plan, named for her (it
 *   replaces both the rep plan and the override plan for her): personal tiers with slightly
 *   different thresholds, plus an override with its own tier table and flat-fee rates.
 *
 * The written exceptions behind the two agents whose commission is out of line with their GP:
 * - {@link DEMO_GRANDFATHERED_AGENT} is paid at the top acquisition tier whatever her volume, by a
 *   2022 agreement never renegotiated: a tier override of the acquisition plan (both versions);
 * - {@link DEMO_DRAW_AGENT} was hired in July 2024 with a guaranteed monthly minimum of
 *   {@link DEMO_GUARANTEED_MINIMUM}: each month's top-up is an adjustment of her closings month.
 */
import type { Bracket, PlanDefinition, PlanVersion } from '../domain/plans/definition.js';
import { planInForce } from '../domain/plans/definition.js';
import type { PlanInForce } from '../domain/payouts/calculate-payouts.js';
import { DEMO_AGENT_NAMES, DEMO_MANAGER_NAMES } from './names.js';

export const DEMO_PLAN_CHANGE_MONTH = '2024-10';
const FIRST = '2023-10';
/** Exceptions are written for the whole demo history and the quarter after it. */
const EXCEPTIONS_UNTIL = '2025-12';

/** The manager who also closes acquisition deals herself: a team lead. */
export const DEMO_TEAM_LEAD = DEMO_MANAGER_NAMES[2];
/** The manager who now and then takes the disposition side of a deal: paid his override only. */
export const DEMO_MANAGER_ON_DISPO = DEMO_MANAGER_NAMES[7];
export const DEMO_GRANDFATHERED_AGENT = DEMO_AGENT_NAMES[11];
export const DEMO_DRAW_AGENT = DEMO_AGENT_NAMES[17];
/** Dollars a month, whatever the plan pays (the top-up is the month's adjustment). */
export const DEMO_GUARANTEED_MINIMUM = 4500;

export interface DemoPlan {
  name: string;
  versions: PlanVersion[];
}

const acqTiers = (rates: readonly [number, number, number, number, number]) => ({
  measure: 'gp' as const,
  mode: 'retroactive' as const,
  brackets: [0, 25000, 50001, 100001, 150001].map((from, index) => ({ from, rate: rates[index]! })),
});

function acquisitionReps(rates: readonly [number, number, number, number, number]): PlanDefinition {
  return {
    name: 'Acquisition reps',
    description: 'The whole month’s GP at the rate of the tier reached (tiers by their lower bounds).',
    applies_to: ['acq'],
    basis: 'month',
    tiers: acqTiers(rates),
    tier_overrides: [
      {
        payee: DEMO_GRANDFATHERED_AGENT,
        bracket: 5,
        reason: 'grandfathered at the top tier by her 2022 agreement, never renegotiated',
        from: FIRST,
        to: EXCEPTIONS_UNTIL,
      },
    ],
  };
}

function dispositionReps(brackets: Bracket[]): PlanDefinition {
  return {
    name: 'Disposition reps',
    description: 'Tier chosen on the month’s total GP; flat-fee-listed deals paid at two thirds of the tier’s rate.',
    applies_to: ['dispo'],
    exclude: [DEMO_MANAGER_ON_DISPO],
    basis: 'month',
    tiers: { measure: 'gp', mode: 'retroactive', rate_by: 'flat_fee', brackets },
  };
}

function managerOverride(acqRate: number, dispoRate: number): PlanDefinition {
  return {
    name: 'Manager override',
    applies_to: ['manager'],
    basis: 'month',
    components: [
      { type: 'override', of: 'team_gp', label: 'Acquisition team override', team: { role: 'acq', where: { tl_eligible: true } }, rate: acqRate },
      { type: 'override', of: 'team_gp', label: 'Disposition team override', team: { role: 'dispo' }, rate: dispoRate },
    ],
  };
}

function teamLead(personal: readonly [number, number, number], override: readonly [number, number]): PlanDefinition {
  return {
    name: `Team lead ${DEMO_TEAM_LEAD}`,
    description: 'Her own acquisition deals, plus an override on the eligible acquisition deals of her team.',
    applies_to: ['acq', 'manager'],
    agents: [DEMO_TEAM_LEAD],
    basis: 'month',
    tiers: {
      measure: 'gp',
      mode: 'retroactive',
      brackets: [0, 20000, 45000].map((from, index) => ({ from, rate: personal[index]! })),
    },
    components: [
      {
        type: 'override',
        of: 'team_gp',
        label: 'Team override',
        team: { role: 'acq', where: { tl_eligible: true } },
        tiers: {
          mode: 'retroactive',
          rate_by: 'flat_fee',
          brackets: [
            { from: 0, rate: { false: override[0], true: override[0] / 2 } },
            { from: 60000, rate: { false: override[1], true: override[1] / 2 } },
          ],
        },
      },
      { type: 'override', of: 'team_gp', label: 'Disposition team override', team: { role: 'dispo' }, rate: 0.005 },
    ],
  };
}

/** The demo's plans, each with its versions oldest first. */
export const DEMO_PLANS: readonly DemoPlan[] = [
  {
    name: 'Acquisition reps',
    versions: [
      { effective_from: FIRST, definition: acquisitionReps([0.06, 0.08, 0.1, 0.12, 0.14]) },
      { effective_from: DEMO_PLAN_CHANGE_MONTH, definition: acquisitionReps([0.04, 0.06, 0.08, 0.1, 0.12]) },
    ],
  },
  {
    name: 'Disposition reps',
    versions: [
      {
        effective_from: FIRST,
        definition: dispositionReps([
          { from: 0, rate: { false: 0.06, true: 0.04 } },
          { from: 60000, rate: { false: 0.07, true: '0.046667' } },
        ]),
      },
      {
        effective_from: DEMO_PLAN_CHANGE_MONTH,
        definition: dispositionReps([
          { from: 0, rate: { false: 0.04, true: '0.026667' } },
          { from: 40000, rate: { false: 0.05, true: '0.033333' } },
          { from: 80000, rate: { false: 0.06, true: 0.04 } },
        ]),
      },
    ],
  },
  {
    name: 'Manager override',
    versions: [
      { effective_from: FIRST, definition: managerOverride(0.03, 0.0075) },
      { effective_from: DEMO_PLAN_CHANGE_MONTH, definition: managerOverride(0.02, 0.005) },
    ],
  },
  {
    name: `Team lead ${DEMO_TEAM_LEAD}`,
    versions: [
      { effective_from: FIRST, definition: teamLead([0.07, 0.09, 0.11], [0.025, 0.03]) },
      { effective_from: DEMO_PLAN_CHANGE_MONTH, definition: teamLead([0.05, 0.07, 0.09], [0.02, 0.025]) },
    ],
  },
];

/**
 * The demo plans in force in `month`, as the payouts engine takes them: each plan's latest version
 * with effective_from ≤ month. Ids are the plans' names made into slugs (stored plans have uuids).
 */
export function demoPlansInForce(month: string): PlanInForce[] {
  return DEMO_PLANS.flatMap((plan) => {
    const version = planInForce(plan.versions, month);
    if (!version) return [];
    return [{
      id: plan.name.toLowerCase().replace(/[^a-z0-9]+/g, '-'),
      name: plan.name,
      version: plan.versions.indexOf(version) + 1,
      effective_from: version.effective_from,
      definition: version.definition,
    }];
  });
}
