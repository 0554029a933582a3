/**
 * The commission month as it travels in and out of the platform (CONTRACT.md, "Import body").
 * Amounts are JSON numbers with at most two decimals; inside the platform they become integer cents
 * (see ../money.ts) and are never summed as floats.
 */
export type AgentType = 'acq' | 'dispo';
export type DealStatus = 'closed' | 'terminated';

export interface ImportMetadata {
  total_gp?: number;
  total_transactions?: number;
  /** Commission as a percentage of GP, e.g. 14.3. */
  commission_pct?: number;
}

export interface ImportAgent {
  name: string;
  type: AgentType;
  gp: number;
  deals: number;
  commission: number;
  terminations?: number;
  market?: string;
  manager?: string;
}

export interface ImportManager {
  name: string;
  gp?: number;
  commission: number;
  team?: string[];
}

export interface ImportDeal {
  id: string;
  /** YYYY-MM-DD */
  date: string;
  agent: string;
  type: AgentType;
  market?: string;
  gp: number;
  status: DealStatus;
}

/** Where a market is, when the tenant knows better than the shipped table of metros. */
export interface ImportMarket {
  name: string;
  lat: number;
  lon: number;
}

export interface CommissionMonth {
  /** YYYY-MM */
  month: string;
  metadata?: ImportMetadata;
  agents: ImportAgent[];
  managers?: ImportManager[];
  deals?: ImportDeal[];
  markets?: ImportMarket[];
}
