/**
 * The semantic checks of an imported commission month: what the JSON schema cannot say. Errors stop
 * the import (422, nothing written); warnings are reported with a successful import because real
 * books are messy and the user decides. Every error is collected, so one round trip fixes a file.
 */
import { MAX_AMOUNT, formatAmount, parseAmount, percentOf, roundDecimal, sumCents, type Cents } from '../money.js';
import type { CommissionMonth, ImportAgent, ImportDeal } from './format.js';
import type { FieldError } from '../field-error.js';
import { judgeTerminations, terminationWarning } from '../analytics/termination-evidence.js';

export type { FieldError } from '../field-error.js';

export interface CheckOptions {
  /** Termination rate (fraction) above which an agent is flagged; 0.15 when omitted. */
  terminationThreshold?: number;
  /** "Now" for the future-month warning, read in UTC. */
  today: Date;
}

interface MonthTotals {
  agents: number;
  managers: number;
  gpCents: Cents;
  commissionCents: Cents;
  transactions: number;
}

export interface CheckResult {
  errors: FieldError[];
  warnings: string[];
  totals: MonthTotals;
}

export const DEFAULT_TERMINATION_THRESHOLD = 0.15;

const MONTH_TEXT = /^(\d{4})-(\d{2})$/;
const DATE_TEXT = /^(\d{4})-(\d{2})-(\d{2})$/;
const AMOUNT_MESSAGE = `must be an amount with at most 2 decimals and below ${MAX_AMOUNT} in magnitude`;

function daysInMonth(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/** True for a real calendar month written `YYYY-MM` (2025-13 and 0000-01 are not). */
export function isValidMonth(text: string): boolean {
  const match = MONTH_TEXT.exec(text);
  if (!match) return false;
  const year = Number(match[1]);
  const month = Number(match[2]);
  return year >= 1 && month >= 1 && month <= 12;
}

/** True for a real calendar date written `YYYY-MM-DD` (2025-02-29 is not). */
export function isValidDate(text: string): boolean {
  const match = DATE_TEXT.exec(text);
  if (!match) return false;
  const year = Number(match[1]);
  const month = Number(match[2]);
  const day = Number(match[3]);
  return year >= 1 && month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month);
}

/**
 * Names are compared trimmed and case-insensitively: "Kyle Singer " in a deal is Kyle Singer, and
 * two agents differing only in case are almost surely the same person entered twice.
 */
export function nameKey(name: string): string {
  return name.normalize('NFC').trim().toLowerCase();
}

function utcMonth(date: Date): string {
  return `${String(date.getUTCFullYear()).padStart(4, '0')}-${String(date.getUTCMonth() + 1).padStart(2, '0')}`;
}

/** Collects errors and turns valid amounts into cents, so every later rule works on exact values. */
class Collector {
  readonly errors: FieldError[] = [];
  readonly warnings: string[] = [];

  error(pointer: string, message: string): void {
    this.errors.push({ pointer, message });
  }

  amount(value: number, pointer: string): Cents | null {
    const cents = parseAmount(value);
    if (cents === null) this.error(pointer, AMOUNT_MESSAGE);
    return cents;
  }

  count(value: number, pointer: string): number | null {
    if (Number.isSafeInteger(value) && value >= 0) return value;
    this.error(pointer, 'must be a whole number, zero or more');
    return null;
  }
}

interface AgentFacts {
  agent: ImportAgent;
  gp: Cents | null;
  commission: Cents | null;
  deals: number | null;
  terminations: number | null;
}

/** What deals[] says about one agent. */
interface DealFacts {
  closed: number;
  terminated: number;
  closedGp: Cents;
}

function firstIndexByName<T extends { name: string }>(items: readonly T[]): Map<string, number> {
  const index = new Map<string, number>();
  items.forEach((item, i) => {
    const key = nameKey(item.name);
    if (!index.has(key)) index.set(key, i);
  });
  return index;
}

function duplicateNames(items: readonly { name: string }[]): string[] {
  const seen = new Map<string, { name: string; reported: boolean }>();
  const duplicates: string[] = [];
  for (const item of items) {
    const key = nameKey(item.name);
    const first = seen.get(key);
    if (!first) seen.set(key, { name: item.name.trim(), reported: false });
    else if (!first.reported) {
      first.reported = true;
      duplicates.push(first.name);
    }
  }
  return duplicates;
}

