/**
 * The API's response shapes as the web app reads them. Each is the Static type of the route's own
 * response schema in src/schemas (type imports only: nothing of the server is bundled), so the
 * server and the dashboard cannot drift apart. The plan shapes below are still written by hand:
 * their route schemas are not complete yet.
 */
export type { Entitlements } from '../../src/schemas/entitlements.js';
export type { Branding } from '../../src/schemas/branding.js';
export type {
  AgentSeries,
  AgentsView,
  Figures,
  Market,
  MarketsView,
  PeriodView,
  PredictivePath,
  PredictiveView,
  ProblemAgentDetail,
  SeriesPoint,
  SummaryView as Summary,
  TeamsView,
  TerminationsView,
} from '../../src/schemas/analytics.js';
export type { ImportResult, MonthListView as MonthList, MonthSummaryView as MonthSummary } from '../../src/schemas/commissions.js';
export type { CommissionMonth, ImportDeal as Deal } from '../../src/domain/imports/format.js';
export type { ImportMapping } from '../../src/domain/closings/mapping.js';
import type { Static } from 'typebox';
import type { ClosingsImportResponse, ClosingsMonthListResponse, ClosingsPreviewResponse } from '../../src/http/schemas/closings.js';
import type { ImportMappingView, MappingSuggestionView } from '../../src/http/schemas/import-mapping.js';
import type { ImportMapping } from '../../src/domain/closings/mapping.js';
export type ClosingsPreview = Static<typeof ClosingsPreviewResponse>;
export type ClosingsImportResult = Static<typeof ClosingsImportResponse>;
export type ClosingsMonthList = Static<typeof ClosingsMonthListResponse>;
/** The route schemas leave a mapping open (its keys are checked in the domain): typed here as the domain's. */
export type MappingSuggestion = Omit<Static<typeof MappingSuggestionView>, 'mapping'> & { mapping: ImportMapping };
export type SavedMapping = Omit<Static<typeof ImportMappingView>, 'mapping'> & { mapping: ImportMapping };

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
export type { AdjustmentView as Adjustment, PayoutListView as PayoutList, PayoutView as Payout } from '../../src/schemas/payouts.js';
