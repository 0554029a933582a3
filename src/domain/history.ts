/**
 * A tenant's commission history as the domain computes on it (plans, simulation, analytics):
 * plain data in integer cents, loaded from the database by the services. No I/O here.
 */
import type { Cents } from './money.js';
import type { AgentType, DealStatus } from './imports/format.js';

export interface AgentMonth {
  name: string;
  type: AgentType;
  manager: string | null;
  market: string | null;
  gp: Cents;
  /** Closed deals. */
  deals: number;
  /** Contracts terminated this month; null when the import did not say. */
  terminations: number | null;
  /** Commission actually paid. */
  commission: Cents;
}

export interface ManagerMonth {
  name: string;
  /** GP of the manager's team, when the import gave it. */
  gp: Cents | null;
  commission: Cents;
  team: string[];
}

export interface DealRecord {
  id: string;
  /** YYYY-MM-DD */
  date: string;
  agent: string;
  type: AgentType;
  market: string | null;
  gp: Cents;
  status: DealStatus;
}

export interface HistoryMonth {
  /** YYYY-MM */
  month: string;
  agents: AgentMonth[];
  managers: ManagerMonth[];
  /** Empty when the month was imported without deal-level data. */
  deals: DealRecord[];
}

/** Months oldest first, consecutive or not (a tenant may skip a month). */
export type History = HistoryMonth[];
