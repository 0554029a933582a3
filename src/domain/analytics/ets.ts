/**
 * Exponential smoothing in its state-space form (ETS: Error, Trend, Season), as Hyndman, Koehler,
 * Ord and Snyder set it out ("Forecasting with Exponential Smoothing", 2008) and as R's `forecast::ets`
 * and statsmodels' `ETSModel` implement it: each model is fitted by maximum likelihood and the models
 * are compared by AICc. A model is named ETS(error, trend, season): error A or M, trend N, A or Ad
 * (damped), season N, A or M. Multiplicative models need a strictly positive series.
 *
 * Speed matters more here than the last decimal of the likelihood: a cold summary fits every model
 * twice (on the whole series and before the backtest window) within a few milliseconds. So the
 * smoothing parameters are optimised (Nelder–Mead on the concentrated likelihood) from initial
 * states a classical decomposition of the first seasons gives (both references start there), then
 * the initial states are estimated for those parameters (Gauss–Newton on the one-step errors): the
 * states are estimated, as the AICc counts them. A second parameter search from the new states
 * doubled the cost and did not forecast better (bench:forecast, pooled MASE 0.576 against 0.572).
 */

export type ErrorType = 'A' | 'M';
export type TrendType = 'N' | 'A' | 'Ad';
export type SeasonType = 'N' | 'A' | 'M';

export interface EtsSpec {
  error: ErrorType;
  trend: TrendType;
  season: SeasonType;
}

export interface EtsParams {
  alpha: number;
  beta: number;
  gamma: number;
  phi: number;
}

interface InitialState {
  level: number;
  trend: number;
  /** Seasonal indices of the m months before the first observation, oldest first. */
  seasonal: Float64Array;
}

/** A fitted model: its parameters, fit statistics and its state after the last observation. */
export interface EtsFit {
  spec: EtsSpec;
  name: string;
  params: EtsParams;
  initial: InitialState;
  /** Observations the model was fitted on. */
  n: number;
  /** Estimated parameters (smoothing, initial states) plus the error variance. */
  k: number;
  /** −2 log likelihood, up to the constant common to all models on the same series. */
  m2ll: number;
  aicc: number;
  /** Variance of the one-step errors (absolute for additive error, relative for multiplicative). */
  sigma2: number;
  state: FilterState;
}

export interface FilterState {
  level: number;
  trend: number;
  /** Ring of the last m seasonal indices; `seasonal[(position) % m]` is the index for the next month. */
  seasonal: Float64Array;
  position: number;
}

export const SEASON_LENGTH = 12;
const PHI_LOW = 0.8;
const PHI_HIGH = 0.98;

export function modelName(spec: EtsSpec): string {
  return `ETS(${spec.error},${spec.trend},${spec.season})`;
}

/**
 * The models considered: R's restricted set without multiplicative trends (additive error never
 * with a multiplicative season, which is numerically unstable), seasonal only with two full
 * seasons, multiplicative only for a positive series.
 */
export function candidateSpecs(values: readonly number[], season = SEASON_LENGTH): EtsSpec[] {
  const positive = values.every((value) => value > 0);
  const seasonal = values.length >= 2 * season;
  const specs: EtsSpec[] = [];
  for (const error of positive ? (['A', 'M'] as const) : (['A'] as const)) {
    for (const trend of ['N', 'A', 'Ad'] as const) {
      for (const seasonType of seasonal ? (['N', 'A', 'M'] as const) : (['N'] as const)) {
        if (seasonType === 'M' && (!positive || error === 'A')) continue;
        specs.push({ error, trend, season: seasonType });
      }
    }
  }
  return specs;
}

// ---------------------------------------------------------------------------------------------
// Initial states

/** Least-squares line through (i, values[i]), i = 0..count−1. */
function lineThrough(values: ArrayLike<number>, count: number): { intercept: number; slope: number } {
  const n = Math.min(count, values.length);
  if (n < 2) return { intercept: values[0] ?? 0, slope: 0 };
  let sumX = 0;
  let sumY = 0;
  let sumXY = 0;
  let sumXX = 0;
  for (let i = 0; i < n; i += 1) {
    const y = values[i] ?? 0;
    sumX += i;
    sumY += y;
    sumXY += i * y;
    sumXX += i * i;
  }
  const slope = (n * sumXY - sumX * sumY) / (n * sumXX - sumX * sumX);
  return { intercept: (sumY - slope * sumX) / n, slope };
}

