// The forecast as it was before ETS (kept for `npm run bench:forecast` only, to print beside the new one).
/**
 * Next month's figure (total commission, or any monthly series) with an 80% interval and the
 * evidence for trusting it. Several honest candidates compete and the one with the smallest
 * backtest error wins: every candidate is refit on the data before each of the last six months and
 * asked for that month, exactly as it would have been used in production. Users see the winner's
 * MAPE, so a forecast that has been poor says so.
 *
 * The maths runs in floating point on cents; the values handed out are rounded to whole cents.
 */
type Cents = number;

export type ForecastMethod = 'last_value' | 'mean' | 'naive' | 'seasonal_naive' | 'holt' | 'holt_winters';

export interface ForecastCandidate {
  method: ForecastMethod;
  /** Mean absolute percentage error of the one-step backtest, in percent (4.2 = 4.2%); null when every actual was 0. */
  mape: number | null;
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
  /** The next month's value, whole cents. */
  value: Cents;
  interval_80: { low: Cents; high: Cents };
  /** The chosen method's backtest MAPE in percent; null when there was no backtest. */
  mape: number | null;
  /** How many months the backtest covered (up to {@link BACKTEST_MONTHS}). */
  backtest_months: number;
  /** Every candidate that competed, best first. */
  candidates: ForecastCandidate[];
  /** Further months when a horizon above 1 was asked for; path[0] is the next month. */
  path: ForecastPoint[];
  /** Why the figure deserves less trust than usual, when it does. */
  note: string | null;
}

export const BACKTEST_MONTHS = 6;
export const SEASON = 12;
/** z for a two-sided 80% normal interval. */
const Z80 = 1.2816;
/** Half-width of the fallback interval as a share of the value: with one or two months, say "wide". */
const FALLBACK_SPREAD = 0.5;
/** MAPE differences below this (in percentage points) are ties, settled in favour of the simpler method. */
const TIE = 1e-6;

interface Fitted {
  /** The forecast `steps` months after the last training month. */
  predict(steps: number): number;
}

interface Candidate {
  method: ForecastMethod;
  /** Least training data a fit needs. */
  minTrain: number;
  /** Least series length before the candidate competes at all. */
  minSeries: number;
  fit(values: readonly number[]): Fitted;
}

// ---------------------------------------------------------------------------------------------
// Candidates

const naive: Candidate = {
  method: 'naive',
  minTrain: 1,
  minSeries: 1,
  fit(values) {
    const last = values[values.length - 1] ?? 0;
    return { predict: () => last };
  },
};

const seasonalNaive: Candidate = {
  method: 'seasonal_naive',
  minTrain: SEASON,
  minSeries: SEASON,
  fit(values) {
    const n = values.length;
    return { predict: (steps) => values[n - SEASON + ((steps - 1) % SEASON)] ?? 0 };
  },
};

/** Smoothing weights searched for Holt's method: fine enough to find a trend, cheap enough per request. */
const HOLT_ALPHAS = Array.from({ length: 20 }, (_, i) => (i + 1) / 20);
const HOLT_BETAS = Array.from({ length: 21 }, (_, i) => i / 20);

interface HoltState {
  sse: number;
  level: number;
  trend: number;
}

/** Holt's linear trend started from the first two points; SSE of the one-step forecasts from t = 2. */
function runHolt(values: readonly number[], alpha: number, beta: number): HoltState {
  let level = values[1] ?? values[0] ?? 0;
  let trend = values.length > 1 ? (values[1] ?? 0) - (values[0] ?? 0) : 0;
  let sse = 0;
  for (let t = 2; t < values.length; t += 1) {
    const actual = values[t] ?? 0;
    const error = actual - (level + trend);
    sse += error * error;
    const next = alpha * actual + (1 - alpha) * (level + trend);
    trend = beta * (next - level) + (1 - beta) * trend;
    level = next;
  }
  return { sse, level, trend };
}

const holt: Candidate = {
  method: 'holt',
  minTrain: 2,
  minSeries: 2,
  fit(values) {
    let best = runHolt(values, HOLT_ALPHAS[0] ?? 0.5, HOLT_BETAS[0] ?? 0);
    for (const alpha of HOLT_ALPHAS) {
      for (const beta of HOLT_BETAS) {
        const state = runHolt(values, alpha, beta);
        if (state.sse < best.sse) best = state;
      }
    }
    const { level, trend } = best;
    return { predict: (steps) => level + steps * trend };
  },
};

