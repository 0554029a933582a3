/**
 * One definition of a plan's commission percentage, used by every figure of the Plans view:
 * commission of the payees the plan covers ÷ the GP of those payees. For a plan of agents, that GP
 * is the covered agents' own; for a managers-only plan, their teams' GP. The server's simulation
 * divides by the company's GP (every agent's), so an acquisitions-only plan looked cheap beside the
 * dashboard; the covered GP is summed here from what the API gives: the simulation's payees for the
 * total, and GET /analytics/agents's monthly points for each month (the simulation's months carry
 * only the company's GP). Sums are in whole cents.
 */
import { formatMoney } from '../format';
import type { AgentsView, PlanDefinition } from '../types';

interface Payee {
  agent: string;
  payee_type: 'acq' | 'dispo' | 'manager';
  gp: number;
}

export interface Coverage {
  /** Covered GP over the range, currency units. */
  gp: number;
  /** Covered GP per month (YYYY-MM), currency units. */
  monthGp: Map<string, number>;
  /** Says which commission over which GP, for labels. */
  label: string;
  /** A commission amount as a % of the covered GP (null without GP). */
  pct(commission: number): number | null;
}

const cents = (amount: number) => Math.round(amount * 100);

const TYPE_WORDS: Record<string, string> = { acq: 'acquisitions', dispo: 'dispositions' };

export function coverage(plan: PlanDefinition, simulation: { by_agent: Payee[] }, agents: AgentsView): Coverage {
  const agentTypes = plan.applies_to.filter((t) => t === 'acq' || t === 'dispo');
  const managers = plan.applies_to.includes('manager');
  const named = Array.isArray(plan.agents) ? new Set(plan.agents as string[]) : undefined;
  let total = 0;
  const monthly = new Map<string, number>();
  const addMonths = (points: Array<{ month: string; gp: number }>) => {
    for (const point of points) monthly.set(point.month, (monthly.get(point.month) ?? 0) + cents(point.gp));
  };
  let label: string;
  if (agentTypes.length > 0) {
    for (const payee of simulation.by_agent) if (payee.payee_type !== 'manager') total += cents(payee.gp);
    for (const agent of agents.agents) {
      if (agentTypes.includes(agent.type) && (!named || named.has(agent.name))) addMonths(agent.points);
    }
    const who = agentTypes.length === 2 ? 'agents' : `${TYPE_WORDS[agentTypes[0]!]} agents`;
    label = managers ? `all commission (${who} and managers) ÷ the ${who}’ GP` : `${who}’ commission ÷ their GP`;
  } else {
    const covered = new Set(simulation.by_agent.filter((p) => p.payee_type === 'manager').map((p) => p.agent));
    for (const payee of simulation.by_agent) total += cents(payee.gp);
    for (const agent of agents.agents) if (agent.manager !== null && covered.has(agent.manager)) addMonths(agent.points);
    label = 'managers’ commission ÷ their teams’ GP';
  }
  const gp = total / 100;
  return {
    gp,
    monthGp: new Map([...monthly].map(([month, value]) => [month, value / 100])),
    label,
    pct: (commission) => (total > 0 ? (cents(commission) / total) * 100 : null),
  };
}

/** "+$1,234" / "−$56": a difference with its sign. */
export function signedMoney(value: number, withCents = false): string {
  if (value === 0) return formatMoney(0, withCents);
  return `${value > 0 ? '+' : '−'}${formatMoney(Math.abs(value), withCents)}`;
}