/**
 * Seasonal indices by classical decomposition over the first `span` values: a centred 2×m moving
 * average gives the trend-cycle, the average ratio (or difference) to it per position t mod m the
 * index, normalised to mean 1 (or 0). Positions without a full window get the neutral index.
 */
export function classicalSeasonalIndices(values: readonly number[], m: number, span: number, multiplicative: boolean): Float64Array {
  const seasonal = new Float64Array(m).fill(multiplicative ? 1 : 0);
  const end = Math.min(values.length, span);
  const sums = new Float64Array(m);
  const counts = new Float64Array(m);
  for (let t = m / 2; t + m / 2 < end; t += 1) {
    let average = 0;
    for (let j = -m / 2; j <= m / 2; j += 1) {
      const weight = Math.abs(j) === m / 2 ? 0.5 : 1;
      average += weight * (values[t + j] ?? 0);
    }
    average /= m;
    const value = values[t] ?? 0;
    sums[t % m] = (sums[t % m] ?? 0) + (multiplicative ? value / average : value - average);
    counts[t % m] = (counts[t % m] ?? 0) + 1;
  }
  let mean = 0;
  for (let j = 0; j < m; j += 1) {
    seasonal[j] = (counts[j] ?? 0) > 0 ? (sums[j] ?? 0) / (counts[j] ?? 1) : multiplicative ? 1 : 0;
    mean += (seasonal[j] ?? 0) / m;
  }
  for (let j = 0; j < m; j += 1) seasonal[j] = multiplicative ? (seasonal[j] ?? 1) / mean : (seasonal[j] ?? 0) - mean;
  return seasonal;
}

/**
 * Starting states: for a seasonal model, the classical indices of the first three seasons; a line
 * through the first deseasonalised values gives the level and the trend.
 */
function initialState(values: readonly number[], spec: EtsSpec, m: number): InitialState {
  let seasonal: Float64Array = new Float64Array(m).fill(spec.season === 'M' ? 1 : 0);
  let adjusted: ArrayLike<number> = values;
  if (spec.season !== 'N') {
    seasonal = classicalSeasonalIndices(values, m, 3 * m, spec.season === 'M');
    const deseasonalised = new Float64Array(Math.min(values.length, m));
    for (let t = 0; t < deseasonalised.length; t += 1) {
      deseasonalised[t] = spec.season === 'M' ? (values[t] ?? 0) / (seasonal[t % m] ?? 1) : (values[t] ?? 0) - (seasonal[t % m] ?? 0);
    }
    adjusted = deseasonalised;
  }
  const line = lineThrough(adjusted, spec.trend === 'N' ? 1 : Math.min(10, adjusted.length));
  // The states are those *before* the first observation: step the line back once.
  const level = spec.trend === 'N' ? (adjusted[0] ?? 0) : line.intercept - line.slope;
  return { level, trend: spec.trend === 'N' ? 0 : line.slope, seasonal };
}

// ---------------------------------------------------------------------------------------------
// The filter

function startState(initial: InitialState): FilterState {
  return { level: initial.level, trend: initial.trend, seasonal: Float64Array.from(initial.seasonal), position: 0 };
}

let scratchSeasonal = new Float64Array(SEASON_LENGTH);

/**
 * {@link startState} on a buffer this module reuses: for a filter run that keeps nothing of its
 * state once it returns (a likelihood, a residual vector). Fitting evaluates them thousands of
 * times, and a fresh array for each was a sixth of a fit's time, with the garbage it left.
 */
function scratchState(initial: InitialState): FilterState {
  if (scratchSeasonal.length !== initial.seasonal.length) scratchSeasonal = new Float64Array(initial.seasonal.length);
  scratchSeasonal.set(initial.seasonal);
  return { level: initial.level, trend: initial.trend, seasonal: scratchSeasonal, position: 0 };
}

