import type { HistoryMonth } from '../history.js';
import { parseAmount, type Cents } from '../money.js';
import type { CommissionMonth } from './format.js';

/** Cents of an amount that the import checks have already accepted. */
function cents(amount: number): Cents {
  const value = parseAmount(amount);
  if (value === null) throw new RangeError(`amount ${amount} was not checked`);
  return value;
}

/** A checked import document as the domain computes on it: integer cents, nothing optional left out. */
export function historyMonthFromImport(month: CommissionMonth): HistoryMonth {
  return {
    month: month.month,
    agents: month.agents.map((agent) => ({
      name: agent.name,
      type: agent.type,
      manager: agent.manager ?? null,
      market: agent.market ?? null,
      gp: cents(agent.gp),
      deals: agent.deals,
      terminations: agent.terminations ?? null,
      commission: cents(agent.commission),
    })),
    managers: (month.managers ?? []).map((manager) => ({
      name: manager.name,
      gp: manager.gp === undefined ? null : cents(manager.gp),
      commission: cents(manager.commission),
      team: manager.team ?? [],
    })),
    deals: (month.deals ?? []).map((deal) => ({
      id: deal.id,
      date: deal.date,
      agent: deal.agent,
      type: deal.type,
      market: deal.market ?? null,
      gp: cents(deal.gp),
      status: deal.status,
    })),
  };
}
