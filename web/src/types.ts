/** The API's response shapes, as far as the web app reads them (src/domain/analytics/*, src/http/routes/*). */
export interface Entitlements {
  commission_intelligence: boolean;
  subscription_tier: 'none' | 'promo' | 'premium' | 'enterprise';
  promo_until: string | null;
  promo_days_left?: number | null;
  upgrade_url?: string;
  features?: string[];
}

export interface Branding {
  white_label: boolean;
  name: string | null;
  logo_url: string | null;
  primary_color: string | null;
  accent_color: string | null;
}

export interface PeriodView {
  from: string;
  to: string;
  label: string;
  as_of: string;
}

export interface Figures {
  gp: number;
  commission: number;
  closed: number;
  terminated: number;
  termination_rate: number | null;
  commission_pct: number | null;
}

export interface SeriesPoint extends Figures {
  month: string;
}

export interface ProblemAgentDetail {
  name: string;
  rule: string;
  explanation: string;
}

export interface Summary {
  commission_pct: number | null;
  efficiency_gain: string | null;
  problem_agents: string[];
  forecast_next_month: number | null;
  termination_rate: number | null;
  period_label?: string;
  as_of?: string;
  period?: { from: string; to: string; months: number; months_with_data: number };
  gp?: number;
  commission?: number;
  agent_commission?: number;
  manager_commission?: number;
  problem_agent_details?: ProblemAgentDetail[];
  forecast?: { month: string; method: string; value: number; interval_80: { low: number; high: number }; mape: number | null } | null;
}

export interface AgentSeries {
  name: string;
  type: 'acq' | 'dispo';
  manager: string | null;
  market: string | null;
  totals: Figures;
  points: SeriesPoint[];
}

export interface AgentsView {
  period: PeriodView;
  agents: AgentSeries[];
}

export interface TeamsView {
  period: PeriodView;
  teams: Array<{ manager: string | null; agents: string[]; totals: Figures; points: SeriesPoint[] }>;
}

export interface TerminationsView {
  period: PeriodView;
  agents: Array<{ name: string; closed: number; terminated: number; termination_rate: number | null }>;
}

export interface Market {
  name: string;
  coordinates: { lat: number; lon: number } | null;
  closed: number;
  terminated: number;
  contracts: number;
  gp: number;
  termination_rate: number | null;
  termination_risk: number | null;
}

export interface MarketsView {
  period: PeriodView;
  markets: Market[];
}

export interface PredictivePath {
  method: string;
  mape: number | null;
  backtest_months: number;
  note: string | null;
  points: Array<{ month: string; value: number; low: number; high: number }>;
}

export interface PredictiveView {
  period: PeriodView;
  history: Array<{ month: string; gp: number; commission: number; interpolated: boolean }>;
  forecast: { commission: PredictivePath | null; gp: PredictivePath | null };
}

export interface MonthSummary {
  month: string;
  total_gp: number;
  total_commission: number;
  commission_pct: number | null;
  agents: number;
  managers: number;
  transactions: number;
  terminations: number;
  imported_at: string;
}

export interface MonthList {
  items: MonthSummary[];
  total: number;
}

export interface Deal {
  id: string;
  date?: string;
  agent: string;
  type?: string;
  market?: string;
  gp: number;
  status?: 'closed' | 'terminated';
}

export interface CommissionMonth {
  month: string;
  deals?: Deal[];
}

export interface ImportResult {
  status: 'success';
  month?: string;
  imported: { agents: number; managers: number; deals?: number; total_commission: number };
  replaced: boolean;
  validation_warnings: string[];
}

export interface Bracket {
  up_to: number | null;
  rate: number;
}

export interface PlanDefinition {
  name: string;
  applies_to: string[];
  basis: 'deal' | 'month' | 'quarter' | 'year';
  tiers: { measure: 'gp' | 'deals'; mode: 'graduated' | 'retroactive'; brackets: Bracket[] };
  [key: string]: unknown;
}

export interface StoredPlan {
  id: string;
  name?: string;
  definition?: PlanDefinition;
  [key: string]: unknown;
}

export interface AgentComparison {
  agent: string;
  simulated: number;
  actual: number;
  delta: number;
  delta_pct?: number | null;
}

export interface Simulation {
  total_commission: number;
  actual_commission: number;
  commission_pct: number | null;
  actual_commission_pct?: number | null;
  by_agent: AgentComparison[];
  winners?: AgentComparison[];
  losers?: AgentComparison[];
  warnings?: string[];
}

export interface OptimizeResult {
  plans: Array<{ plan: PlanDefinition; simulation: Simulation; target_gap_pct: number; worst_loss_pct: number }>;
  reason: string | null;
  evaluated?: number;
}