/** The one-step forecast from `state`. */
export function oneStep(spec: EtsSpec, params: EtsParams, state: FilterState): number {
  const m = state.seasonal.length;
  const damped = spec.trend === 'N' ? 0 : (spec.trend === 'Ad' ? params.phi : 1) * state.trend;
  const base = state.level + damped;
  const season = state.seasonal[state.position % m] ?? 0;
  return spec.season === 'M' ? base * season : spec.season === 'A' ? base + season : base;
}

/**
 * Takes one observation into the state and returns the one-step error (absolute or relative), the
 * error-correction equations of Hyndman et al. (2008), table 2.3.
 */
export function update(spec: EtsSpec, params: EtsParams, state: FilterState, actual: number): { forecast: number; error: number } {
  const m = state.seasonal.length;
  const slot = state.position % m;
  const phiTrend = spec.trend === 'N' ? 0 : (spec.trend === 'Ad' ? params.phi : 1) * state.trend;
  const base = state.level + phiTrend;
  const season = state.seasonal[slot] ?? 0;
  const forecast = spec.season === 'M' ? base * season : spec.season === 'A' ? base + season : base;
  const { alpha, beta, gamma } = params;
  let error: number;
  let level: number;
  let trend: number;
  let nextSeason = season;
  if (spec.error === 'A') {
    error = actual - forecast;
    const scaled = spec.season === 'M' ? error / season : error;
    level = base + alpha * scaled;
    trend = phiTrend + beta * scaled;
    if (spec.season === 'A') nextSeason = season + gamma * error;
    else if (spec.season === 'M') nextSeason = season + (gamma * error) / base;
  } else {
    error = (actual - forecast) / forecast;
    if (spec.season === 'A') {
      level = base + alpha * forecast * error;
      trend = phiTrend + beta * forecast * error;
      nextSeason = season + gamma * forecast * error;
    } else {
      level = base * (1 + alpha * error);
      trend = phiTrend + beta * base * error;
      if (spec.season === 'M') nextSeason = season * (1 + gamma * error);
    }
  }
  state.level = level;
  state.trend = trend;
  state.seasonal[slot] = nextSeason;
  state.position += 1;
  return { forecast, error };
}

/** −2 log likelihood (concentrated on σ², constants dropped) of the series under the model, or Infinity. */
function minusTwoLogLikelihood(values: readonly number[], spec: EtsSpec, params: EtsParams, initial: InitialState): number {
  const state = scratchState(initial);
  let squares = 0;
  let logs = 0;
  for (const actual of values) {
    const { forecast, error } = update(spec, params, state, actual);
    if (!Number.isFinite(error)) return Number.POSITIVE_INFINITY;
    squares += error * error;
    if (spec.error === 'M') {
      if (forecast <= 0) return Number.POSITIVE_INFINITY;
      logs += Math.log(forecast);
    }
  }
  const n = values.length;
  // A perfect fit has no variance to estimate: floor it so the likelihood stays finite and comparable.
  const variance = Math.max(squares / n, 1e-12);
  return n * Math.log(variance) + 2 * logs;
}

// ---------------------------------------------------------------------------------------------
// Fitting

/** The free parameters of a spec, in the order of the optimiser's vector. */
function parameterNames(spec: EtsSpec): Array<keyof EtsParams> {
  return ['alpha', ...(spec.trend !== 'N' ? (['beta'] as const) : []), ...(spec.season !== 'N' ? (['gamma'] as const) : []), ...(spec.trend === 'Ad' ? (['phi'] as const) : [])];
}

function paramsOf(spec: EtsSpec, names: Array<keyof EtsParams>, vector: readonly number[]): EtsParams | null {
  const params: EtsParams = { alpha: 0, beta: 0, gamma: 0, phi: 1 };
  names.forEach((name, index) => {
    params[name] = vector[index] ?? 0;
  });
  // The usual admissible region (R's "usual" bounds): 0 < β < α < 1, 0 < γ < 1 − α, φ in [0.8, 0.98].
  const { alpha, beta, gamma, phi } = params;
  if (!(alpha > 1e-4 && alpha < 0.9999)) return null;
  if (spec.trend !== 'N' && !(beta > 1e-4 && beta < alpha)) return null;
  if (spec.season !== 'N' && !(gamma > 1e-4 && gamma < 1 - alpha)) return null;
  if (spec.trend === 'Ad' && !(phi >= PHI_LOW && phi <= PHI_HIGH)) return null;
  return params;
}