const HW_ALPHAS = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1];
const HW_BETAS = [0, 0.05, 0.1, 0.2, 0.3, 0.5];
const HW_GAMMAS = [0, 0.1, 0.2, 0.3, 0.5];

interface WintersStart {
  level: number;
  trend: number;
  /** Seasonal indices of the first season. */
  seasonal: number[];
}

/**
 * Start values for additive Holt-Winters: the first season detrended by the average year-over-year
 * change, so a series that is exactly trend + season is reproduced exactly; the plain "value minus
 * first-year mean" start would book the first year's trend as seasonality.
 */
function wintersStart(values: readonly number[]): WintersStart {
  const pairs = Math.min(SEASON, values.length - SEASON);
  let yearOverYear = 0;
  for (let i = 0; i < pairs; i += 1) yearOverYear += (values[SEASON + i] ?? 0) - (values[i] ?? 0);
  const trend = yearOverYear / (pairs * SEASON);
  let firstYear = 0;
  for (let i = 0; i < SEASON; i += 1) firstYear += values[i] ?? 0;
  const mean = firstYear / SEASON;
  const middle = (SEASON - 1) / 2;
  return {
    level: mean + trend * middle,
    trend,
    seasonal: Array.from({ length: SEASON }, (_, j) => (values[j] ?? 0) - (mean + trend * (j - middle))),
  };
}

interface WintersState {
  sse: number;
  level: number;
  trend: number;
}

/**
 * Additive Holt-Winters from `start`, one-step SSE from the second season on. `seasonal` is a
 * scratch buffer of the series' length (reused across the grid search, which runs this hundreds of
 * times per request); on return it holds every month's seasonal index.
 */
function runWinters(values: readonly number[], start: WintersStart, seasonal: Float64Array, alpha: number, beta: number, gamma: number): WintersState {
  for (let j = 0; j < SEASON; j += 1) seasonal[j] = start.seasonal[j] ?? 0;
  let { level, trend } = start;
  let sse = 0;
  for (let t = SEASON; t < values.length; t += 1) {
    const actual = values[t] ?? 0;
    const season = seasonal[t - SEASON] ?? 0;
    const error = actual - (level + trend + season);
    sse += error * error;
    const next = alpha * (actual - season) + (1 - alpha) * (level + trend);
    trend = beta * (next - level) + (1 - beta) * trend;
    level = next;
    seasonal[t] = gamma * (actual - level) + (1 - gamma) * season;
  }
  return { sse, level, trend };
}

const holtWinters: Candidate = {
  method: 'holt_winters',
  // Refits in the backtest see at least a year and a half; the model competes from two full years.
  minTrain: 18,
  minSeries: 24,
  fit(values) {
    const start = wintersStart(values);
    const seasonal = new Float64Array(Math.max(values.length, SEASON));
    let best = { sse: Number.POSITIVE_INFINITY, alpha: 0.5, beta: 0, gamma: 0 };
    for (const alpha of HW_ALPHAS) {
      for (const beta of HW_BETAS) {
        for (const gamma of HW_GAMMAS) {
          const { sse } = runWinters(values, start, seasonal, alpha, beta, gamma);
          if (sse < best.sse) best = { sse, alpha, beta, gamma };
        }
      }
    }
    const { level, trend } = runWinters(values, start, seasonal, best.alpha, best.beta, best.gamma);
    const n = Math.max(values.length, SEASON);
    return { predict: (steps) => level + steps * trend + (seasonal[n - SEASON + ((steps - 1) % SEASON)] ?? 0) };
  },
};

/** In order of simplicity, which is also the tie-break: a fancier model must earn its place. */
const CANDIDATES: readonly Candidate[] = [naive, seasonalNaive, holt, holtWinters];

// ---------------------------------------------------------------------------------------------
// Backtest and selection

interface Scored {
  candidate: Candidate;
  mape: number | null;
  rmse: number;
}

function backtest(candidate: Candidate, values: readonly number[], months: number): Scored {
  let absolutePercent = 0;
  let percentCount = 0;
  let squared = 0;
  for (let t = values.length - months; t < values.length; t += 1) {
    const actual = values[t] ?? 0;
    const error = actual - candidate.fit(values.slice(0, t)).predict(1);
    squared += error * error;
    if (actual !== 0) {
      absolutePercent += Math.abs(error / actual);
      percentCount += 1;
    }
  }
  return {
    candidate,
    mape: percentCount === 0 ? null : (100 * absolutePercent) / percentCount,
    rmse: Math.sqrt(squared / months),
  };
}

