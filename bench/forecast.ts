/**
 * `npm run bench:forecast`: how accurate `forecast_next_month` is, measured the way forecasters
 * measure it. Monthly series with known structure (trend, additive and multiplicative seasons,
 * level shifts, damped growth, noise) are generated from fixed seeds; at each of the last 12
 * origins every method forecasts the next month from the months before it only. The table gives
 * MAPE, MASE (scaled by the in-sample seasonal naive of each origin's history) and the share of
 * outcomes inside the 80% interval, per series family and pooled, for the current method, the
 * method before it and the seasonal naive benchmark.
 *
 * With `--statsmodels` (and python3 with statsmodels installed) the same series and origins are
 * run through statsmodels' Holt-Winters and its AICc-chosen ETS as an independent reference;
 * `--public` adds fifteen public monthly series from the datasets statsmodels and vega_datasets
 * ship with (bench/forecast/public_series.py). Every method is
 * scored on the forecasts all of them made.
 * `--write DIR` writes the series as JSON for any other tool. The last line times the agents view
 * (every agent's forecast and trend) for 300 agents × 60 months; `--agents-only` prints only that.
 * Not part of `npm test`.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { forecastSeries, maseScale } from '../src/domain/analytics/forecast.js';
import { addMonths } from '../src/domain/analytics/months.js';
import type { AgentRollup, MonthRollup } from '../src/domain/analytics/rollups.js';
import { agentSeries, agentSeriesSteps, predictiveSeries } from '../src/domain/analytics/series.js';
import { inSlices, SLICE_MS } from '../src/services/steps-in-slices.js';
import { seededRandom } from '../src/demo/seeded-random.js';
import { forecastSeries as previousForecast } from './forecast/previous-method.js';

const ORIGINS = 12;
const Z80 = 1.2816;

interface Series {
  family: string;
  values: number[];
}

function normal(random: () => number): number {
  // Box–Muller: enough for synthetic noise.
  const u = Math.max(random(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}

const SEASON_SHAPE = [0.82, 0.86, 0.97, 1.06, 1.14, 1.18, 1.12, 1.05, 0.98, 0.95, 0.92, 0.95];

function generate(seed: number): Series[] {
  const random = seededRandom(seed);
  const series: Series[] = [];
  const make = (family: string, length: number, at: (t: number) => number) =>
    series.push({ family, values: Array.from({ length }, (_, t) => Math.max(1, Math.round(at(t)))) });
  const start = 9_000_000 + 2_000_000 * random();
  // Additive season, linear trend, moderate noise.
  make('additive season + trend', 72, (t) => start + 40_000 * t + 1_200_000 * ((SEASON_SHAPE[t % 12] ?? 1) - 1) + 350_000 * normal(random));
  // Multiplicative season on exponential growth (a growing operator).
  make('multiplicative season + growth', 96, (t) => start * 1.012 ** t * (SEASON_SHAPE[t % 12] ?? 1) * (1 + 0.04 * normal(random)));
  // A level shift: a plan change or a lost market at month 50.
  make('season + level shift', 84, (t) => (t < 50 ? start : start * 0.7) * (SEASON_SHAPE[t % 12] ?? 1) * (1 + 0.05 * normal(random)));
  // No season: a random walk with drift.
  let walk = start;
  make('random walk + drift', 60, () => (walk = walk + 60_000 + 300_000 * normal(random)));
  // Damped growth that levels off, with a season.
  make('damped growth + season', 120, (t) => (start + 6_000_000 * (1 - 0.96 ** t)) * (SEASON_SHAPE[t % 12] ?? 1) * (1 + 0.03 * normal(random)));
  // Noisy, short: two and a half years of a small team.
  make('short and noisy (30 months)', 30, (t) => (start / 3) * (SEASON_SHAPE[t % 12] ?? 1) * (1 + 0.12 * normal(random)));
  return series;
}

interface Outcome {
  /** Which forecast: the series' index and the origin, so that methods are compared on the same ones. */
  key: string;
  actual: number;
  value: number;
  low: number;
  high: number;
  scale: number | null;
}

type Method = (history: number[]) => { value: number; low: number; high: number } | null;

