/**
 * The plan editor's exact text arithmetic (web/src/views/plan-editor.ts): rates between fractions
 * and percent by moving the decimal point, never through floating point; bounds between `from` and
 * `up_to` and back to the same brackets.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { convertBounds, percentRate, ratePercent, shiftDecimal } from '../../web/src/views/plan-text.js';

describe('plan editor: rates in percent', () => {
  it('shows stored rates in percent exactly and reads them back as stored', () => {
    assert.equal(ratePercent(0.08), '8');
    assert.equal(ratePercent('0.033333'), '3.3333');
    assert.equal(ratePercent('2/3'), '200/3');
    assert.equal(ratePercent('0.1/3'), '10/3');
    assert.equal(ratePercent(0.00416666667), '0.416666667');
    assert.equal(ratePercent(1e-7), '0.00001');
    assert.equal(percentRate('6.5'), 0.065);
    assert.equal(percentRate('3.3333'), 0.033333);
    assert.equal(percentRate('0.833333333'), 0.00833333333, 'a number when it reads back as the same text');
    assert.equal(percentRate('12.34567890123456789'), '0.1234567890123456789', 'else the decimal string (the server then names the 12-decimal limit)');
    assert.equal(percentRate('200/3'), '2/3');
    assert.equal(percentRate('10/3'), '0.1/3');
    assert.equal(percentRate('abc'), 'abc', 'text that is no rate is kept for the server to name');
    assert.equal(shiftDecimal('-0.5', 2), '-50');
    assert.equal(shiftDecimal('', 2), undefined);
  });

  it('percent → rate → percent is the identity on decimal text up to 10 places', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 100 }), fc.integer({ min: 0, max: 10 ** 10 - 1 }), fc.integer({ min: 0, max: 10 }), (whole, digits, places) => {
        const fraction = String(digits).padStart(10, '0').slice(0, places).replace(/0+$/, '');
        const text = fraction ? `${whole}.${fraction}` : String(whole);
        assert.equal(ratePercent(percentRate(text)), text);
      }),
    );
  });
});

describe('plan editor: bounds', () => {
  it('from 50,001 is the previous bracket up to 50,000.99; for counts F − 1', () => {
    const from = [{ from: 0, rate: 0.04 }, { from: 25000, rate: 0.06 }, { from: 50001, rate: 0.08 }];
    assert.deepEqual(convertBounds(from, 'gp', 'up_to'), [{ up_to: 24999.99, rate: 0.04 }, { up_to: 50000.99, rate: 0.06 }, { up_to: null, rate: 0.08 }]);
    assert.deepEqual(convertBounds([{ from: 0, rate: 10 }, { from: 5, rate: 20 }], 'deals', 'up_to'), [{ up_to: 4, rate: 10 }, { up_to: null, rate: 20 }]);
    assert.equal(convertBounds([{ up_to: null, rate: 0.1 }, { up_to: null, rate: 0.1 }], 'gp', 'from'), undefined, 'an open bound in the middle cannot be converted');
  });

  it('from → up_to → from gives the identical brackets (whole cents and counts)', () => {
    const measure = fc.constantFrom('gp' as const, 'team_gp' as const, 'deals' as const);
    fc.assert(
      fc.property(measure, fc.uniqueArray(fc.integer({ min: 1, max: 10_000_000_00 }), { minLength: 0, maxLength: 6 }), (m, raw) => {
        const step = m === 'deals' ? 1 : 100;
        const starts = [0, ...[...raw].sort((a, b) => a - b)].map((units) => (m === 'deals' ? Math.floor(units / 100) : units) / step);
        const distinct = [...new Set(starts)];
        const brackets = distinct.map((from, index) => ({ from, rate: index / 100 }));
        const upTo = convertBounds(brackets, m, 'up_to')!;
        assert.deepStrictEqual(convertBounds(upTo, m, 'from'), brackets);
        assert.deepStrictEqual(convertBounds(convertBounds(upTo, m, 'from')!, m, 'up_to'), upTo);
      }),
    );
  });
});