/** Nelder–Mead simplex minimisation: small, derivative-free, enough for two to four parameters. */
export function nelderMead(f: (x: number[]) => number, start: number[], step: number[], maxEvaluations: number, tolerance = 1e-7): { x: number[]; value: number } {
  const dimension = start.length;
  let simplex = [start, ...start.map((_, i) => start.map((value, j) => (i === j ? value + (step[j] ?? 0.1) : value)))].map((x) => ({ x, value: f(x) }));
  let evaluations = simplex.length;
  const combine = (a: number[], b: number[], weight: number) => a.map((value, i) => value + weight * (value - (b[i] ?? 0)));
  while (evaluations < maxEvaluations) {
    simplex.sort((a, b) => a.value - b.value);
    const best = simplex[0]!;
    const worst = simplex[dimension]!;
    if (Number.isFinite(worst.value) && Math.abs(worst.value - best.value) <= tolerance * (Math.abs(best.value) + tolerance)) break;
    const centroid = Array.from({ length: dimension }, (_, i) => simplex.slice(0, dimension).reduce((sum, vertex) => sum + (vertex.x[i] ?? 0), 0) / dimension);
    const reflected = combine(centroid, worst.x, 1);
    const reflectedValue = f(reflected);
    evaluations += 1;
    if (reflectedValue < best.value) {
      const expanded = combine(centroid, worst.x, 2);
      const expandedValue = f(expanded);
      evaluations += 1;
      simplex[dimension] = expandedValue < reflectedValue ? { x: expanded, value: expandedValue } : { x: reflected, value: reflectedValue };
      continue;
    }
    if (reflectedValue < simplex[dimension - 1]!.value) {
      simplex[dimension] = { x: reflected, value: reflectedValue };
      continue;
    }
    const contracted = combine(centroid, worst.x, -0.5);
    const contractedValue = f(contracted);
    evaluations += 1;
    if (contractedValue < worst.value) {
      simplex[dimension] = { x: contracted, value: contractedValue };
      continue;
    }
    simplex = simplex.map((vertex, index) => {
      if (index === 0) return vertex;
      const x = vertex.x.map((value, i) => (best.x[i] ?? 0) + 0.5 * (value - (best.x[i] ?? 0)));
      return { x, value: f(x) };
    });
    evaluations += dimension;
  }
  simplex.sort((a, b) => a.value - b.value);
  return simplex[0]!;
}

const DEFAULT_START: EtsParams = { alpha: 0.5, beta: 0.05, gamma: 0.05, phi: 0.95 };

// ---------------------------------------------------------------------------------------------
// Estimating the initial states

/**
 * The initial states as a free vector: the level, the trend (when there is one) and the first m−1
 * seasonal indices; the last index is what makes them sum to 0 (additive) or m (multiplicative),
 * since a level shifted by c and every index by −c forecast the same series.
 */
function initialVector(spec: EtsSpec, initial: InitialState): number[] {
  const seasonal = spec.season === 'N' ? [] : Array.from(initial.seasonal.subarray(0, initial.seasonal.length - 1));
  return [initial.level, ...(spec.trend === 'N' ? [] : [initial.trend]), ...seasonal];
}

function initialFrom(spec: EtsSpec, vector: readonly number[], m: number): InitialState {
  const offset = spec.trend === 'N' ? 1 : 2;
  const seasonal = new Float64Array(m).fill(spec.season === 'M' ? 1 : 0);
  if (spec.season !== 'N') {
    let sum = 0;
    for (let j = 0; j < m - 1; j += 1) {
      seasonal[j] = vector[offset + j] ?? 0;
      sum += seasonal[j] ?? 0;
    }
    seasonal[m - 1] = (spec.season === 'M' ? m : 0) - sum;
  }
  return { level: vector[0] ?? 0, trend: spec.trend === 'N' ? 0 : (vector[1] ?? 0), seasonal };
}

/** The one-step errors (absolute or relative) of the series from `initial`, into `out`; false when one is not finite. */
function residuals(values: readonly number[], spec: EtsSpec, params: EtsParams, initial: InitialState, out: Float64Array): boolean {
  const state = scratchState(initial);
  for (let t = 0; t < values.length; t += 1) {
    const { error } = update(spec, params, state, values[t] ?? 0);
    if (!Number.isFinite(error)) return false;
    out[t] = error;
  }
  if (spec.season === 'M' && state.seasonal.some((index) => !(index > 0))) return false;
  return true;
}