const METHODS: Record<string, Method> = {
  current: (history) => {
    const forecast = forecastSeries(history);
    return forecast && { value: forecast.value, low: forecast.interval_80.low, high: forecast.interval_80.high };
  },
  previous: (history) => {
    const forecast = previousForecast(history);
    return forecast && { value: forecast.value, low: forecast.interval_80.low, high: forecast.interval_80.high };
  },
  seasonal_naive: (history) => {
    if (history.length <= 12) return null;
    const value = history[history.length - 12] ?? 0;
    // The interval from the in-sample seasonal differences' spread.
    const diffs = history.slice(12).map((y, t) => y - (history[t] ?? 0));
    const sd = Math.sqrt(diffs.reduce((sum, d) => sum + d * d, 0) / Math.max(1, diffs.length));
    return { value, low: value - Z80 * sd, high: value + Z80 * sd };
  },
};

function outcomes(series: Series, index: number, method: Method): Outcome[] {
  const out: Outcome[] = [];
  const n = series.values.length;
  for (let origin = n - ORIGINS; origin < n; origin += 1) {
    const history = series.values.slice(0, origin);
    const forecast = method(history);
    if (!forecast) continue;
    out.push({ key: `${index}:${origin}`, actual: series.values[origin] ?? 0, ...forecast, scale: maseScale(history) });
  }
  return out;
}

function metrics(rows: Outcome[]): { mape: number; mase: number; coverage: number; count: number } {
  let ape = 0;
  let ase = 0;
  let aseCount = 0;
  let inside = 0;
  for (const row of rows) {
    const error = Math.abs(row.actual - row.value);
    ape += error / Math.abs(row.actual);
    if (row.scale) {
      ase += error / row.scale;
      aseCount += 1;
    }
    if (row.low <= row.actual && row.actual <= row.high) inside += 1;
  }
  return { mape: (100 * ape) / rows.length, mase: ase / Math.max(1, aseCount), coverage: inside / rows.length, count: rows.length };
}

function statsmodelsReference(all: Series[]): Map<string, Map<string, Outcome[]>> | null {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'cip-forecast-'));
  const input = path.join(dir, 'series.json');
  writeFileSync(input, JSON.stringify({ origins: ORIGINS, series: all }));
  const script = path.join(path.dirname(fileURLToPath(import.meta.url)), 'forecast', 'statsmodels_reference.py');
  const run = spawnSync('python3', [script, input], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (run.status !== 0) {
    process.stderr.write(`statsmodels reference not run: ${(run.stderr || run.error?.message || '').trim().split('\n').at(-1)}\n`);
    return null;
  }
  // { method: [ [outcome per origin] per series ] }
  const parsed = JSON.parse(run.stdout) as Record<string, Array<Array<{ actual: number; value: number; low: number; high: number }>>>;
  const result = new Map<string, Map<string, Outcome[]>>();
  for (const [method, perSeries] of Object.entries(parsed)) {
    const byFamily = new Map<string, Outcome[]>();
    perSeries.forEach((rows, index) => {
      const series = all[index]!;
      const n = series.values.length;
      // The script returns the origins it could forecast, the last ones.
      const first = n - rows.length;
      const withScale = rows.map((row, i) => ({ ...row, key: `${index}:${first + i}`, scale: maseScale(series.values.slice(0, first + i)) }));
      byFamily.set(series.family, [...(byFamily.get(series.family) ?? []), ...withScale]);
    });
    result.set(`statsmodels ${method}`, byFamily);
  }
  return result;
}

/** The public series of `bench/forecast/public_series.py` (statsmodels' bundled datasets), or none when python3 cannot give them. */
function publicSeries(): Series[] {
  const script = path.join(path.dirname(fileURLToPath(import.meta.url)), 'forecast', 'public_series.py');
  const run = spawnSync('python3', [script], { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 });
  if (run.status !== 0) {
    process.stderr.write(`public series not read: ${(run.stderr || run.error?.message || '').trim().split('\n').at(-1)}\n`);
    return [];
  }
  if (run.stderr.trim()) process.stderr.write(`${run.stderr.trim()}\n`);
  return JSON.parse(run.stdout) as Series[];
}

/**
 * A tenant of `agents` agents over `months` months as roll-ups: each agent a seasonal series with
 * its own level, drift and noise (a tenth of them in decline), some joining late.
 */
