/**
 * Every analytics view against its response schema (src/schemas/analytics.ts): it validates (no
 * field the schema lacks, none of the wrong type), and Fastify's serialiser, which writes only what
 * the schema names, gives back exactly the view. A field added to a view without its schema fails
 * here instead of silently vanishing from the API.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import Fastify from 'fastify';
import type { TSchema } from 'typebox';
import { resolvePeriod } from '../../src/domain/analytics/periods.js';
import { dataSpan, rollupFromHistory, type MonthRollup } from '../../src/domain/analytics/rollups.js';
import { validateBody } from '../../src/http/schemas/validate.js';
import {
  AgentsViewSchema,
  MarketsViewSchema,
  PredictiveViewSchema,
  SummaryViewSchema,
  TeamsViewSchema,
  TerminationsViewSchema,
  type AgentsView,
  type MarketsView,
  type PredictiveView,
  type SummaryView,
  type TeamsView,
  type TerminationsView,
} from '../../src/schemas/analytics.js';
import { forecastSeries } from '../../src/domain/analytics/forecast.js';
import { VIEWS, type ViewName, type ViewResult } from '../../src/services/analytics/analytics-views.js';
import { fixtureHistory } from './analytics-fixture.js';

const SCHEMAS: Record<ViewName, TSchema> = {
  summary: SummaryViewSchema,
  agents: AgentsViewSchema,
  teams: TeamsViewSchema,
  terminations: TerminationsViewSchema,
  markets: MarketsViewSchema,
  predictive: PredictiveViewSchema,
};

// Compile-time half: each view's type is its schema's Static type, both ways.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const same: [
  Same<ViewResult<'summary'>, SummaryView>,
  Same<ViewResult<'agents'>, AgentsView>,
  Same<ViewResult<'teams'>, TeamsView>,
  Same<ViewResult<'terminations'>, TerminationsView>,
  Same<ViewResult<'markets'>, MarketsView>,
  Same<ViewResult<'predictive'>, PredictiveView>,
] = [true, true, true, true, true, true];

async function viewOf(view: ViewName, rollups: MonthRollup[], query: { period?: string }): Promise<unknown> {
  const resolved = resolvePeriod(query, dataSpan(rollups));
  assert.ok(resolved.ok);
  const coordinates = new Map([['Phoenix, AZ', { lat: 33.45, lon: -112.07 }]]);
  return VIEWS[view](rollups, resolved.period, { settings: { termination_threshold: 0.15, accounting: {}, payees_see_drafts: false }, coordinates, forecaster: forecastSeries });
}

async function serialized(schema: TSchema, value: unknown): Promise<unknown> {
  const app = Fastify();
  app.get('/view', { schema: { response: { 200: schema } } }, async () => value);
  try {
    return (await app.inject({ url: '/view' })).json();
  } finally {
    await app.close();
  }
}

describe('analytics response schemas', () => {
  it('type each view exactly', () => assert.deepEqual(same, [true, true, true, true, true, true]));

  const full = rollupFromHistory(fixtureHistory());
  // One month: no comparison period, no forecast to speak of, nulls where the views have them.
  const single = full.slice(-1);
  for (const [label, rollups, query] of [
    ['14 months of fixture data', full, { period: 'all' }],
    ['the last month alone', single, { period: 'all' }],
  ] as const) {
    for (const view of Object.keys(SCHEMAS) as ViewName[]) {
      it(`${view}, ${label}: validates and serialises to itself`, async () => {
        const value = await viewOf(view, rollups, query);
        const checked = validateBody(SCHEMAS[view], value);
        assert.deepEqual(checked.ok ? [] : checked.errors, []);
        assert.deepEqual(await serialized(SCHEMAS[view], value), JSON.parse(JSON.stringify(value)));
      });
    }
  }

  it('are exercised with their optional parts present (the fixture is rich enough)', async () => {
    const summary = (await viewOf('summary', full, { period: 'all' })) as SummaryView;
    assert.ok(summary.forecast && summary.forecast.candidates.length > 0, 'a forecast with candidates');
    const markets = (await viewOf('markets', full, { period: 'all' })) as MarketsView;
    assert.ok(markets.markets.some((market) => market.coordinates !== null && market.points.length > 0), 'a placed market with points');
    const teams = (await viewOf('teams', full, { period: 'all' })) as TeamsView;
    assert.ok(teams.teams.some((team) => team.manager !== null), 'a managed team');
    const predictive = (await viewOf('predictive', full, { period: 'all' })) as PredictiveView;
    assert.ok(predictive.forecast.commission && predictive.forecast.commission.points.length > 0, 'a forecast path');
  });
});
