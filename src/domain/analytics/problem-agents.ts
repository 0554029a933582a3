/**
 * Problem agents: who broke which rule over a period, with the figure and the line it crossed, so a
 * manager can check the flag by hand before acting on it.
 *
 * Termination rates are judged on evidence (termination-evidence.ts, the rule the import warnings
 * use too): an agent is flagged when their rate is at least 90% likely above the threshold given
 * their contracts and the tenant's own rate, so one bad deal flags nobody and 5 of 6 terminated
 * does. The figure shown stays the agent's own, checkable rate ("5 of 6 contracts").
 */
import { DEFAULT_TERMINATION_THRESHOLD } from '../imports/check.js';
import { toAmount, roundHalfUpDiv, type Cents } from '../money.js';
import { commissionTenths, terminationRate } from './figures.js';
import type { MonthRange } from './months.js';
import { agentTotalsIn, payKnown, type AgentTotals, type MonthRollup } from './rollups.js';
import { terminationEvidence } from './termination-evidence.js';

/** The same default as the import's termination warning, so a warned agent and a flagged one agree. */
export { DEFAULT_TERMINATION_THRESHOLD };
/** Closed deals before an agent's commission % or GP per deal is judged (and before it counts as a peer). */
export const MIN_CLOSED_FOR_DEAL_RULES = 5;
/** Peers needed before a median or decile means anything. */
export const MIN_PEERS = 3;
/** "Far above the team's" commission %: above both 1.5× the median agent and the median plus 5 points. */
export const COMMISSION_FAR_RATIO = 1.5;
export const COMMISSION_FAR_POINTS = 5;

export type ProblemRule = 'termination_rate' | 'commission_pct' | 'gp_per_deal';

export interface ProblemAgentDetail {
  name: string;
  rule: ProblemRule;
  /** The agent's figure: a fraction (termination_rate), a percentage (commission_pct) or an amount (gp_per_deal). */
  figure: number;
  /** The line it crossed, in the same unit. */
  threshold: number;
  unit: 'fraction' | 'percent' | 'amount';
  closed: number;
  terminated: number;
  /** The rule in words, with the figures: what a user reads in a tooltip. */
  explanation: string;
}

export interface ProblemAgents {
  /** Names of agents that broke at least one rule, alphabetical. */
  problem_agents: string[];
  problem_agent_details: ProblemAgentDetail[];
}

export interface ProblemAgentSettings {
  /** Termination-rate fraction above which an agent is flagged (strictly above, as in import warnings). */
  termination_threshold: number;
}

function detail(agent: AgentTotals, rule: ProblemRule, figure: number, threshold: number, unit: ProblemAgentDetail['unit'], explanation: string): ProblemAgentDetail {
  return { name: agent.name, rule, figure, threshold, unit, closed: agent.closed, terminated: agent.terminated, explanation };
}

function terminationFlags(agents: readonly AgentTotals[], threshold: number): ProblemAgentDetail[] {
  let terminated = 0;
  let contracts = 0;
  for (const agent of agents) {
    terminated += agent.terminated;
    contracts += agent.closed + agent.terminated;
  }
  const tenantRate = contracts === 0 ? 0 : terminated / contracts;
  const flags: ProblemAgentDetail[] = [];
  for (const agent of agents) {
    const evidence = terminationEvidence(agent.terminated, agent.closed + agent.terminated, tenantRate, threshold);
    if (!evidence.flagged) continue;
    flags.push(detail(agent, 'termination_rate', terminationRate(agent.terminated, agent.closed) ?? 0, threshold, 'fraction', evidence.explanation));
  }
  return flags;
}

/** Linear-interpolation percentile (the spreadsheet PERCENTILE.INC) of sorted values. */
function percentile(sorted: readonly number[], p: number): number {
  const position = (sorted.length - 1) * p;
  const below = Math.floor(position);
  const low = sorted[below] ?? 0;
  const high = sorted[Math.min(below + 1, sorted.length - 1)] ?? low;
  return low + (high - low) * (position - below);
}

function ascending(values: number[]): number[] {
  return values.sort((a, b) => a - b);
}

function commissionFlags(agents: readonly AgentTotals[]): ProblemAgentDetail[] {
  const peers = agents
    .filter((agent) => agent.closed >= MIN_CLOSED_FOR_DEAL_RULES && agent.gp > 0)
    .map((agent) => ({ agent, tenths: commissionTenths(agent.commission, agent.gp) ?? 0 }));
  if (peers.length < MIN_PEERS) return [];
  // The median agent, not the team aggregate: the outliers being looked for would drag an average up.
  const median = percentile(ascending(peers.map((peer) => peer.tenths)), 0.5);
  // Tenths of a percent, so 1.5 × 14.25% is exact and rounds half-up once, to what is shown.
  const line = Math.round(Math.max(COMMISSION_FAR_RATIO * median, median + COMMISSION_FAR_POINTS * 10));
  return peers
    .filter((peer) => peer.tenths > line)
    .map(({ agent, tenths }) =>
      detail(agent, 'commission_pct', tenths / 10, line / 10, 'percent',
        `commission is ${(tenths / 10).toFixed(1)}% of GP; the median agent's is ${(median / 10).toFixed(2)}%, ` +
          `and "far above" starts at the larger of ${COMMISSION_FAR_RATIO}× that and ${COMMISSION_FAR_POINTS} points more (${(line / 10).toFixed(1)}%)`),
    );
}

function gpPerDealFlags(agents: readonly AgentTotals[]): ProblemAgentDetail[] {
  const peers = agents
    .filter((agent) => agent.closed >= MIN_CLOSED_FOR_DEAL_RULES)
    .map((agent) => ({ agent, perDeal: Number(roundHalfUpDiv(BigInt(agent.gp), BigInt(agent.closed))) as Cents }));
  if (peers.length < MIN_PEERS) return [];
  const sorted = ascending(peers.map((peer) => peer.perDeal));
  const decile = Math.round(percentile(sorted, 0.1));
  const halfMedian = Math.round(percentile(sorted, 0.5) / 2);
  // With a handful of agents someone is always "in the bottom decile"; also asking for less than half
  // the median keeps the rule about a real gap, not about being last in a small team.
  const line = Math.min(decile, halfMedian);
  return peers
    .filter((peer) => peer.perDeal < line)
    .map(({ agent, perDeal }) =>
      detail(agent, 'gp_per_deal', toAmount(perDeal), toAmount(line), 'amount',
        `GP per closed deal ${toAmount(perDeal).toFixed(2)} is in the bottom decile (below ${toAmount(decile).toFixed(2)}) ` +
          `and under half the median agent's (${toAmount(halfMedian).toFixed(2)})`),
    );
}

const RULE_ORDER: readonly ProblemRule[] = ['termination_rate', 'commission_pct', 'gp_per_deal'];

/** Every rule over the agents' totals for the range. */
export function problemAgents(
  rollups: readonly MonthRollup[],
  range: MonthRange,
  settings: ProblemAgentSettings,
): ProblemAgents {
  const agents = agentTotalsIn(rollups, range);
  const details = [
    ...terminationFlags(agents, settings.termination_threshold),
    // Closings months without pay would read as agents paid nothing: commission % is judged on paid months only.
    ...commissionFlags(rollups.every(payKnown) ? agents : agentTotalsIn(rollups.filter(payKnown), range)),
    ...gpPerDealFlags(agents),
  ].sort((a, b) => a.name.localeCompare(b.name) || RULE_ORDER.indexOf(a.rule) - RULE_ORDER.indexOf(b.rule));
  return { problem_agents: [...new Set(details.map((entry) => entry.name))], problem_agent_details: details };
}
