import { invalidInput } from '../../domain/app-error.js';
import { payeeLevelIssues } from '../../domain/plans/compiled.js';
import { parsePlan, type PlanDefinition } from '../../domain/plans/definition.js';
import type { PlanWorkers } from './plan-workers.js';
import type { ServiceContext } from '../context.js';
import type { EntitledContext } from '../entitlements/tenant-entitlements.js';

/** What plan use cases get besides the context: where computations run, and the tenant's entitlements. */
export type PlanContext = ServiceContext & EntitledContext & { planWorkers: PlanWorkers };

/** A plan as sent to be saved: its definition, and the month it applies from. */
export interface PlanBody {
  effective_from?: string | undefined;
  [field: string]: unknown;
}

/** Plans without a stated start apply to all history. */
const ALWAYS = '1970-01';

export function splitBody(body: PlanBody): { definition: unknown; effectiveFrom: string } {
  const { effective_from: effectiveFrom, ...definition } = body;
  return { definition, effectiveFrom: typeof effectiveFrom === 'string' ? effectiveFrom : ALWAYS };
}

/** The definition, checked by the domain's rules: every problem with its pointer (under `pointerPrefix`), nothing saved. */
export function checkedDefinition(input: unknown, pointerPrefix = ''): PlanDefinition {
  const parsed = parsePlan(input);
  if (!parsed.ok) {
    throw invalidInput(
      `The plan has ${parsed.issues.length} problem${parsed.issues.length === 1 ? '' : 's'}.`,
      parsed.issues.map((issue) => ({ pointer: `${pointerPrefix}${issue.pointer}`, message: issue.message })),
    );
  }
  return parsed.plan;
}

/**
 * A plan to compute on payee-level history (simulation, calculation): one that needs closings
 * (rates by a deal attribute, team scopes, forced tiers, company or goal measures, rates past 6
 * decimals) is refused with its pointers here, before the engine would throw on it.
 */
export function payeeLevelDefinition(input: unknown, pointerPrefix = ''): PlanDefinition {
  const plan = checkedDefinition(input, pointerPrefix);
  const issues = payeeLevelIssues(plan);
  if (issues.length > 0) {
    throw invalidInput(
      'This plan needs closings (deal-level) history, which a simulation over payee-level months does not have.',
      issues.map((issue) => ({ pointer: `${pointerPrefix}${issue.pointer}`, message: issue.message })),
    );
  }
  return plan;
}

/** Custom formulas are an enterprise feature: a plan using one needs it on top of the plan feature. */
export async function requireFormulasIfUsed(ctx: EntitledContext, plan: PlanDefinition): Promise<void> {
  if ((plan.components ?? []).some((component) => component.type === 'formula')) await ctx.entitlements.require('custom_formulas');
}
