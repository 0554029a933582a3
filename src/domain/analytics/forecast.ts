/**
 * Next month's figure (total commission, or any monthly series) with an 80% interval and the
 * evidence for trusting it, the way the statistical standard does it: the ETS family (ets.ts) is
 * fitted by likelihood and ranked by AICc; the best model and the mean of the best three (forecast
 * combinations are hard to beat) compete with the naive and seasonal-naive benchmarks in a
 * rolling-origin backtest over the last twelve months (a full season) when the history allows.
 * The backtest runs as production would: the models are chosen and fitted on the months before
 * the window only, then step through it one month at a time, each forecast made before its month
 * is seen. The AICc-chosen model stands unless another method's backtest MASE is clearly lower
 * (by a tenth); users see the chosen method's MAPE and MASE.
 *
 * The maths runs in floating point on cents; the values handed out are rounded to whole cents.
 */
import type { Cents } from '../money.js';
import { cloneState, fitAll, fitEts, forecastPath, oneStep, refit, update, type EtsFit, SEASON_LENGTH } from './ets.js';

export type ForecastMethod = 'naive' | 'seasonal_naive' | 'holt_winters' | 'ets' | 'ets_combination';

export interface ForecastCandidate {
  method: ForecastMethod;
  /** Mean absolute percentage error of the one-step backtest, in percent (4.2 = 4.2%); null when every actual was 0. */
  mape: number | null;
  /** Mean absolute scaled error of the backtest (1 = as good as the in-sample seasonal naive). */
  mase: number | null;
  /** Root mean squared backtest error, in cents. */
  rmse: Cents;
}

export interface ForecastPoint {
  /** 1 = the month after the last observation. */
  step: number;
  value: Cents;
  interval_80: { low: Cents; high: Cents };
}

export interface Forecast {
  method: ForecastMethod;
  /** The model behind an ETS forecast, e.g. `ETS(M,Ad,M)`, or the models averaged; null for the benchmarks. */
  model: string | null;
  /** The next month's value, whole cents. */
  value: Cents;
  interval_80: { low: Cents; high: Cents };
  /** The chosen method's backtest MAPE in percent. */
  mape: number | null;
  /** The chosen method's backtest MASE. */
  mase: number | null;
  /** How many months the backtest covered (up to {@link BACKTEST_MONTHS}). */
  backtest_months: number;
  /** Every candidate that competed, best first. */
  candidates: ForecastCandidate[];
  /** Further months when a horizon above 1 was asked for; path[0] is the next month. */
  path: ForecastPoint[];
  /** Why the figure deserves less trust than usual, when it does. */
  note: string | null;
}

/** How a forecast was made and how well its method did in the backtest: what every view of one shows. */
export type ForecastFit = Pick<Forecast, 'method' | 'model' | 'mape' | 'mase' | 'backtest_months' | 'note'>;

/**
 * What makes a forecast from a series: {@link forecastSeries}, or a memo of it (the service keeps one
 * per tenant, src/services/analytics/forecast-memo.ts). Views take one so that the same history is
 * not fitted again on every request; what it returns is shared and must not be changed.
 */
export type Forecaster = (values: readonly number[], horizon?: number) => Forecast | null;

/** A forecast's {@link ForecastFit}: what every view of one shows beside its values. */
export function fitOf(forecast: Forecast): ForecastFit {
  return { method: forecast.method, model: forecast.model, mape: forecast.mape, mase: forecast.mase, backtest_months: forecast.backtest_months, note: forecast.note };
}

/** A full season of one-step forecasts when the history allows. */
export const BACKTEST_MONTHS = 12;
export const SEASON = SEASON_LENGTH;
/** Below this there is no honest forecast at all: no number, say so. */
export const MIN_FORECAST_MONTHS = 4;
/** z for a two-sided 80% normal interval. */
const Z80 = 1.2816;
/** How many of the best models (by AICc) the combination averages. */
const COMBINED = 3;
/** Models that led before the backtest window and are refitted on the whole history. */
const REFITTED = 6;
/**
 * The AICc choice stands unless another method's backtest MASE is lower by at least this share of
 * it. Twelve one-step errors are a noisy verdict: letting the lowest MASE win outright picked the
 * benchmarks on noise: pooled MASE 0.587 against 0.572 with this rule (bench:forecast, 48 series).
 */
const CLEAR_WIN = 0.1;
/** Relative MASE differences below this are ties, settled in favour of the simpler method. */
const TIE = 1e-9;

/** In order of simplicity, which is also the tie-break: a fancier method must earn its place. */
const ORDER: readonly ForecastMethod[] = ['naive', 'seasonal_naive', 'holt_winters', 'ets', 'ets_combination'];

/**
 * Holt-Winters with an additive season and an additive or damped trend (ETS(A,A,A), ETS(A,Ad,A),
 * the better by AICc), in the backtest whenever two seasons precede the window, whatever its AICc
 * rank among all models: the textbook seasonal method as a named candidate beside the AICc choice.
 */
