/**
 * The analytics summary (CONTRACT.md, `GET /analytics/summary`): the contract's five fields plus the
 * detail behind each. This is a view, so amounts are currency numbers with at most two decimals (as
 * in the import body), converted exactly from the cents everything is computed in.
 */
import { toAmount } from '../money.js';
import { efficiencyOf, type Efficiency } from './efficiency.js';
import { commissionPct, terminationRate } from './figures.js';
import { forecastSeries, type ForecastCandidate, type Forecaster, type ForecastMethod } from './forecast.js';
import { addMonths, rangeLength, type MonthRange } from './months.js';
import { DEFAULT_TERMINATION_THRESHOLD, problemAgents, type ProblemAgentDetail } from './problem-agents.js';
import { dataSpan, monthlyValues, payKnown, totalsIn, type MonthRollup } from './rollups.js';

export interface SummarySettings {
  /** Termination-rate fraction above which an agent is a problem agent. */
  termination_threshold: number;
}

export const DEFAULT_SUMMARY_SETTINGS: SummarySettings = { termination_threshold: DEFAULT_TERMINATION_THRESHOLD };

export interface SummaryForecast {
  /** The month forecast (YYYY-MM): the one after the last month with data up to "now". */
  month: string;
  method: ForecastMethod;
  /** The ETS model(s) behind the figure, e.g. `ETS(M,Ad,M)`; null for naive and seasonal naive. */
  model: string | null;
  /** Total commission, currency amount. */
  value: number;
  interval_80: { low: number; high: number };
  /** Backtest MAPE of the chosen method in percent over `backtest_months` months. */
  mape: number | null;
  /** Backtest MASE of the chosen method (below 1: better than the in-sample seasonal naive). */
  mase: number | null;
  backtest_months: number;
  candidates: Array<{ method: ForecastMethod; mape: number | null; mase: number | null }>;
  note: string | null;
}

export interface Summary {
  period: MonthRange & { months: number; months_with_data: number };
  gp: number;
  commission: number;
  agent_commission: number;
  manager_commission: number;
  closed: number;
  terminated: number;
  /** All commission (agents and managers) over GP, percent with one decimal: 14.3; over the GP of months whose pay is known. */
  commission_pct: number | null;
  /**
   * Months of the period with closings but no known pay yet (no payouts, no payee import): their
   * GP and deals count, their commission is not invented; commission %, efficiency and the
   * commission forecast leave them out.
   */
  months_without_pay: string[];
  pay_note: string | null;
  /** Terminated over closed plus terminated, fraction with three decimals: 0.138. */
  termination_rate: number | null;
  efficiency_gain: string | null;
  efficiency_gain_pct: number | null;
  efficiency: Omit<Efficiency, 'efficiency_gain' | 'efficiency_gain_pct'>;
  problem_agents: string[];
  problem_agent_details: ProblemAgentDetail[];
  /** Total commission forecast for next month, currency amount; null below four months of history. */
  forecast_next_month: number | null;
  forecast: SummaryForecast | null;
}

function candidateView(candidate: ForecastCandidate): { method: ForecastMethod; mape: number | null; mase: number | null } {
  return { method: candidate.method, mape: candidate.mape, mase: candidate.mase };
}

/**
 * Summarises `range`. The forecast looks forward from `range.now` when given (the resolved period's
 * "now", see periods.ts) and from the end of the range otherwise, using every month up to it: a
 * forecast needs history, not just the months being summarised. `forecast` makes it: the service
 * passes a memo of {@link forecastSeries} (the series is the same for every period of one history).
 */
export function summarize(
  rollups: readonly MonthRollup[],
  range: MonthRange & { now?: string },
  settings: Partial<SummarySettings> = {},
  forecast: Forecaster = forecastSeries,
): Summary {
  const options = { ...DEFAULT_SUMMARY_SETTINGS, ...settings };
  const totals = totalsIn(rollups, range);
  const paid = totals.months_without_pay.length === 0 ? rollups : rollups.filter(payKnown);
  const { efficiency_gain, efficiency_gain_pct, ...efficiency } = efficiencyOf(paid, range, dataSpan(paid));
  const flags = problemAgents(rollups, range, { termination_threshold: options.termination_threshold });

  const history = monthlyValues(paid, range.now ?? range.to, (rollup) => rollup.commission);
  const next = forecast(history.values);
  const lastMonth = history.months[history.months.length - 1];
  const forecastView: SummaryForecast | null =
    next && lastMonth
      ? {
          month: addMonths(lastMonth, 1),
          method: next.method,
          model: next.model,
          value: toAmount(next.value),
          interval_80: { low: toAmount(next.interval_80.low), high: toAmount(next.interval_80.high) },
          mape: next.mape,
          mase: next.mase,
          backtest_months: next.backtest_months,
          candidates: next.candidates.map(candidateView),
          note:
            history.filled > 0
              ? [`${history.filled} missing month${history.filled === 1 ? '' : 's'} interpolated`, next.note].filter(Boolean).join('; ')
              : next.note,
        }
      : null;

  return {
    period: { from: range.from, to: range.to, months: rangeLength(range), months_with_data: totals.months_with_data },
    gp: toAmount(totals.gp),
    commission: toAmount(totals.commission),
    agent_commission: toAmount(totals.agent_commission),
    manager_commission: toAmount(totals.manager_commission),
    closed: totals.closed,
    terminated: totals.terminated,
    commission_pct: commissionPct(totals.commission, totals.paid_gp),
    months_without_pay: totals.months_without_pay,
    pay_note:
      totals.months_without_pay.length === 0
        ? null
        : `${totals.months_without_pay.join(', ')}: closings imported, pay not calculated yet; commission figures leave ${totals.months_without_pay.length === 1 ? 'this month' : 'these months'} out`,
    termination_rate: terminationRate(totals.terminated, totals.closed),
    efficiency_gain,
    efficiency_gain_pct,
    efficiency,
    problem_agents: flags.problem_agents,
    problem_agent_details: flags.problem_agent_details,
    forecast_next_month: forecastView ? forecastView.value : null,
    forecast: forecastView,
  };
}