/** Lower MAPE wins; RMSE decides when MAPE cannot be computed; near-ties go to the simpler method. */
function better(a: Scored, b: Scored): boolean {
  if (a.mape !== null && b.mape !== null) {
    if (Math.abs(a.mape - b.mape) > TIE) return a.mape < b.mape;
  } else if (a.mape !== null || b.mape !== null) {
    return a.mape !== null;
  } else if (Math.abs(a.rmse - b.rmse) > TIE) {
    return a.rmse < b.rmse;
  }
  return CANDIDATES.indexOf(a.candidate) < CANDIDATES.indexOf(b.candidate);
}

function roundTenth(value: number | null): number | null {
  return value === null ? null : Math.round(value * 10) / 10;
}

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

function fallback(values: readonly number[], horizon: number, floorAtZero: boolean): Forecast {
  const last = values[values.length - 1] ?? 0;
  const first = values[0] ?? 0;
  const single = values.length === 1;
  const value = single ? last : (first + last) / 2;
  const halfWidth = Math.max(FALLBACK_SPREAD * Math.abs(value), Math.abs(last - first));
  const path = Array.from({ length: horizon }, (_, i) => point(i + 1, value, halfWidth, floorAtZero));
  const head = path[0] ?? point(1, value, halfWidth, floorAtZero);
  return {
    method: single ? 'last_value' : 'mean',
    value: head.value,
    interval_80: head.interval_80,
    mape: null,
    backtest_months: 0,
    candidates: [],
    path,
    note:
      `only ${values.length} month${single ? '' : 's'} of history: the forecast is the ` +
      `${single ? 'last value' : 'mean'} with a deliberately wide interval (±50% or the month-to-month swing), and no backtest`,
  };
}

/**
 * Forecasts the months after `values` (oldest first, one per consecutive month, in cents). Null for
 * an empty series. With fewer than 3 months there is nothing to backtest, so the last value (1 month)
 * or the mean (2 months) is returned with a wide interval and a note saying so.
 *
 * The 80% interval is ±1.2816 × the winner's backtest RMSE (normal errors), widened by √step for
 * later months — the random-walk rule of thumb, honest about growing uncertainty without pretending
 * to each model's exact variance formula.
 */
export function forecastSeries(values: readonly number[], horizon = 1): Forecast | null {
  if (values.length === 0) return null;
  const steps = Math.max(1, Math.floor(horizon));
  // Commission and GP series are never negative in a healthy tenant; a negative forecast would be noise.
  const floorAtZero = values.every((value) => value >= 0);
  if (values.length < 3) return fallback(values, steps, floorAtZero);

  const months = Math.min(BACKTEST_MONTHS, values.length - 2);
  const trainLength = values.length - months;
  const scored = CANDIDATES.filter(
    (candidate) => values.length >= candidate.minSeries && trainLength >= candidate.minTrain,
  ).map((candidate) => backtest(candidate, values, months));
  const ranked = [...scored].sort((a, b) => (better(a, b) ? -1 : better(b, a) ? 1 : 0));
  const winner = ranked[0];
  if (!winner) return fallback(values, steps, floorAtZero);

  const model = winner.candidate.fit(values);
  const halfWidth = Z80 * winner.rmse;
  const path = Array.from({ length: steps }, (_, i) =>
    point(i + 1, model.predict(i + 1), halfWidth * Math.sqrt(i + 1), floorAtZero),
  );
  const head = path[0] ?? point(1, model.predict(1), halfWidth, floorAtZero);
  return {
    method: winner.candidate.method,
    value: head.value,
    interval_80: head.interval_80,
    mape: roundTenth(winner.mape),
    backtest_months: months,
    candidates: ranked.map((entry) => ({
      method: entry.candidate.method,
      mape: roundTenth(entry.mape),
      rmse: Math.round(entry.rmse),
    })),
    path,
    note: months < BACKTEST_MONTHS ? `backtest covers only ${months} month${months === 1 ? '' : 's'}; treat the error as a rough guide` : null,
  };
}