/** Solves the symmetric positive definite system a·x = b in place (Cholesky); null when it is not. */
function solveSymmetric(a: Float64Array[], b: Float64Array): Float64Array | null {
  const n = b.length;
  for (let j = 0; j < n; j += 1) {
    const row = a[j]!;
    let diagonal = row[j]!;
    for (let k = 0; k < j; k += 1) diagonal -= row[k]! * row[k]!;
    if (!(diagonal > 0)) return null;
    row[j] = Math.sqrt(diagonal);
    for (let i = j + 1; i < n; i += 1) {
      const other = a[i]!;
      let sum = other[j]!;
      for (let k = 0; k < j; k += 1) sum -= other[k]! * row[k]!;
      other[j] = sum / row[j]!;
    }
  }
  const x = Float64Array.from(b);
  for (let i = 0; i < n; i += 1) {
    let sum = x[i]!;
    for (let k = 0; k < i; k += 1) sum -= a[i]![k]! * x[k]!;
    x[i] = sum / a[i]![i]!;
  }
  for (let i = n - 1; i >= 0; i -= 1) {
    let sum = x[i]!;
    for (let k = i + 1; k < n; k += 1) sum -= a[k]![i]! * x[k]!;
    x[i] = sum / a[i]![i]!;
  }
  return x;
}

/**
 * Initial states that fit the series better, the smoothing parameters held: Gauss–Newton steps on
 * the one-step errors over the initial-state vector (for a linear model, ETS(A,·,A) or (A,·,N),
 * one step is the least-squares solution; the others take two). A step is kept only when the
 * likelihood improves. statsmodels and R estimate these states with the smoothing parameters;
 * starting from the decomposition alone left the early seasons to distort the whole fit.
 */
function refineInitial(values: readonly number[], spec: EtsSpec, params: EtsParams, initial: InitialState, m: number, objective: number): { initial: InitialState; value: number } {
  const n = values.length;
  let x = initialVector(spec, initial);
  let best = { initial, value: objective };
  const p = x.length;
  const base = new Float64Array(n);
  const shifted = new Float64Array(n);
  const columns = Array.from({ length: p }, () => new Float64Array(n));
  let magnitude = 0;
  for (const value of values) magnitude += Math.abs(value) / n;
  const iterations = spec.error === 'A' && spec.season !== 'M' ? 1 : 2;
  for (let iteration = 0; iteration < iterations; iteration += 1) {
    if (!residuals(values, spec, params, initialFrom(spec, x, m), base)) break;
    let usable = true;
    for (let i = 0; i < p && usable; i += 1) {
      const seasonalMultiplier = spec.season === 'M' && i >= (spec.trend === 'N' ? 1 : 2);
      const step = seasonalMultiplier ? 1e-4 : 1e-4 * Math.max(Math.abs(x[i] ?? 0), magnitude * 1e-2, 1);
      const probe = x.slice();
      probe[i] = (probe[i] ?? 0) + step;
      usable = residuals(values, spec, params, initialFrom(spec, probe, m), shifted);
      const column = columns[i]!;
      for (let t = 0; t < n; t += 1) column[t] = ((shifted[t] ?? 0) - (base[t] ?? 0)) / step;
    }
    if (!usable) break;
    // Normal equations JᵀJ δ = −Jᵀr, with a touch of damping for columns that barely move the errors.
    const normal = Array.from({ length: p }, () => new Float64Array(p));
    const gradient = new Float64Array(p);
    for (let i = 0; i < p; i += 1) {
      const ci = columns[i]!;
      let g = 0;
      for (let t = 0; t < n; t += 1) g += (ci[t] ?? 0) * (base[t] ?? 0);
      gradient[i] = -g;
      for (let j = 0; j <= i; j += 1) {
        const cj = columns[j]!;
        let sum = 0;
        for (let t = 0; t < n; t += 1) sum += (ci[t] ?? 0) * (cj[t] ?? 0);
        normal[i]![j] = sum;
        normal[j]![i] = sum;
      }
    }
    for (let i = 0; i < p; i += 1) normal[i]![i] = (normal[i]![i] ?? 0) * (1 + 1e-9) + 1e-12;
    const delta = solveSymmetric(normal, gradient);
    if (!delta) break;
    let improved = false;
    for (let scale = 1; scale >= 0.25 && !improved; scale /= 2) {
      const candidate = x.map((value, i) => value + scale * (delta[i] ?? 0));
      const start = initialFrom(spec, candidate, m);
      const value = minusTwoLogLikelihood(values, spec, params, start);
      if (value < best.value) {
        best = { initial: start, value };
        x = candidate;
        improved = true;
      }
    }
    if (!improved) break;
  }
  return best;
}