function checkDeals(
  deals: readonly ImportDeal[],
  month: string | null,
  agents: readonly AgentFacts[],
  agentIndex: Map<string, number>,
  out: Collector,
): Map<number, DealFacts> {
  const byAgent = new Map<number, DealFacts>();
  const idFirstSeen = new Map<string, number>();
  deals.forEach((deal, i) => {
    const at = `/deals/${i}`;
    const gp = out.amount(deal.gp, `${at}/gp`);
    const firstAt = idFirstSeen.get(deal.id);
    if (firstAt === undefined) idFirstSeen.set(deal.id, i);
    else out.error(`${at}/id`, `Duplicate deal id '${deal.id}' (first at /deals/${firstAt})`);
    if (!isValidDate(deal.date)) out.error(`${at}/date`, `'${deal.date}' is not a real date (YYYY-MM-DD)`);
    else if (month !== null && deal.date.slice(0, 7) !== month) {
      out.error(`${at}/date`, `${deal.date} is not inside month ${month}`);
    }
    const agentAt = agentIndex.get(nameKey(deal.agent));
    const facts = agentAt === undefined ? undefined : agents[agentAt];
    if (agentAt === undefined || !facts) {
      out.error(`${at}/agent`, `'${deal.agent}' is not an agent of this month`);
      return;
    }
    if (deal.type !== facts.agent.type) {
      out.error(`${at}/type`, `Deal type '${deal.type}' differs from agent '${facts.agent.name}' type '${facts.agent.type}'`);
    }
    const tally = byAgent.get(agentAt) ?? { closed: 0, terminated: 0, closedGp: 0 };
    if (deal.status === 'closed') {
      tally.closed += 1;
      tally.closedGp += gp ?? 0;
    } else tally.terminated += 1;
    byAgent.set(agentAt, tally);
  });
  return byAgent;
}

/** An agent's contracts this month: terminations as given, else counted from deals[]; null without a deal count. */
function contractsOf(facts: AgentFacts, dealFacts: DealFacts | undefined): { terminated: number; contracts: number } | null {
  if (facts.deals === null) return null;
  const terminated = facts.terminations ?? dealFacts?.terminated ?? 0;
  return { terminated, contracts: facts.deals + terminated };
}

/**
 * The contract's warning, given on the same evidence as the summary's problem agents
 * (termination-evidence.ts): the month's own termination rate is the prior, so an agent warned
 * about here is the one the summary of this month flags.
 */
function terminationWarnings(agents: readonly AgentFacts[], dealFacts: Map<number, DealFacts> | undefined, threshold: number): Map<number, string> {
  const counts = agents.map((facts, i) => contractsOf(facts, dealFacts?.get(i)));
  const judged = judgeTerminations(counts, threshold);
  const warnings = new Map<number, string>();
  counts.forEach((count, i) => {
    if (count && judged[i]?.flagged) warnings.set(i, terminationWarning(agents[i]!.agent.name, count));
  });
  return warnings;
}

function dealConsistencyWarnings(facts: AgentFacts, dealFacts: DealFacts | undefined): string[] {
  const tally = dealFacts ?? { closed: 0, terminated: 0, closedGp: 0 };
  const name = facts.agent.name;
  const warnings: string[] = [];
  if (facts.deals !== null && facts.deals !== tally.closed) {
    warnings.push(`Agent '${name}' reports ${facts.deals} deals but deals[] has ${tally.closed} closed`);
  }
  if (facts.gp !== null && facts.gp !== tally.closedGp) {
    warnings.push(`Agent '${name}' reports ${formatAmount(facts.gp)} GP but deals[] sums to ${formatAmount(tally.closedGp)}`);
  }
  if (facts.terminations !== null && facts.terminations !== tally.terminated) {
    warnings.push(`Agent '${name}' reports ${facts.terminations} terminations but deals[] has ${tally.terminated} terminated`);
  }
  return warnings;
}

