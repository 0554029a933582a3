import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { BACKTEST_MONTHS, forecastSeries, type Forecast } from '../../src/domain/analytics/forecast.js';

function forecast(values: readonly number[], horizon = 1): Forecast {
  const result = forecastSeries(values, horizon);
  assert.ok(result);
  return result;
}

function contains(result: Forecast, truth: number): boolean {
  return result.interval_80.low <= truth && truth <= result.interval_80.high;
}

/** Twelve monthly offsets that sum to zero, in cents: a busy spring and summer, a quiet winter. */
const SEASON = [30, 50, 80, 100, 60, 20, -10, -40, -80, -100, -70, -40].map((offset) => offset * 100_000);
const seasonal = (t: number, slope: number) => 5_000_000 + slope * t + (SEASON[t % 12] ?? 0);

describe('backtest', () => {
  it('scores each candidate by one-step forecasts refit before each of the last 6 months', () => {
    // y = 100 + 10t, t = 0..9. The naive forecast of month t is y(t−1), always 10 short, so its MAPE
    // is the mean of 10/140, 10/150, …, 10/190 = 6.13%.
    const result = forecast(Array.from({ length: 10 }, (_, t) => 100 + 10 * t));
    assert.equal(result.backtest_months, BACKTEST_MONTHS);
    assert.equal(result.candidates.find((candidate) => candidate.method === 'naive')?.mape, 6.1);
    assert.equal(result.candidates.find((candidate) => candidate.method === 'naive')?.rmse, 10);
  });

  it('lists only candidates that can be backtested honestly', () => {
    const methods = (length: number) => forecast(Array.from({ length }, (_, t) => 1_000 + t * 7 + (t % 3))).candidates.map((c) => c.method).sort();
    assert.deepEqual(methods(10), ['holt', 'naive']);
    // Seasonal naive needs 12 months before each of the 6 backtest months.
    assert.deepEqual(methods(17), ['holt', 'naive']);
    assert.deepEqual(methods(18), ['holt', 'naive', 'seasonal_naive']);
    // The seasonal model competes from 24 months.
    assert.deepEqual(methods(23), ['holt', 'naive', 'seasonal_naive']);
    assert.deepEqual(methods(24), ['holt', 'holt_winters', 'naive', 'seasonal_naive']);
  });

  it('backtests on fewer months when the history is short, and says so', () => {
    const result = forecast([100, 120, 130, 150]);
    assert.equal(result.backtest_months, 2);
    assert.match(result.note ?? '', /only 2 months/);
  });
});

describe('a series with a known linear trend', () => {
  const line = (t: number) => 2_000_000 + 150_000 * t;

  it('is won by Holt, exactly, with the truth inside the interval', () => {
    const values = Array.from({ length: 20 }, (_, t) => line(t));
    const result = forecast(values);
    assert.equal(result.method, 'holt');
    assert.equal(result.mape, 0);
    assert.equal(result.value, line(20));
    assert.ok(contains(result, line(20)));
  });

  it('is won by Holt within 2% when noise is added', () => {
    // Deterministic ±1% wiggle; the naive forecast lags the trend by about 3–7% a month.
    const values = Array.from({ length: 24 }, (_, t) => Math.round(line(t) * (1 + 0.01 * Math.sin(t * 2.3))));
    const result = forecast(values);
    assert.equal(result.method, 'holt');
    assert.ok(Math.abs(result.value - line(24)) / line(24) < 0.02, `${result.value} vs ${line(24)}`);
    assert.ok(contains(result, line(24)));
  });
});

describe('a seasonal series of 36 months', () => {
  it('with a trend, is won by a seasonal method that gets it right', () => {
    const values = Array.from({ length: 36 }, (_, t) => seasonal(t, 20_000));
    const result = forecast(values);
    assert.ok(['holt_winters', 'seasonal_naive'].includes(result.method), result.method);
    assert.equal(result.method, 'holt_winters');
    assert.equal(result.value, seasonal(36, 20_000));
    assert.ok(contains(result, seasonal(36, 20_000)));
    const holt = result.candidates.find((candidate) => candidate.method === 'holt');
    assert.ok(holt && holt.mape !== null && result.mape !== null && holt.mape > result.mape);
  });

  it('without a trend, goes to seasonal naive (it ties Holt-Winters and is simpler)', () => {
    const values = Array.from({ length: 36 }, (_, t) => seasonal(t, 0));
    const result = forecast(values);
    assert.equal(result.method, 'seasonal_naive');
    assert.equal(result.value, seasonal(36, 0));
    assert.ok(contains(result, seasonal(36, 0)));
  });

  it('forecasts a path further ahead, the interval widening', () => {
    const values = Array.from({ length: 36 }, (_, t) => Math.round(seasonal(t, 20_000) * (1 + 0.02 * Math.sin(t * 1.7))));
    const result = forecast(values, 3);
    assert.equal(result.path.length, 3);
    assert.equal(result.path[0]?.value, result.value);
    const widths = result.path.map((point) => point.interval_80.high - point.interval_80.low);
    assert.ok((widths[0] ?? 0) < (widths[2] ?? 0));
    assert.ok(Math.abs((result.path[2]?.value ?? 0) - seasonal(38, 20_000)) / seasonal(38, 20_000) < 0.05);
  });
});

describe('short histories', () => {
  it('has no forecast without data', () => assert.equal(forecastSeries([]), null));

  it('uses the last value for one month, with a ±50% interval', () => {
    const result = forecast([1_000_000]);
    assert.equal(result.method, 'last_value');
    assert.equal(result.value, 1_000_000);
    assert.deepEqual(result.interval_80, { low: 500_000, high: 1_500_000 });
    assert.equal(result.mape, null);
    assert.match(result.note ?? '', /only 1 month of history/);
  });

  it('uses the mean for two months, the interval at least the swing between them', () => {
    const result = forecast([1_000_000, 3_000_000]);
    assert.equal(result.method, 'mean');
    assert.equal(result.value, 2_000_000);
    assert.deepEqual(result.interval_80, { low: 0, high: 4_000_000 });
    assert.match(result.note ?? '', /only 2 months/);
  });
});

describe('properties', () => {
  it('a flat series forecasts itself with a zero-width interval', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10 ** 9 }), fc.integer({ min: 3, max: 40 }), (level, length) => {
        const result = forecast(Array.from({ length }, () => level));
        return result.value === level && result.interval_80.low === level && result.interval_80.high === level;
      }),
      { numRuns: 40 },
    );
  });

  it('the value is whole cents inside its interval, never negative for a non-negative history', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 10 ** 8 }), { minLength: 1, maxLength: 30 }), (values) => {
        const result = forecast(values);
        return (
          Number.isInteger(result.value) &&
          result.interval_80.low <= result.value &&
          result.value <= result.interval_80.high &&
          result.interval_80.low >= 0
        );
      }),
      { numRuns: 60 },
    );
  });
});