/**
 * Fits one model to the series by maximum likelihood, or null when no admissible fit exists.
 * `start` warm-starts the search (a refit on one more month starts where the last fit ended).
 * The smoothing parameters are searched from the decomposition's initial states; the initial
 * states are then estimated for those parameters.
 */
export function fitEts(values: readonly number[], spec: EtsSpec, m = SEASON_LENGTH, start: EtsParams = DEFAULT_START): EtsFit | null {
  const n = values.length;
  const names = parameterNames(spec);
  const decomposed = initialState(values, spec, m);
  const searched = nelderMead(
    (vector) => {
      const candidate = paramsOf(spec, names, vector);
      return candidate ? minusTwoLogLikelihood(values, spec, candidate, decomposed) : Number.POSITIVE_INFINITY;
    },
    names.map((name) => start[name]),
    names.map((name) => (name === 'phi' ? 0.01 : name === 'alpha' ? 0.2 : 0.02)),
    60 * names.length + 40,
  );
  const params = paramsOf(spec, names, searched.x);
  if (!params || !Number.isFinite(searched.value)) return null;
  const { initial, value } = refineInitial(values, spec, params, decomposed, m, searched.value);

  const state = startState(initial);
  let squares = 0;
  for (const actual of values) squares += update(spec, params, state, actual).error ** 2;
  const initialStates = 1 + (spec.trend !== 'N' ? 1 : 0) + (spec.season !== 'N' ? m - 1 : 0);
  const k = names.length + initialStates + 1;
  const aicc = n - k - 1 > 0 ? value + 2 * k + (2 * k * (k + 1)) / (n - k - 1) : Number.POSITIVE_INFINITY;
  return { spec, name: modelName(spec), params, initial, n, k, m2ll: value, aicc, sigma2: squares / Math.max(1, n - k + 1), state };
}

/** A copy of a fit's final state, to run forward without touching the fit. */
export function cloneState(state: FilterState): FilterState {
  return { ...state, seasonal: Float64Array.from(state.seasonal) };
}

/** Point forecasts 1..horizon steps after the fitted data (the state's expected path). */
export function forecastPath(fit: EtsFit, horizon: number): number[] {
  const state = cloneState(fit.state);
  const m = state.seasonal.length;
  const { spec, params } = fit;
  const out: number[] = [];
  let dampedSum = 0;
  for (let h = 1; h <= horizon; h += 1) {
    dampedSum += spec.trend === 'N' ? 0 : spec.trend === 'Ad' ? params.phi ** h : 1;
    const base = state.level + dampedSum * state.trend;
    const season = state.seasonal[(state.position + h - 1) % m] ?? 0;
    out.push(spec.season === 'M' ? base * season : spec.season === 'A' ? base + season : base);
  }
  return out;
}

const ranked = (fits: Array<EtsFit | null>) => fits.filter((fit): fit is EtsFit => fit !== null && Number.isFinite(fit.aicc)).sort((a, b) => a.aicc - b.aicc);

/** Every admissible model fitted to the series, best AICc first. */
export function fitAll(values: readonly number[], m = SEASON_LENGTH): EtsFit[] {
  return ranked(candidateSpecs(values, m).map((spec) => fitEts(values, spec, m)));
}

/**
 * The given models refitted on a longer series, warm-started at their earlier parameters and
 * ranked again by AICc: the models that led on the shorter history, without searching all again.
 */
export function refit(values: readonly number[], earlier: readonly EtsFit[], m = SEASON_LENGTH): EtsFit[] {
  return ranked(earlier.map((fit) => fitEts(values, fit.spec, m, fit.params)));
}
