/**
 * The forecast memo (src/services/analytics/forecast-memo.ts): a forecast is fitted once per tenant
 * and series, gives exactly what forecastSeries gives, is frozen, never crosses tenants, is refitted
 * for a changed series and forgotten with its tenant.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { forecastSeries } from '../../src/domain/analytics/forecast.js';
import { ForecastMemo } from '../../src/services/analytics/forecast-memo.js';

/** 30 months of commission in cents: a trend, a season and some noise, none of it random. */
const SERIES = Array.from({ length: 30 }, (_, t) => 2_000_000 + 15_000 * t + 300_000 * Math.sin((2 * Math.PI * t) / 12) + ((t * 7919) % 97) * 1_000);
const [A, B] = ['1b2c3d4e-0000-4000-8000-00000000000a', '1b2c3d4e-0000-4000-8000-00000000000b'];

test('a memoised forecast is forecastSeries\'s own, and the second ask of the same series is the same object', () => {
  const memo = new ForecastMemo();
  const forecast = memo.forTenant(A);
  const first = forecast(SERIES);
  assert.deepEqual(first, forecastSeries(SERIES));
  assert.equal(forecast(SERIES), first);
  assert.equal(memo.forTenant(A)(SERIES.slice()), first, 'an equal series is a hit, whichever array holds it');
  assert.equal(memo.entriesOf(A), 1);
});

test('the horizon is part of the key: a three-month path is not the one-month one', () => {
  const memo = new ForecastMemo();
  const forecast = memo.forTenant(A);
  const one = forecast(SERIES);
  const three = forecast(SERIES, 3);
  assert.equal(one?.path.length, 1);
  assert.equal(three?.path.length, 3);
  assert.deepEqual(three, forecastSeries(SERIES, 3));
  assert.equal(memo.entriesOf(A), 2);
});

test('a changed month is a new series: refitted, never the old answer', () => {
  const memo = new ForecastMemo();
  const forecast = memo.forTenant(A);
  const before = forecast(SERIES);
  const changed = SERIES.map((value, t) => (t === SERIES.length - 1 ? value + 1 : value));
  const after = forecast(changed);
  assert.notEqual(after, before);
  assert.deepEqual(after, forecastSeries(changed));
  const grown = [...SERIES, SERIES.at(-1)! * 1.5];
  assert.deepEqual(forecast(grown), forecastSeries(grown));
  assert.equal(memo.entriesOf(A), 3);
});

test('tenants never share an entry, even for the same series', () => {
  const memo = new ForecastMemo();
  const ofA = memo.forTenant(A)(SERIES);
  const ofB = memo.forTenant(B)(SERIES);
  assert.notEqual(ofA, ofB);
  assert.deepEqual(ofA, ofB);
  assert.equal(memo.entriesOf(A), 1);
  assert.equal(memo.entriesOf(B), 1);
});

test('too short a series memoises its null', () => {
  const memo = new ForecastMemo();
  assert.equal(memo.forTenant(A)([100, 200, 300]), null);
  assert.equal(memo.entriesOf(A), 1);
  assert.equal(memo.forTenant(A)([100, 200, 300]), null);
});

test('what the memo hands out is frozen to the last level: a caller cannot change the next request\'s answer', () => {
  const forecast = new ForecastMemo().forTenant(A)(SERIES)!;
  assert.throws(() => {
    (forecast as { value: number }).value = 0;
  }, TypeError);
  assert.throws(() => {
    (forecast.path[0]!.interval_80 as { low: number }).low = 0;
  }, TypeError);
  assert.throws(() => (forecast.candidates as unknown[]).push({}), TypeError);
});

test('forgetting a tenant drops its entries and no other tenant\'s', () => {
  const memo = new ForecastMemo();
  const keptOfB = memo.forTenant(B)(SERIES);
  const ofA = memo.forTenant(A)(SERIES);
  memo.forTenant(A)(SERIES, 3);
  memo.forgetTenant(A);
  assert.equal(memo.entriesOf(A), 0);
  assert.equal(memo.entriesOf(B), 1);
  assert.equal(memo.forTenant(B)(SERIES), keptOfB);
  assert.notEqual(memo.forTenant(A)(SERIES), ofA, 'fitted again after being forgotten');
});

test('the memo holds at most its bound, dropping the least recently used', () => {
  const memo = new ForecastMemo(2);
  const forecast = memo.forTenant(A);
  const first = forecast(SERIES);
  const second = forecast(SERIES.map((value) => value + 1));
  assert.equal(forecast(SERIES), first, 'used again: now the most recent');
  forecast(SERIES.map((value) => value + 2));
  assert.equal(memo.entriesOf(A), 2);
  assert.equal(forecast(SERIES), first, 'kept');
  assert.notEqual(forecast(SERIES.map((value) => value + 1)), second, 'the least recently used was dropped');
});
