/**
 * The ETS fit estimates its initial states (ets.ts): the level, trend and seasonal indices before
 * the first month are fitted to the series, not taken from a decomposition of the first seasons.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fitEts, update, type FilterState } from '../../src/domain/analytics/ets.js';

/** Twelve monthly offsets that sum to zero, in cents. */
const SEASON = [30, 50, 80, 100, 60, 20, -10, -40, -80, -100, -70, -40].map((offset) => offset * 10_000);
const LEVEL = 5_000_000;
/** A little deterministic noise, so the likelihood has a variance to estimate. */
const wiggle = (t: number) => Math.round(20_000 * Math.sin(t * 2.3));

describe('initial states', () => {
  it('are the least-squares states for the fitted parameters: moving any of them fits worse (ETS(A,N,A))', () => {
    // 48 months of level + season, the first 1,500,000.00 too high (a one-off). For an additive
    // model the one-step errors are linear in the initial states, so the estimated ones minimise
    // the squared errors: a step of the level, or of one index against another (their sum stays 0),
    // in either direction, raises them. Starting states from a decomposition alone do not.
    const values = Array.from({ length: 48 }, (_, t) => LEVEL + (SEASON[t % 12] ?? 0) + wiggle(t) + (t === 0 ? 1_500_000 : 0));
    const spec = { error: 'A', trend: 'N', season: 'A' } as const;
    const fit = fitEts(values, spec);
    assert.ok(fit);
    const squares = (level: number, seasonal: Float64Array) => {
      const state: FilterState = { level, trend: 0, seasonal: Float64Array.from(seasonal), position: 0 };
      return values.reduce((sum, actual) => sum + update(spec, fit.params, state, actual).error ** 2, 0);
    };
    const best = squares(fit.initial.level, fit.initial.seasonal);
    for (const step of [-10_000, 10_000]) {
      assert.ok(squares(fit.initial.level + step, fit.initial.seasonal) > best, `level ${step}`);
      for (let j = 0; j < 12; j += 1) {
        const moved = Float64Array.from(fit.initial.seasonal);
        moved[j] = (moved[j] ?? 0) + step;
        moved[(j + 1) % 12] = (moved[(j + 1) % 12] ?? 0) - step;
        assert.ok(squares(fit.initial.level, moved) > best, `index ${j} ${step}`);
      }
    }
    const sum = fit.initial.seasonal.reduce((total, index) => total + index, 0);
    assert.ok(Math.abs(sum) < 1, `seasonal indices sum to ${sum}`);
  });

  it('multiplicative indices keep their mean of 1 (ETS(M,Ad,M))', () => {
    const values = Array.from({ length: 60 }, (_, t) => Math.round((LEVEL + 20_000 * t) * (1 + (SEASON[t % 12] ?? 0) / LEVEL) + wiggle(t)));
    const fit = fitEts(values, { error: 'M', trend: 'Ad', season: 'M' });
    assert.ok(fit);
    const mean = fit.initial.seasonal.reduce((total, index) => total + index, 0) / 12;
    assert.ok(Math.abs(mean - 1) < 1e-9, `mean index ${mean}`);
    assert.ok(fit.initial.seasonal.every((index) => index > 0));
  });
});