function agentTenant(agents: number, months: number, seed: number): MonthRollup[] {
  const random = seededRandom(seed);
  const people = Array.from({ length: agents }, (_, i) => ({
    name: `Agent ${String(i + 1).padStart(3, '0')}`,
    level: 2_000_000 + 4_000_000 * random(),
    drift: i % 10 === 0 ? -0.02 : 0.01 * (random() - 0.5),
    joins: random() < 0.2 ? Math.floor(random() * months) : 0,
  }));
  return Array.from({ length: months }, (_, t) => {
    const rows: AgentRollup[] = people
      .filter((person) => t >= person.joins)
      .map((person) => {
        const gp = Math.max(0, Math.round(person.level * (1 + person.drift) ** t * (SEASON_SHAPE[t % 12] ?? 1) * (1 + 0.15 * normal(random))));
        return { name: person.name, type: 'acq', manager: null, market: null, gp, commission: Math.round(gp / 10), closed: 4, terminated: 0 };
      });
    const gp = rows.reduce((sum, row) => sum + row.gp, 0);
    const commission = rows.reduce((sum, row) => sum + row.commission, 0);
    return { month: addMonths('2021-01', t), gp, commission, agent_commission: commission, manager_commission: 0, closed: 4 * rows.length, terminated: 0, agents: rows, managers: [], markets: [] };
  });
}

/** The agents bench tenant (agents × months of roll-ups) and the agents view's period: its last 12 months. */
function agentsViewInput(agents: number, months: number) {
  const rollups = agentTenant(agents, months, 7);
  const now = rollups[rollups.length - 1]!.month;
  return { rollups, now, range: { from: addMonths(now, -11), to: now, now } };
}

/** Both agents-view cases on one tenant. */
async function agentsViewCases(agents: number, months: number): Promise<void> {
  const input = agentsViewInput(agents, months);
  agentsViewTiming(input, agents, months);
  await agentsViewStall(input);
}

/** CPU and wall time of the agents view (every agent's forecast and trend) and the predictive view's trend list. */
function agentsViewTiming({ rollups, now, range }: ReturnType<typeof agentsViewInput>, agents: number, months: number): void {
  const time = (run: () => unknown) => {
    const cpu = process.cpuUsage();
    const started = performance.now();
    const result = run();
    const used = process.cpuUsage(cpu);
    return { result, cpu: (used.user + used.system) / 1000, wall: performance.now() - started };
  };
  const view = time(() => agentSeries(rollups, range));
  const predictive = time(() => predictiveSeries(rollups, now));
  const list = view.result as ReturnType<typeof agentSeries>;
  const forecasts = list.filter((agent) => agent.forecast.gp !== null).length;
  const down = (predictive.result as ReturnType<typeof predictiveSeries>).trending_down.length;
  process.stdout.write(
    `agents view, ${agents} agents × ${months} months (${forecasts} agents forecast, GP and commission): ${view.cpu.toFixed(0)} ms CPU, ${view.wall.toFixed(0)} ms wall; ` +
      `predictive view (trend list, ${down} trending down): ${predictive.cpu.toFixed(0)} ms CPU, ${predictive.wall.toFixed(0)} ms wall; both cached like the summary\n`,
  );
}

/**
 * The longest the event loop waits while the agents view is computed as the service does it (in
 * slices, src/services/steps-in-slices.ts), against the straight run's single block.
 */