function metadataWarnings(input: CommissionMonth, totals: MonthTotals, out: Collector): void {
  const metadata = input.metadata;
  if (!metadata) return;
  if (metadata.total_gp !== undefined) {
    const totalGp = out.amount(metadata.total_gp, '/metadata/total_gp');
    if (totalGp !== null && totalGp !== totals.gpCents) {
      out.warnings.push(
        `Metadata total_gp (${formatAmount(totalGp)}) differs from the sum of agent GP (${formatAmount(totals.gpCents)})`,
      );
    }
  }
  if (metadata.total_transactions !== undefined && metadata.total_transactions !== totals.transactions) {
    out.warnings.push(
      `Metadata total_transactions (${metadata.total_transactions}) differs from the sum of agent deals (${totals.transactions})`,
    );
  }
  // Without GP there is no percentage to disagree with.
  const computed = percentOf(totals.commissionCents, totals.gpCents, 1);
  if (metadata.commission_pct !== undefined && computed !== null) {
    const stated = roundDecimal(metadata.commission_pct, 1);
    if (stated !== computed) {
      out.warnings.push(
        `Metadata commission_pct (${metadata.commission_pct}) differs from the computed commission % of GP (${computed})`,
      );
    }
  }
}

/** Checks one month; never throws on bad data, it reports it. */
export function checkMonth(input: CommissionMonth, options: CheckOptions): CheckResult {
  const out = new Collector();
  const threshold = options.terminationThreshold ?? DEFAULT_TERMINATION_THRESHOLD;
  const managers = input.managers ?? [];

  const month = isValidMonth(input.month) ? input.month : null;
  if (month === null) out.error('/month', `'${input.month}' is not a real month (YYYY-MM)`);
  else if (month > utcMonth(options.today)) out.warnings.push(`Month ${month} is in the future`);

  const agents: AgentFacts[] = input.agents.map((agent, i) => ({
    agent,
    gp: out.amount(agent.gp, `/agents/${i}/gp`),
    commission: out.amount(agent.commission, `/agents/${i}/commission`),
    deals: out.count(agent.deals, `/agents/${i}/deals`),
    terminations: agent.terminations === undefined ? null : out.count(agent.terminations, `/agents/${i}/terminations`),
  }));
  const managerAmounts = managers.map((manager, i) => ({
    manager,
    gp: manager.gp === undefined ? null : out.amount(manager.gp, `/managers/${i}/gp`),
    commission: out.amount(manager.commission, `/managers/${i}/commission`),
  }));

  const agentIndex = firstIndexByName(input.agents);
  // An empty deals[] carries no detail, so it is treated like an absent one rather than contradicting every agent.
  const deals = input.deals ?? [];
  const hasDeals = deals.length > 0;
  const dealFacts = checkDeals(deals, month, agents, agentIndex, out);

  const totals: MonthTotals = {
    agents: input.agents.length,
    managers: managers.length,
    gpCents: sumCents(agents.map((a) => a.gp ?? 0)),
    commissionCents: sumCents([...agents.map((a) => a.commission ?? 0), ...managerAmounts.map((m) => m.commission ?? 0)]),
    transactions: agents.reduce((sum, a) => sum + (a.deals ?? 0), 0),
  };
  if (!Number.isSafeInteger(totals.gpCents)) out.error('/agents', 'The sum of agent GP is too large to total exactly');
  if (!Number.isSafeInteger(totals.commissionCents)) out.error('/agents', 'The sum of commission is too large to total exactly');

  for (const name of duplicateNames(input.agents)) out.warnings.push(`Duplicate agent name '${name}'`);
  for (const name of duplicateNames(managers)) out.warnings.push(`Duplicate manager name '${name}'`);

  const terminationWarningsByAgent = terminationWarnings(agents, hasDeals ? dealFacts : undefined, threshold);
  agents.forEach((facts, i) => {
    if (facts.gp !== null && facts.commission !== null && facts.commission > facts.gp) {
      out.warnings.push(
        `Agent '${facts.agent.name}' commission (${formatAmount(facts.commission)}) exceeds GP (${formatAmount(facts.gp)})`,
      );
    }
    const warning = terminationWarningsByAgent.get(i);
    if (warning) out.warnings.push(warning);
  });

  for (const { manager, gp, commission } of managerAmounts) {
    if (gp !== null && commission !== null && commission > gp) {
      out.warnings.push(`Manager '${manager.name}' commission (${formatAmount(commission)}) exceeds GP (${formatAmount(gp)})`);
    }
    for (const member of manager.team ?? []) {
      if (!agentIndex.has(nameKey(member))) {
        out.warnings.push(`Manager '${manager.name}' team member '${member}' is not an agent of this month`);
      }
    }
  }

  if (hasDeals) {
    agents.forEach((facts, i) => out.warnings.push(...dealConsistencyWarnings(facts, dealFacts.get(i))));
  }

  metadataWarnings(input, totals, out);
  return { errors: out.errors, warnings: out.warnings, totals };
}