function holtWinters(training: readonly number[]): EtsFit | null {
  if (training.length < 2 * SEASON) return null;
  const fits = [fitEts(training, { error: 'A', trend: 'A', season: 'A' }), fitEts(training, { error: 'A', trend: 'Ad', season: 'A' })].filter(
    (fit): fit is EtsFit => fit !== null && Number.isFinite(fit.aicc),
  );
  return fits.sort((a, b) => a.aicc - b.aicc)[0] ?? null;
}

interface Predictor {
  method: ForecastMethod;
  model: string | null;
  /** One-step forecasts of `values[from..]`, each made from the values before it. */
  backtest(values: readonly number[], from: number): number[] | null;
}

const naive: Predictor = {
  method: 'naive',
  model: null,
  backtest: (values, from) => values.slice(from - 1, values.length - 1),
};

const seasonalNaive: Predictor = {
  method: 'seasonal_naive',
  model: null,
  backtest: (values, from) => (from < SEASON ? null : values.slice(from - SEASON, values.length - SEASON)),
};

/** The models chosen on the months before the window, stepped through it with their parameters fixed. */
function etsBacktest(fits: readonly EtsFit[], values: readonly number[], from: number): number[] {
  const states = fits.map((fit) => cloneState(fit.state));
  const out: number[] = [];
  for (let t = from; t < values.length; t += 1) {
    let sum = 0;
    fits.forEach((fit, index) => {
      const state = states[index]!;
      sum += oneStep(fit.spec, fit.params, state);
      update(fit.spec, fit.params, state, values[t] ?? 0);
    });
    out.push(sum / fits.length);
  }
  return out;
}

interface Scored {
  method: ForecastMethod;
  errors: number[];
  mape: number | null;
  mase: number | null;
  rmse: number;
}

/** Mean absolute error of the seasonal-naive (or, under a season of data, the naive) in-sample forecasts: MASE's scale. */
export function maseScale(values: readonly number[]): number | null {
  const lag = values.length > SEASON ? SEASON : 1;
  let sum = 0;
  for (let t = lag; t < values.length; t += 1) sum += Math.abs((values[t] ?? 0) - (values[t - lag] ?? 0));
  const count = values.length - lag;
  return count > 0 && sum > 0 ? sum / count : null;
}

function score(method: ForecastMethod, predictions: readonly number[], values: readonly number[], from: number, scale: number | null): Scored {
  const errors = predictions.map((prediction, i) => (values[from + i] ?? 0) - prediction);
  let absolutePercent = 0;
  let percentCount = 0;
  let absolute = 0;
  let squared = 0;
  errors.forEach((error, i) => {
    const actual = values[from + i] ?? 0;
    absolute += Math.abs(error);
    squared += error * error;
    if (actual !== 0) {
      absolutePercent += Math.abs(error / actual);
      percentCount += 1;
    }
  });
  const count = Math.max(1, errors.length);
  return {
    method,
    errors,
    mape: percentCount === 0 ? null : (100 * absolutePercent) / percentCount,
    mase: scale === null ? null : absolute / count / scale,
    rmse: Math.sqrt(squared / count),
  };
}

/** Lower MASE wins (RMSE when there is no scale); near-ties go to the simpler method. */
function better(a: Scored, b: Scored): boolean {
  const [x, y] = a.mase !== null && b.mase !== null ? [a.mase, b.mase] : [a.rmse, b.rmse];
  if (Math.abs(x - y) > TIE * Math.max(1, Math.abs(x), Math.abs(y))) return x < y;
  return ORDER.indexOf(a.method) < ORDER.indexOf(b.method);
}

/** The best-ranked method, or the AICc-chosen ETS model when the best one does not beat it clearly. */
function clearWinner(ranked: readonly Scored[]): Scored {
  const best = ranked[0]!;
  const ets = ranked.find((entry) => entry.method === 'ets');
  if (!ets || best === ets || best.mase === null || ets.mase === null) return best;
  return best.mase <= ets.mase * (1 - CLEAR_WIN) ? best : ets;
}

const roundTo = (value: number | null, decimals: number) => (value === null ? null : Math.round(value * 10 ** decimals) / 10 ** decimals);

function point(step: number, value: number, halfWidth: number, floorAtZero: boolean): ForecastPoint {
  const clamp = (cents: number) => (floorAtZero ? Math.max(0, cents) : cents);
  const rounded = clamp(Math.round(value));
  return {
    step,
    value: rounded,
    // Rounded outwards, so rounding to cents never narrows the interval or leaves the value outside it.
    interval_80: {
      low: Math.min(clamp(Math.floor(value - halfWidth)), rounded),
      high: Math.max(clamp(Math.ceil(value + halfWidth)), rounded),
    },
  };
}

/** One-step standard deviation of a fit at a forecast value: absolute errors, or relative ones times the value. */
function fitSigma(fit: EtsFit, value: number): number {
  const sigma = Math.sqrt(Math.max(0, fit.sigma2));
  return fit.spec.error === 'M' ? Math.abs(value) * sigma : sigma;
}

