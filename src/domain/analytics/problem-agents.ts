/**
 * Problem agents: who broke which rule over a period, with the figure and the line it crossed, so a
 * manager can check the flag by hand before acting on it.
 *
 * Termination rates are judged on evidence (termination-evidence.ts, the rule the import warnings
 * use too): an agent is flagged when their rate is at least 90% likely above the threshold given
 * their contracts and the tenant's own rate, so one bad deal flags nobody and 5 of 6 terminated
 * does. The figure shown stays the agent's own, checkable rate ("5 of 6 contracts").
 *
 * Commission % and GP per deal are judged the same way (deal-evidence.ts): a prior at the tenant's
 * figure worth 10 deals, the noise of one deal measured on the tenant's history, flagged at 90%.
 * The import warnings use neither rule, so only the termination rule is shared with them.
 */
import { DEFAULT_TERMINATION_THRESHOLD } from '../imports/check.js';
import { toAmount, roundHalfUpDiv, type Cents } from '../money.js';
import { commissionTenths, terminationRate } from './figures.js';
import type { MonthRange } from './months.js';
import { dealEvidence, dealNoise, likelihoodWords, type AgentMonthFigure, type DealNoise } from './deal-evidence.js';
import { agentTotalsIn, payKnown, type AgentRollup, type AgentTotals, type MonthRollup } from './rollups.js';
import { judgeTerminations } from './termination-evidence.js';

/** The same default as the import's termination warning, so a warned agent and a flagged one agree. */
export { DEFAULT_TERMINATION_THRESHOLD };
/** Closed deals before an agent counts as a peer for the median and decile (and, without history to weigh evidence on, before they are judged). */
export const MIN_CLOSED_FOR_DEAL_RULES = 5;
/** Peers needed before a median or decile means anything. */
const MIN_PEERS = 3;
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
  /** Posterior probability that the agent is past the line; null when the rule had no evidence to weigh (too little history). */
  probability: number | null;
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

function detail(
  agent: AgentTotals,
  rule: ProblemRule,
  figure: number,
  threshold: number,
  unit: ProblemAgentDetail['unit'],
  probability: number | null,
  explanation: string,
): ProblemAgentDetail {
  return { name: agent.name, rule, figure, threshold, unit, closed: agent.closed, terminated: agent.terminated, probability: probability === null ? null : Math.round(probability * 1000) / 1000, explanation };
}

