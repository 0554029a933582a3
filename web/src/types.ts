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
  TierSignalsView,
} from '../../src/schemas/analytics.js';
export type { ImportPreview, ImportResult, MonthListView as MonthList, MonthSummaryView as MonthSummary } from '../../src/schemas/commissions.js';
export type { CommissionMonth, ImportDeal as Deal } from '../../src/domain/imports/format.js';
export type { ImportMapping } from '../../src/domain/closings/mapping.js';
import type { Static } from 'typebox';
import type { ClosingsImportResponse, ClosingsMonthListResponse, ClosingsPreviewResponse } from '../../src/http/schemas/closings.js';
import type { ImportMappingView, MappingSuggestionView } from '../../src/http/schemas/import-mapping.js';
export type ClosingsPreview = Static<typeof ClosingsPreviewResponse>;
export type ClosingsImportResult = Static<typeof ClosingsImportResponse>;
export type ClosingsMonthList = Static<typeof ClosingsMonthListResponse>;
export type MappingSuggestion = Static<typeof MappingSuggestionView>;
export type SavedMapping = Static<typeof ImportMappingView>;

import type { ClosingsSimulationResult, OptimizeResultView, PlanDefinitionView, SimulationResult, StoredPlanView } from '../../src/schemas/plans.js';
export type PlanDefinition = PlanDefinitionView;
export type Bracket = NonNullable<PlanDefinition['tiers']>['brackets'][number];
export type StoredPlan = StoredPlanView;
export type Simulation = SimulationResult;
export type AgentComparison = Simulation['by_agent'][number];
export type OptimizeResult = OptimizeResultView;
/** `POST /plans/simulate` with `source: "closings"`. */
export type ClosingsSimulation = ClosingsSimulationResult;
export type { AdjustmentView as Adjustment, PayoutListView as PayoutList, PayoutView as Payout } from '../../src/schemas/payouts.js';
export type { MeView as Me, MyStatementsView as MyStatements, MyStatementView as MyStatement } from '../../src/schemas/me.js';
export type { InquiryView as Inquiry, InquiryListView as InquiryList } from '../../src/schemas/inquiries.js';