/**
 * Forecasts the months after `values` (oldest first, one per consecutive month, in cents). Null
 * below {@link MIN_FORECAST_MONTHS} months: three numbers are no basis for a forecast.
 *
 * The 80% interval is ±1.2816 σ around the value, σ pooled from the chosen model's in-sample
 * one-step variance and the backtest's out-of-sample errors (in-sample variance alone is known
 * to be too narrow), widened by √step for later months.
 */
export function forecastSeries(values: readonly number[], horizon = 1): Forecast | null {
  if (values.length < MIN_FORECAST_MONTHS) return null;
  const steps = Math.max(1, Math.floor(horizon));
  // Commission and GP series are never negative in a healthy tenant; a negative forecast would be noise.
  const floorAtZero = values.every((value) => value >= 0);

  // A season of months when the history allows, never more than half of it: the models must have
  // something to learn from before the window opens.
  const months = Math.min(BACKTEST_MONTHS, Math.floor(values.length / 2));
  const from = values.length - months;
  const training = values.slice(0, from);
  const scale = maseScale(training);
  const trainingFits = fitAll(training);
  const predictors: Predictor[] = [naive, seasonalNaive];
  const trainingHoltWinters = holtWinters(training);
  if (trainingHoltWinters) {
    predictors.push({ method: 'holt_winters', model: trainingHoltWinters.name, backtest: (series, start) => etsBacktest([trainingHoltWinters], series, start) });
  }
  if (trainingFits.length > 0) {
    predictors.push({ method: 'ets', model: trainingFits[0]!.name, backtest: (series, start) => etsBacktest(trainingFits.slice(0, 1), series, start) });
  }
  if (trainingFits.length > 1) {
    predictors.push({ method: 'ets_combination', model: null, backtest: (series, start) => etsBacktest(trainingFits.slice(0, COMBINED), series, start) });
  }
  const scored = predictors.flatMap((predictor) => {
    const predictions = predictor.backtest(values, from);
    return predictions ? [score(predictor.method, predictions, values, from, scale)] : [];
  });
  const ranked = [...scored].sort((a, b) => (better(a, b) ? -1 : better(b, a) ? 1 : 0));
  const winner = clearWinner(ranked);

  // The winner, refitted on every month: the models that led before the window, ranked again.
  const fits =
    winner.method === 'holt_winters' && trainingHoltWinters
      ? refit(values, [trainingHoltWinters])
      : winner.method === 'ets' || winner.method === 'ets_combination'
        ? refit(values, trainingFits.slice(0, REFITTED))
        : [];
  const chosen = winner.method === 'ets' || winner.method === 'holt_winters' ? fits.slice(0, 1) : fits.slice(0, COMBINED);
  let pathValues: number[];
  let inSampleSigma: number;
  let model: string | null = null;
  if (chosen.length > 0) {
    const paths = chosen.map((fit) => forecastPath(fit, steps));
    pathValues = Array.from({ length: steps }, (_, h) => paths.reduce((sum, p) => sum + (p[h] ?? 0), 0) / paths.length);
    inSampleSigma = chosen.reduce((sum, fit) => sum + fitSigma(fit, pathValues[0] ?? 0), 0) / chosen.length;
    model = chosen.length === 1 ? chosen[0]!.name : `mean of ${chosen.map((fit) => fit.name).join(', ')}`;
  } else {
    const n = values.length;
    const lag = winner.method === 'seasonal_naive' ? SEASON : 1;
    pathValues = Array.from({ length: steps }, (_, h) => values[n - lag + (h % lag)] ?? 0);
    inSampleSigma = (maseScale(values) ?? 0) * 1.25; // a mean absolute error is about 0.8 σ for normal errors
  }
  const outOfSample = winner.rmse;
  const sigma = Math.sqrt((values.length * inSampleSigma ** 2 + months * outOfSample ** 2) / (values.length + months));
  const path = pathValues.map((value, i) => point(i + 1, value, Z80 * sigma * Math.sqrt(i + 1), floorAtZero));
  const head = path[0]!;

  const notes: string[] = [];
  if (months < BACKTEST_MONTHS) notes.push(`backtest covers only ${months} month${months === 1 ? '' : 's'}; treat the error as a rough guide`);
  if (values.length < 2 * SEASON) notes.push('under two years of history: no seasonal model was considered');
  return {
    method: winner.method,
    model,
    value: head.value,
    interval_80: head.interval_80,
    mape: roundTo(winner.mape, 1),
    mase: roundTo(winner.mase, 3),
    backtest_months: months,
    candidates: ranked.map((entry) => ({ method: entry.method, mape: roundTo(entry.mape, 1), mase: roundTo(entry.mase, 3), rmse: Math.round(entry.rmse) })),
    path,
    note: notes.length > 0 ? notes.join('; ') : null,
  };
}