function terminationFlags(agents: readonly AgentTotals[], threshold: number): ProblemAgentDetail[] {
  const judged = judgeTerminations(agents.map((agent) => ({ terminated: agent.terminated, contracts: agent.closed + agent.terminated })), threshold);
  return agents.flatMap((agent, i) => {
    const evidence = judged[i];
    if (!evidence?.flagged) return [];
    return [detail(agent, 'termination_rate', terminationRate(agent.terminated, agent.closed) ?? 0, threshold, 'fraction', evidence.probability, evidence.explanation)];
  });
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

/** Each agent-month's figure with its deals, over the whole history: what σ is measured on. */
function monthFigures(rollups: readonly MonthRollup[], value: (agent: AgentRollup) => number | null): AgentMonthFigure[] {
  const figures: AgentMonthFigure[] = [];
  for (const rollup of rollups) {
    for (const agent of rollup.agents) {
      const figure = agent.closed > 0 ? value(agent) : null;
      if (figure !== null) figures.push({ agent: agent.name, deals: agent.closed, value: figure });
    }
  }
  return figures;
}

const amount = (cents: number) => toAmount(Math.round(cents)).toFixed(2);
const dealWord = (deals: number) => `${deals} deal${deals === 1 ? '' : 's'}`;

interface Judged {
  flagged: boolean;
  /** The evidence in words, or null when the rule fell back to the deal count. */
  evidence: string | null;
  probability: number | null;
}

/**
 * One deal rule's verdict on one agent: on evidence when the tenant's noise could be measured,
 * else (no history to measure it on) the old guard, {@link MIN_CLOSED_FOR_DEAL_RULES} closed deals.
 */
function judge(
  noise: DealNoise | null,
  agent: AgentTotals,
  figure: number,
  tenantFigure: number,
  line: number,
  direction: 'above' | 'below',
  show: (value: number) => string,
  showNoise: (value: number) => string = show,
): Judged {
  const past = direction === 'above' ? figure > line : figure < line;
  if (noise === null) return { flagged: agent.closed >= MIN_CLOSED_FOR_DEAL_RULES && past, evidence: null, probability: null };
  const evidence = dealEvidence({ figure, deals: agent.closed, tenantFigure, sigma: noise.sigma, line, direction });
  return {
    flagged: evidence.flagged,
    probability: evidence.probability,
    evidence:
      `over ${dealWord(agent.closed)} (the tenant's ${show(tenantFigure)}, a deal's varies by ${showNoise(noise.sigma)}); ` +
      `${likelihoodWords(evidence.probability)} ${direction} the ${show(line)} line`,
  };
}

const NO_NOISE = `too little history to weigh the evidence, so judged once ${MIN_CLOSED_FOR_DEAL_RULES} deals are closed`;

function commissionFlags(agents: readonly AgentTotals[], rollups: readonly MonthRollup[]): ProblemAgentDetail[] {
  const priced = agents.filter((agent) => agent.closed > 0 && agent.gp > 0).map((agent) => ({ agent, tenths: commissionTenths(agent.commission, agent.gp) ?? 0 }));
  const peers = priced.filter((peer) => peer.agent.closed >= MIN_CLOSED_FOR_DEAL_RULES);
  if (peers.length < MIN_PEERS) return [];
  // The median agent, not the team aggregate: the outliers being looked for would drag an average up.
  const median = percentile(ascending(peers.map((peer) => peer.tenths)), 0.5);
  // Tenths of a percent, so 1.5 × 14.25% is exact and rounds half-up once, to what is shown.
  const line = Math.round(Math.max(COMMISSION_FAR_RATIO * median, median + COMMISSION_FAR_POINTS * 10));
  const noise = dealNoise(monthFigures(rollups, (agent) => (agent.gp > 0 ? (100 * agent.commission) / agent.gp : null)));
  const tenant = (100 * priced.reduce((sum, peer) => sum + peer.agent.commission, 0)) / priced.reduce((sum, peer) => sum + peer.agent.gp, 0);
  const show = (percent: number) => `${percent.toFixed(1)}%`;
  return priced.flatMap(({ agent, tenths }) => {
    const verdict = judge(noise, agent, tenths / 10, tenant, line / 10, 'above', show, (points) => `${points.toFixed(1)} points`);
    if (!verdict.flagged) return [];
    return [
      detail(agent, 'commission_pct', tenths / 10, line / 10, 'percent', verdict.probability,
        `commission is ${(tenths / 10).toFixed(1)}% of GP ${verdict.evidence ?? `(${NO_NOISE})`}; "far above" starts at the larger of ` +
          `${COMMISSION_FAR_RATIO}× the median agent's ${(median / 10).toFixed(2)}% and ${COMMISSION_FAR_POINTS} points more (${(line / 10).toFixed(1)}%)`),
    ];
  });
}

function gpPerDealFlags(agents: readonly AgentTotals[], rollups: readonly MonthRollup[]): ProblemAgentDetail[] {
  const dealing = agents
    .filter((agent) => agent.closed > 0)
    .map((agent) => ({ agent, perDeal: Number(roundHalfUpDiv(BigInt(agent.gp), BigInt(agent.closed))) as Cents }));
  const peers = dealing.filter((peer) => peer.agent.closed >= MIN_CLOSED_FOR_DEAL_RULES);
  if (peers.length < MIN_PEERS) return [];
  const sorted = ascending(peers.map((peer) => peer.perDeal));
  const decile = Math.round(percentile(sorted, 0.1));
  const halfMedian = Math.round(percentile(sorted, 0.5) / 2);
  // With a handful of agents someone is always "in the bottom decile"; also asking for less than half
  // the median keeps the rule about a real gap, not about being last in a small team.
  const line = Math.min(decile, halfMedian);
  const noise = dealNoise(monthFigures(rollups, (agent) => agent.gp / agent.closed));
  const tenant = dealing.reduce((sum, peer) => sum + peer.agent.gp, 0) / dealing.reduce((sum, peer) => sum + peer.agent.closed, 0);
  return dealing.flatMap(({ agent, perDeal }) => {
    const verdict = judge(noise, agent, perDeal, tenant, line, 'below', amount);
    if (!verdict.flagged) return [];
    return [
      detail(agent, 'gp_per_deal', toAmount(perDeal), toAmount(line), 'amount', verdict.probability,
        `GP per closed deal ${amount(perDeal)} ${verdict.evidence ?? `(${NO_NOISE})`}; the line is the lower of the bottom decile ` +
          `(${amount(decile)}) and half the median agent's (${amount(halfMedian)})`),
    ];
  });
}

const RULE_ORDER: readonly ProblemRule[] = ['termination_rate', 'commission_pct', 'gp_per_deal'];

/** Every rule over the agents' totals for the range. */
export function problemAgents(
  rollups: readonly MonthRollup[],
  range: MonthRange,
  settings: ProblemAgentSettings,
): ProblemAgents {
  const agents = agentTotalsIn(rollups, range);
  const paid = rollups.every(payKnown) ? rollups : rollups.filter(payKnown);
  const details = [
    ...terminationFlags(agents, settings.termination_threshold),
    // Closings months without pay would read as agents paid nothing: commission % is judged on paid months only.
    ...commissionFlags(paid === rollups ? agents : agentTotalsIn(paid, range), paid),
    ...gpPerDealFlags(agents, rollups),
  ].sort((a, b) => a.name.localeCompare(b.name) || RULE_ORDER.indexOf(a.rule) - RULE_ORDER.indexOf(b.rule));
  return { problem_agents: [...new Set(details.map((entry) => entry.name))], problem_agent_details: details };
}