async function agentsViewStall({ rollups, range }: ReturnType<typeof agentsViewInput>): Promise<void> {
  const longestWait = async (run: () => Promise<unknown>) => {
    let longest = 0;
    let last = performance.now();
    const timer = setInterval(() => {
      const at = performance.now();
      longest = Math.max(longest, at - last);
      last = at;
    }, 1);
    await run();
    clearInterval(timer);
    return Math.max(longest, performance.now() - last);
  };
  const sliced = await longestWait(() => inSlices(agentSeriesSteps(rollups, range)));
  const straight = await longestWait(async () => agentSeries(rollups, range));
  process.stdout.write(`agents view, longest wait of a 1 ms timer: ${sliced.toFixed(0)} ms in slices of ${SLICE_MS} ms (the service), ${straight.toFixed(0)} ms run straight\n`);
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      seeds: { type: 'string', default: '8' },
      statsmodels: { type: 'boolean', default: false },
      write: { type: 'string' },
      public: { type: 'boolean', default: false },
      'agents-only': { type: 'boolean', default: false },
    },
  });
  if (values['agents-only']) {
    await agentsViewCases(300, 60);
    return;
  }
  const seeds = Number(values.seeds);
  const all = Array.from({ length: seeds }, (_, i) => generate(1000 + i)).flat();
  if (values.public) all.push(...publicSeries());
  if (values.write) writeFileSync(path.join(values.write, 'forecast-series.json'), JSON.stringify(all));
  const families = [...new Set(all.map((series) => series.family))];

  const byMethod = new Map<string, Map<string, Outcome[]>>();
  const timings = new Map<string, number>();
  for (const [name, method] of Object.entries(METHODS)) {
    const started = performance.now();
    const byFamily = new Map<string, Outcome[]>();
    all.forEach((series, index) => byFamily.set(series.family, [...(byFamily.get(series.family) ?? []), ...outcomes(series, index, method)]));
    timings.set(name, (performance.now() - started) / (all.length * ORIGINS));
    byMethod.set(name, byFamily);
  }
  if (values.statsmodels) for (const [name, byFamily] of statsmodelsReference(all) ?? []) byMethod.set(name, byFamily);

  // Every method is scored on the forecasts all of them made (statsmodels' Holt-Winters needs two
  // years of history, so the short series' first origins drop out for everyone).
  const keysOf = (byFamily: Map<string, Outcome[]>) => new Set([...byFamily.values()].flat().map((row) => row.key));
  const common = [...byMethod.values()].map(keysOf).reduce((a, b) => new Set([...a].filter((key) => b.has(key))));
  for (const byFamily of byMethod.values()) for (const [family, rows] of byFamily) byFamily.set(family, rows.filter((row) => common.has(row.key)));

  const pad = (text: string, width: number) => text.padEnd(width);
  process.stdout.write(
    `\n${all.length} series (${seeds} seeds × ${families.filter((family) => !family.startsWith('public')).length} families${values.public ? `, and ${families.filter((family) => family.startsWith('public')).length} public series` : ''}), ${ORIGINS} rolling origins each, one-step forecasts; ${common.size} forecasts every method made\n\n`,
  );
  process.stdout.write(`${pad('family', 32)}${pad('method', 34)}${'MAPE %'.padStart(8)}${'MASE'.padStart(8)}${'80% cover'.padStart(11)}\n`);
  const pooled: Record<string, (family: string) => boolean> = { pooled: () => true };
  if (families.some((family) => family.startsWith('public'))) {
    pooled['pooled, generated series'] = (family) => !family.startsWith('public');
    pooled['pooled, public series'] = (family) => family.startsWith('public');
  }
  for (const family of [...families, ...Object.keys(pooled)]) {
    for (const [name, byFamily] of byMethod) {
      const within = pooled[family];
      const rows = within ? [...byFamily].filter(([key]) => within(key)).flatMap(([, list]) => list) : (byFamily.get(family) ?? []);
      if (rows.length === 0) continue;
      const m = metrics(rows);
      process.stdout.write(`${pad(family, 32)}${pad(name, 34)}${m.mape.toFixed(2).padStart(8)}${m.mase.toFixed(3).padStart(8)}${(100 * m.coverage).toFixed(1).padStart(10)}%\n`);
    }
    process.stdout.write('\n');
  }
  // The time of one forecast of 60 months, as a cold summary computes it.
  const sixty = all.find((series) => series.values.length >= 60)!.values.slice(0, 60);
  forecastSeries(sixty);
  const runs = 50;
  // CPU time, not wall time: the figure should not depend on what else the machine runs.
  const cpu = process.cpuUsage();
  const started = performance.now();
  for (let i = 0; i < runs; i += 1) forecastSeries(sixty);
  const used = process.cpuUsage(cpu);
  process.stdout.write(
    `one forecast of 60 months: ${((used.user + used.system) / 1000 / runs).toFixed(2)} ms CPU, ${((performance.now() - started) / runs).toFixed(2)} ms wall (current); ` +
      `wall per origin in the table: ${[...timings].map(([name, ms]) => `${name} ${ms.toFixed(2)} ms`).join(', ')}\n`,
  );
  await agentsViewCases(300, 60);
}

await main();
