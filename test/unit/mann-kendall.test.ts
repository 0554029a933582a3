/**
 * The Mann-Kendall test and Sen's slope against values computed independently: S and Var(S) by
 * hand (pairs counted in the comments), Z and p from scipy 1.10 (`2 * scipy.stats.norm.sf(|z|)`)
 * and Sen's slope from `scipy.stats.theilslopes`, as pymannkendall's `original_test` defines them.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { erfc, mannKendall, twoSidedP } from '../../src/domain/analytics/mann-kendall.js';

const close = (actual: number, expected: number, tolerance: number, what: string) =>
  assert.ok(Math.abs(actual - expected) <= tolerance, `${what}: ${actual} vs ${expected}`);

describe('Mann-Kendall', () => {
  it('a strictly rising series: every pair agrees', () => {
    // [1,2,3,4,5]: 10 pairs, all +1, S = 10; Var = 5·4·15/18 = 16.667; Z = (10−1)/√16.667 = 2.20454;
    // scipy: p = 0.0274863361; every pairwise slope is 1.
    const result = mannKendall([1, 2, 3, 4, 5])!;
    assert.equal(result.s, 10);
    close(result.variance, 50 / 3, 1e-12, 'Var(S)');
    close(result.z, 2.2045407685, 1e-9, 'Z');
    close(result.p_value, 0.0274863361, 1e-6, 'p');
    assert.equal(result.slope, 1);
  });

  it('ties: a tied pair scores 0 and the tie groups lower the variance', () => {
    // [1,2,2,3]: pairs (1,2)+ (1,2)+ (1,3)+ (2,2)0 (2,3)+ (2,3)+ → S = 5. One group of two ties:
    // Var = (4·3·13 − 2·1·9)/18 = 138/18 = 7.6667; Z = 4/√7.6667 = 1.44463; scipy p = 0.1485617749.
    // Slopes 1, 1/2, 2/3, 0, 1/2, 1 → sorted 0, .5, .5, .667, 1, 1 → median (0.5 + 0.6667)/2 = 0.58333.
    const result = mannKendall([1, 2, 2, 3])!;
    assert.equal(result.s, 5);
    close(result.variance, 138 / 18, 1e-12, 'Var(S)');
    close(result.z, 1.444630237, 1e-9, 'Z');
    close(result.p_value, 0.1485617749, 1e-6, 'p');
    close(result.slope, 7 / 12, 1e-12, "Sen's slope");
  });

  it('a falling year with three tie groups', () => {
    // [10,9,9,9,7,8,6,6,5,4,4,3]: 66 pairs, 3 + 1 + 1 = 5 tied (the 9s, 6s and 4s), 1 rising (7 → 8),
    // so 60 falling: S = 1 − 60 = −59. Var = (12·11·29 − [3·2·11 + 2·1·9 + 2·1·9])/18 = (3828 − 102)/18 = 207;
    // Z = (−59 + 1)/√207 = −4.03128; scipy p = 5.54742e-05; theilslopes −0.625.
    const result = mannKendall([10, 9, 9, 9, 7, 8, 6, 6, 5, 4, 4, 3])!;
    assert.equal(result.s, -59);
    assert.equal(result.variance, 207);
    close(result.z, -4.0312786718, 1e-9, 'Z');
    close(result.p_value, 5.54742e-5, 1e-7, 'p');
    assert.equal(result.slope, -0.625);
  });

  it('a noisy decline: 12 months of GP-like figures', () => {
    // [100,120,90,110,95,80,85,70,75,60,65,50], no ties: Var = 3828/18 = 212.667; scipy: S = −52,
    // Z = −3.4971999548, p = 0.0004701693, theilslopes −5.
    const result = mannKendall([100, 120, 90, 110, 95, 80, 85, 70, 75, 60, 65, 50])!;
    assert.equal(result.s, -52);
    close(result.variance, 3828 / 18, 1e-9, 'Var(S)');
    close(result.z, -3.4971999548, 1e-9, 'Z');
    close(result.p_value, 0.0004701693, 1e-6, 'p');
    assert.equal(result.slope, -5);
  });

  it('no trend: S = 1 gives Z = 0 and p = 1 (the continuity correction)', () => {
    // [5,3,8,1,9,2,7]: 11 rising pairs, 10 falling → S = 1; Z = 0; scipy's theilslopes 1/3.
    const result = mannKendall([5, 3, 8, 1, 9, 2, 7])!;
    assert.equal(result.s, 1);
    assert.equal(result.z, 0);
    assert.equal(result.p_value, 1);
    close(result.slope, 1 / 3, 1e-12, "Sen's slope");
  });

  it('a constant series has no variance to test and no trend', () => {
    const result = mannKendall([4, 4, 4, 4])!;
    assert.deepEqual([result.s, result.variance, result.z, result.p_value, result.slope], [0, 0, 0, 1, 0]);
    assert.equal(mannKendall([1, 2]), null);
  });

  it('the normal tail matches scipy to 1e-7', () => {
    // scipy: 2·norm.sf(z) for z = 0.5, 1, 1.96, 2.5, 3.5.
    const expected = [0.6170750774519738, 0.31731050786291415, 0.04999579029644087, 0.012419330651552265, 0.00046525815807105003];
    [0.5, 1, 1.96, 2.5, 3.5].forEach((z, i) => close(twoSidedP(z), expected[i]!, 1.2e-7 * Math.max(1, expected[i]!), `p(${z})`));
    close(erfc(-1), 2 - 0.15729920705028513, 1e-7, 'erfc(−1)');
  });

  it('reversing a series negates S, Z and the slope, and keeps p', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 20 }), { minLength: 3, maxLength: 30 }), (values) => {
        const forward = mannKendall(values)!;
        const backward = mannKendall([...values].reverse())!;
        assert.equal(backward.s + forward.s, 0);
        assert.equal(backward.variance, forward.variance);
        close(backward.z, -forward.z, 1e-12, 'Z');
        close(backward.p_value, forward.p_value, 1e-12, 'p');
        close(backward.slope, -forward.slope, 1e-12, 'slope');
      }),
    );
  });
});
